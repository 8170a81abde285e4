/* Live desk updates: one plain WebSocket per page (URL from <body data-live-url>). Each event is
   re-dispatched on <body> as "ticket-changed" (and "ticket-<kind>", e.g. "ticket-message"); regions
   listen with hx-trigger="ticket-changed from:body" and re-fetch themselves. Reconnects with backoff. */
(function () {
  "use strict";
  var path = document.body && document.body.dataset.liveUrl;
  if (!path || !("WebSocket" in window)) return;
  var status = document.getElementById("live-status");
  var delay = 1000;
  var MAX_DELAY = 30000;
  var wasConnected = false;

  function setState(state) { if (status) status.dataset.state = state; }

  function emit(detail) {
    if (!window.htmx) return;
    // Who is viewing or typing changed: only the presence banner refreshes, not the whole page.
    if (detail && detail.kind === "presence") { htmx.trigger(document.body, "ticket-presence", detail); return; }
    htmx.trigger(document.body, "ticket-changed", detail);
    if (detail && detail.kind) htmx.trigger(document.body, "ticket-" + detail.kind, detail);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try { socket = new WebSocket(scheme + location.host + path); } catch (e) { return retry(); }
    socket.onopen = function () {
      setState("live");
      delay = 1000;
      // Anything may have changed while we were away: refresh once after a reconnect.
      if (wasConnected) emit({ kind: "reconnected" });
      wasConnected = true;
    };
    socket.onmessage = function (message) {
      var data;
      try { data = JSON.parse(message.data); } catch (e) { return; }
      emit(data);
    };
    socket.onclose = function (event) {
      setState("offline");
      if (event.code === 4403) return; // refused: not ours to watch; retrying would not help
      retry();
    };
  }

  function retry() {
    setState("offline");
    var wait = delay + Math.random() * 500;
    delay = Math.min(delay * 2, MAX_DELAY);
    window.setTimeout(connect, wait);
  }

  connect();
})();
