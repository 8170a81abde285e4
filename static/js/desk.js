/* Helmdesk desk: keyboard shortcuts, inbox row selection, bulk-select helpers. No framework. */
(function () {
  "use strict";

  // Used by hx-trigger filters: never refresh a region under the agent's hands.
  window.deskHasSelection = function () {
    return !!document.querySelector('#inbox-results input[name="ticket_ids"]:checked');
  };
  window.deskSidebarBusy = function () {
    var el = document.activeElement;
    return !!(el && el.closest && el.closest("#ticket-properties") && el.matches("input, select, textarea"));
  };

  function typing(event) {
    var el = event.target;
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-ticket-row]")); }
  function currentRow() { return document.querySelector("[data-ticket-row].is-current"); }

  function moveRow(step) {
    var list = rows();
    if (!list.length) return;
    var index = list.indexOf(currentRow());
    var next = list[Math.max(0, Math.min(list.length - 1, index + step))] || list[0];
    list.forEach(function (row) { row.classList.remove("is-current"); });
    next.classList.add("is-current");
    var link = next.querySelector("[data-ticket-link]");
    if (link) link.focus();
    next.scrollIntoView({ block: "nearest" });
  }

  function focusReply(kind) {
    var radio = document.querySelector(kind === "note" ? "[data-note-kind]" : "[data-reply-kind]");
    var body = document.getElementById("reply-body");
    if (!radio || !body) return false;
    radio.checked = true;
    body.focus();
    return true;
  }

  function assignToMe() {
    var button = document.getElementById("assign-me-button");
    if (button) { button.click(); return true; }
    var row = currentRow();
    if (row && window.htmx) {
      htmx.ajax("POST", row.dataset.assignUrl, { swap: "none" }).then(function () {
        htmx.trigger(document.body, "ticket-changed");
      });
      return true;
    }
    return false;
  }

  function updateBulkCount() {
    var count = document.querySelectorAll('#inbox-results input[name="ticket_ids"]:checked').length;
    var label = document.querySelector("[data-bulk-count]");
    var bar = document.querySelector("[data-bulk-bar]");
    if (!label || !bar) return;
    label.textContent = count ? count + " \u2713" : label.dataset.emptyLabel || label.textContent;
    bar.classList.toggle("has-selection", count > 0);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var label = document.querySelector("[data-bulk-count]");
    if (label) label.dataset.emptyLabel = label.textContent;
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-select-all]")) {
      document.querySelectorAll('#inbox-results input[name="ticket_ids"]').forEach(function (box) {
        box.checked = target.checked;
      });
    }
    if (target.closest("#inbox-results")) updateBulkCount();
  });
  document.addEventListener("htmx:afterSwap", updateBulkCount);

  // After a bulk action ran, the bar starts empty again: a status or assignee left selected would be
  // applied once more to the next selection by mistake.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("#bulk-form") || !event.detail.successful) return;
    form.querySelectorAll("[data-bulk-bar] select").forEach(function (select) { select.selectedIndex = 0; });
    form.querySelectorAll("[data-bulk-bar] input[type=text]").forEach(function (input) { input.value = ""; });
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-shortcut-help]")) {
      var dialog = document.getElementById("shortcut-help");
      if (dialog && dialog.showModal) dialog.showModal();
    }
  });

  document.addEventListener("keydown", function (event) {
    // Ctrl/Cmd+Enter sends the reply from inside the text box.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.id === "reply-body") {
      event.preventDefault();
      var form = document.getElementById("reply-box");
      if (form) form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    var handled = true;
    switch (event.key) {
      case "j": moveRow(1); break;
      case "k": moveRow(-1); break;
      case "x": {
        var row = currentRow();
        var box = row && row.querySelector('input[name="ticket_ids"]');
        if (box) { box.checked = !box.checked; updateBulkCount(); } else handled = false;
        break;
      }
      case "r": handled = focusReply("reply"); break;
      case "n": handled = focusReply("note"); break;
      case "a": handled = assignToMe(); break;
      case "/": {
        var search = document.getElementById("inbox-q");
        if (search) search.focus(); else handled = false;
        break;
      }
      case "?": {
        var dialog = document.getElementById("shortcut-help");
        if (dialog && dialog.showModal && !dialog.open) dialog.showModal(); else handled = false;
        break;
      }
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });
})();
