/* The desk's live chat: the conversation socket (history, live messages, typing, replies with a
   client id, resync after a reconnect) and, on the queue page, a desktop notification and a sound
   when a new chat waits. */
(function () {
  "use strict";
  var section = document.querySelector("[data-chat-socket]");
  if (section) conversation(section);
  if (document.querySelector("[data-chat-queue]")) queueAlerts();

  function uid() { return crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2); }

  function conversation(section) {
    var log = section.querySelector("[data-chat-log]");
    var typing = section.querySelector("[data-chat-typing]");
    var form = section.querySelector("[data-chat-compose]");
    var textarea = form.querySelector("textarea");
    var state = {ws: null, lastSeq: 0, seen: {}, retry: 0, timer: null, sentTyping: 0, pending: []};

    function render(m) {
      if (state.seen[m.seq]) return;
      state.seen[m.seq] = true;
      state.lastSeq = Math.max(state.lastSeq, m.seq);
      var node = document.createElement("div");
      node.className = "chat-msg " + m.author + (m.internal ? " internal" : "");
      node.dataset.seq = m.seq;
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = (m.name || m.author) + (m.internal ? " · note" : "");
      node.append(who, document.createTextNode(m.text));
      (m.attachments || []).forEach(function (a) {
        var file = document.createElement("span");
        file.className = "files";
        // A drawn paperclip (an emoji shows as an empty box where no emoji font is installed).
        file.innerHTML = '<svg viewBox="0 0 24 24" width="12" height="12" aria-hidden="true" fill="none" ' +
          'stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1' +
          'l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9"/></svg> ';
        file.append(document.createTextNode(a.name));
        node.append(file);
      });
      log.append(node);
      log.scrollTop = log.scrollHeight;
      state.pending = state.pending.filter(function (p) { return p.client_id !== m.client_id; });
    }
    function send(frame) { if (state.ws && state.ws.readyState === 1) state.ws.send(JSON.stringify(frame)); }
    function connect() {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      var ws = new WebSocket(scheme + location.host + section.dataset.chatSocket);
      state.ws = ws;
      ws.onopen = function () {
        state.retry = 0;
        send({type: "hello", last_seq: state.lastSeq});
        state.pending.forEach(function (p) { send(p); });
      };
      ws.onmessage = function (e) {
        var f = JSON.parse(e.data);
        if (f.type === "message") { render(f); if (f.author === "customer") send({type: "read", seq: f.seq}); typing.textContent = ""; }
        else if (f.type === "typing") {
          typing.textContent = (f.name || "Visitor") + " is typing…";
          clearTimeout(state.timer);
          state.timer = setTimeout(function () { typing.textContent = ""; }, 4000);
        } else if (f.type === "read") { typing.textContent = "Read"; }
        else if (f.type === "error") { typing.textContent = f.text; }
      };
      ws.onclose = function () {
        state.retry = Math.min(state.retry + 1, 6);
        setTimeout(connect, 300 * Math.pow(2, state.retry - 1));
      };
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = textarea.value.trim();
      if (!text) return;
      var frame = {type: "message", client_id: uid(), text: text};
      state.pending.push(frame);
      send(frame);
      textarea.value = "";
    });
    textarea.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
    });
    textarea.addEventListener("input", function () {
      if (Date.now() - state.sentTyping > 2000) { state.sentTyping = Date.now(); send({type: "typing"}); }
    });
    connect();
    tools(form, textarea);
  }

  /* Macros and the AI draft go into the reply box: the agent reads, edits, then sends. */
  function tools(form, textarea) {
    function insert(text) {
      textarea.value = textarea.value.trim() ? textarea.value.replace(/\s*$/, "\n\n") + text : text;
      textarea.focus();
    }
    var picker = form.querySelector("[data-chat-macro]");
    if (picker) picker.addEventListener("change", function () {
      if (!picker.value) return;
      fetch(picker.dataset.url + "?macro=" + encodeURIComponent(picker.value), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (r) { if (r.text) insert(r.text); picker.value = ""; });
    });
    var draftButton = form.querySelector("[data-chat-insert-draft]");
    function showDraftButton() { draftButton.hidden = !document.getElementById("ai-draft-text"); }
    document.body.addEventListener("htmx:afterSwap", showDraftButton);
    showDraftButton();
    draftButton.addEventListener("click", function () {
      var draft = document.getElementById("ai-draft-text");
      if (draft && draft.value.trim()) insert(draft.value.trim());
    });
  }

  function queueAlerts() {
    var known = null;
    if (window.Notification && Notification.permission === "default") {
      document.addEventListener("click", function ask() { Notification.requestPermission(); document.removeEventListener("click", ask); });
    }
    document.body.addEventListener("htmx:afterSwap", function () {
      var region = document.getElementById("chat-queue-region");
      var waiting = region ? Number(region.dataset.waiting || 0) : 0;
      if (known !== null && waiting > known) alert();
      known = waiting;
    });
    var first = document.getElementById("chat-queue-region");
    known = first ? Number(first.dataset.waiting || 0) : 0;

    function alert() {
      try {
        var ctx = new (window.AudioContext || window.webkitAudioContext)();
        var osc = ctx.createOscillator();
        osc.frequency.value = 880;
        osc.connect(ctx.destination);
        osc.start();
        osc.stop(ctx.currentTime + 0.15);
      } catch (e) { /* no sound available */ }
      if (window.Notification && Notification.permission === "granted") new Notification("Helmdesk", {body: "A new chat is waiting"});
    }
  }
})();
