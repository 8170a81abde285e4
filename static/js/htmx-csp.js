/* htmx event filters (hx-trigger="change[...]") are compiled with Function(), which the
   Content-Security-Policy forbids (no 'unsafe-eval'). The few filters the pages need live here
   instead, as plain named events that hx-trigger can listen for:
   - inside a form marked data-filter-form: "filter-change" (a change of any field but the search box)
     and "filter-input" (typing in the search box, name="q");
   - on <body>: "ticket-changed-inbox" (a live event while no row is selected) and
     "ticket-changed-sidebar" (a live event while the agent is not editing the properties). */
(function () {
  "use strict";
  function fire(target, name, detail) {
    target.dispatchEvent(new CustomEvent(name, { bubbles: false, detail: detail }));
  }
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form[data-filter-form]");
    if (form && event.target.name !== "q") fire(form, "filter-change");
  });
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-filter-form]");
    if (form && event.target.name === "q") fire(form, "filter-input");
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.body.addEventListener("ticket-changed", function (event) {
      var selection = typeof window.deskHasSelection === "function" && window.deskHasSelection();
      var busy = typeof window.deskSidebarBusy === "function" && window.deskSidebarBusy();
      if (!selection) fire(document.body, "ticket-changed-inbox", event.detail);
      if (!busy) fire(document.body, "ticket-changed-sidebar", event.detail);
    });
  });
})();
