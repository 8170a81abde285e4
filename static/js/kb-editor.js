/* Knowledge-base editor: upload a file and insert its markdown at the cursor. The preview itself is htmx. */
(function () {
  "use strict";
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }
  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart || textarea.value.length;
    var end = textarea.selectionEnd || start;
    textarea.value = textarea.value.slice(0, start) + text + textarea.value.slice(end);
    textarea.selectionStart = textarea.selectionEnd = start + text.length;
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.focus();
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-upload-url]") || !input.files.length) return;
    var status = document.getElementById("kb-upload-status");
    var data = new FormData();
    data.append("file", input.files[0]);
    if (input.dataset.article) data.append("article", input.dataset.article);
    status.textContent = "…";
    fetch(input.dataset.uploadUrl, { method: "POST", body: data, headers: { "X-CSRFToken": csrfToken() }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (result) {
        if (result.error) { status.textContent = result.error; return; }
        insertAtCursor(document.getElementById(input.dataset.target), "\n" + result.markdown + "\n");
        status.textContent = result.name;
        input.value = "";
      })
      .catch(function () { status.textContent = "Upload failed."; });
  });
})();
