// Deflection: if the visitor opened a suggested article and leaves the form without sending it,
// tell the server once (sendBeacon survives page unload). Submitting the form cancels it.
(function () {
  const form = document.getElementById("portal-submit-form");
  if (!form) return;
  let openedSuggestion = false;
  let submitted = false;
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-suggestion]")) openedSuggestion = true;
  });
  form.addEventListener("submit", () => { submitted = true; });
  window.addEventListener("pagehide", () => {
    if (!openedSuggestion || submitted) return;
    const data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    navigator.sendBeacon(form.dataset.deflectUrl, data);
  });
})();
