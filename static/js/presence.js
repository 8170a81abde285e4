// Collision warning: while the agent types in the reply box, tell the server every few seconds
// (the banner #ticket-presence polls and listens for "ticket-presence" live events by itself).
(function () {
  "use strict";
  var banner = document.getElementById("ticket-presence");
  if (!banner) return;
  var url = banner.getAttribute("hx-get");
  var headers = {};
  try { headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}"); } catch (e) { headers = {}; }
  var last = 0;

  function beat(data) {
    var body = new URLSearchParams(data);
    return fetch(url, { method: "POST", body: body, headers: headers, credentials: "same-origin", keepalive: true });
  }

  document.addEventListener("input", function (event) {
    if (!event.target.closest || !event.target.closest("#reply-box textarea")) return;
    var now = Date.now();
    if (now - last < 4000) return;
    last = now;
    beat({ typing: "1" });
  });
  window.addEventListener("pagehide", function () { beat({ leave: "1" }); });
})();
