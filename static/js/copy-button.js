// Copy buttons: <button data-copy="#element-id" data-copied-label="Copied">Copy</button> copies that
// element's text to the clipboard and says so on the button for a moment.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      var label = button.textContent;
      button.textContent = button.dataset.copiedLabel || "Copied";
      setTimeout(function () { button.textContent = label; }, 2000);
    });
  });
})();
