/* Selects marked data-submit-on-change submit their form when changed (no inline handlers: CSP). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target.closest && event.target.closest("[data-submit-on-change]");
    if (select && select.form) select.form.submit();
  });
})();
