/* Remote images in customer messages are never loaded with the page (see core/remote_content.py):
   each one is a link. A message that has some gets a "Show images" button; pressing it loads them
   through our own proxy (same origin, no cookies or referrer sent to the image's host). */
(function () {
  "use strict";
  function addButtons(root) {
    (root || document).querySelectorAll(".msg-body").forEach(function (body) {
      if (body.dataset.imagesOffered || !body.querySelector("a[data-proxy-src]")) return;
      body.dataset.imagesOffered = "1";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-small show-images";
      button.textContent = document.documentElement.lang === "de" ? "Bilder anzeigen" : "Show images";
      body.insertBefore(button, body.firstChild);
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.show-images");
    if (!button) return;
    var body = button.closest(".msg-body");
    body.querySelectorAll("a[data-proxy-src]").forEach(function (link) {
      var img = document.createElement("img");
      img.src = link.dataset.proxySrc;
      img.alt = link.textContent;
      img.className = "proxied-image";
      link.replaceWith(img);
    });
    button.remove();
  });
  document.addEventListener("DOMContentLoaded", function () { addButtons(document); });
  document.addEventListener("htmx:afterSettle", function (event) { addButtons(event.target); });
})();
