/* Helmdesk chat widget: one script tag, shadow DOM, no framework.
   <script src="https://desk.example.com/chat/widget.js" data-widget="KEY" async></script>
   Optional signed identity from the host site: data-email, data-name, data-signature
   (hex HMAC-SHA256 of the lower-cased email with the widget's identity secret). */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector('script[data-widget][src*="/chat/widget.js"]');
  if (!script || window.__helmdeskChat) return;
  window.__helmdeskChat = true;
  var KEY = script.getAttribute("data-widget");
  var base = new URL(script.src, location.href);
  var WS_URL = (base.protocol === "https:" ? "wss://" : "ws://") + base.host + "/ws/chat/" + encodeURIComponent(KEY) + "/";
  var STORE = "helmdesk-chat:" + KEY + ":";
  var T = {
    open: "Open chat", close: "Close chat", send: "Send", placeholder: "Write a message…",
    name: "Your name", email: "Email", start: "Start chat", person: "Talk to a person",
    helpful: "Was this helpful?", yes: "Yes", sources: "Sources", typing: "typing…", read: "Read",
    rate: "How did we do?", thanks: "Thank you!", offline: "Offline", you: "You", retrying: "Reconnecting…", writing: "Assistant (writing…)",
    attach: "Attach a file", transcript: "Email me the transcript", sentTo: "Transcript sent to"
  };

  function store(name, value) {
    try {
      if (value === undefined) return JSON.parse(localStorage.getItem(STORE + name) || "null");
      localStorage.setItem(STORE + name, JSON.stringify(value));
    } catch (e) { return null; }
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text) node.textContent = text;
    return node;
  }
  function uid() {
    return (crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2));
  }

  /* [hidden] wins over every display rule below (a flex form with the attribute stayed visible) */
  var CSS = ":host{all:initial}[hidden]{display:none!important}*{box-sizing:border-box;font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif}" +
    ".launcher{position:fixed;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:var(--c);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;z-index:2147483646}" +
    ".launcher:focus-visible,button:focus-visible,textarea:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #f5b400;outline-offset:2px}" +
    ".panel{position:fixed;bottom:88px;width:370px;max-width:calc(100vw - 24px);height:560px;max-height:calc(100vh - 110px);background:#fff;color:#1b1f24;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.3);display:flex;flex-direction:column;overflow:hidden;z-index:2147483647}" +
    ".panel[hidden]{display:none}.right{right:20px}.left{left:20px}" +
    "header{background:var(--c);color:#fff;padding:14px 16px;display:flex;justify-content:space-between;align-items:center}" +
    "header h2{margin:0;font-size:15px;font-weight:600}header button{background:none;border:0;color:#fff;font-size:20px;cursor:pointer}" +
    ".status{font-size:12px;opacity:.9;padding:4px 16px;background:#f3f5f8;color:#444}" +
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px}" +
    ".msg{max-width:85%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}" +
    ".msg.customer{align-self:flex-end;background:var(--c);color:#fff;border-bottom-right-radius:3px}" +
    ".msg.agent,.msg.ai,.msg.system{align-self:flex-start;background:#eef1f5;border-bottom-left-radius:3px}" +
    ".msg.system{font-style:italic;background:#fff8e1}.msg.notice{font-style:normal}.launcher.has-notice{box-shadow:0 0 0 3px #f5b400}.msg.pending{opacity:.6}" +
    ".who{display:block;font-size:11px;font-weight:600;opacity:.75;margin-bottom:2px}" +
    ".cites{margin-top:6px;font-size:12px}.cites a{color:inherit;display:block}" +
    ".actions{display:flex;gap:6px;flex-wrap:wrap;margin-top:6px}.actions button,.csat button{border:1px solid #c9d1db;background:#fff;border-radius:14px;padding:3px 10px;cursor:pointer;font-size:12px;color:#1b1f24}" +
    ".typing{font-size:12px;color:#666;padding:0 14px;min-height:18px}" +
    "form.compose{display:flex;gap:6px;border-top:1px solid #e2e6ea;padding:8px}" +
    "textarea{flex:1;resize:none;border:1px solid #c9d1db;border-radius:8px;padding:8px;height:42px;color:#1b1f24;background:#fff}" +
    ".send{background:var(--c);color:#fff;border:0;border-radius:8px;padding:0 14px;cursor:pointer}" +
    "form.prechat{padding:16px;display:flex;flex-direction:column;gap:8px}form.prechat input{border:1px solid #c9d1db;border-radius:8px;padding:8px;color:#1b1f24;background:#fff}form.prechat .send{padding:10px 14px;margin-top:4px;font-weight:600}" +
    ".tools{display:flex;gap:6px;padding:0 8px 8px}.tools button{border:1px solid #c9d1db;background:#fff;border-radius:14px;padding:3px 10px;cursor:pointer;font-size:12px;color:#1b1f24}.tools[hidden],.attach[hidden]{display:none}" +
    ".file{display:block;font-size:12px;margin-top:4px}.file svg{vertical-align:-2px}.tools .attach{display:inline-flex;align-items:center}" +
    ".csat{padding:8px 12px;border-top:1px solid #e2e6ea}.read{font-size:11px;color:#666;align-self:flex-end}" +
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}" +
    "@media (max-width:480px){.panel{right:0;left:0;bottom:0;width:100vw;max-width:100vw;height:100vh;max-height:100vh;border-radius:0}}";

  var host = el("div", {"data-helmdesk-chat": ""});
  var root = host.attachShadow({mode: "open"});
  if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.appendChild(el("style", {}, CSS));
  }
  var launcher = el("button", {class: "launcher right", type: "button", "aria-label": T.open, "aria-expanded": "false"});
  var NS = "http://www.w3.org/2000/svg";
  /* Icons are drawn, not emoji: a machine without an emoji font showed an empty box for the paperclip. */
  function svgIcon(size, d, filled) {
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", String(size));
    svg.setAttribute("height", String(size));
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(NS, "path");
    path.setAttribute("d", d);
    if (filled) path.setAttribute("fill", "currentColor");
    else {
      path.setAttribute("fill", "none"); path.setAttribute("stroke", "currentColor");
      path.setAttribute("stroke-width", "2"); path.setAttribute("stroke-linecap", "round"); path.setAttribute("stroke-linejoin", "round");
    }
    svg.appendChild(path);
    return svg;
  }
  var CLIP = "M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9";
  launcher.appendChild(svgIcon(26, "M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z", true));
  var panel = el("section", {class: "panel right", role: "dialog", "aria-label": "Chat", hidden: ""});
  var header = el("header");
  var title = el("h2", {id: "hd-title"}, "Chat");
  var closer = el("button", {type: "button", "aria-label": T.close}, "×");
  header.append(title, closer);
  var statusBar = el("div", {class: "status", role: "status"});
  var log = el("div", {class: "log", role: "log", "aria-live": "polite", "aria-labelledby": "hd-title", tabindex: "0"});
  var typingLine = el("div", {class: "typing", "aria-live": "polite"});
  var prechat = el("form", {class: "prechat", hidden: ""});
  var compose = el("form", {class: "compose"});
  var input = el("textarea", {"aria-label": T.placeholder, placeholder: T.placeholder, rows: "1", maxlength: "4000"});
  var sendButton = el("button", {class: "send", type: "submit"}, T.send);
  compose.append(input, sendButton);
  var tools = el("div", {class: "tools"});
  var fileInput = el("input", {type: "file", class: "sr", tabindex: "-1", "aria-hidden": "true"});
  var attachButton = el("button", {type: "button", class: "attach", "aria-label": T.attach, title: T.attach});
  attachButton.appendChild(svgIcon(14, CLIP, false));
  var transcriptButton = el("button", {type: "button"}, T.transcript);
  tools.append(attachButton, fileInput, transcriptButton);
  var csat = el("div", {class: "csat", hidden: ""});
  panel.append(header, statusBar, prechat, log, typingLine, compose, tools, csat);
  root.append(launcher, panel);

  var state = {token: store("token"), ticket: store("ticket"), lastSeq: 0, outbox: store("outbox") || [],
               ws: null, retry: 0, config: null, status: "", nodes: {}, streams: {}, live: {}, lastReply: 0, typingTimer: null, sentTyping: 0};

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", open ? T.close : T.open);
    store("open", open);
    if (open) (prechat.hidden ? input : prechat.querySelector("input") || input).focus();
    if (open) noticesSeen();
  }
  // A notice for this (signed-in) visitor, e.g. about their order: shown once, reported seen when
  // the panel is open.
  var unseenNotices = [];
  function noticesSeen() {
    unseenNotices.splice(0).forEach(function (id) { send({type: "notice_seen", id: id}); });
    launcher.classList.remove("has-notice");
  }
  function showNotice(f) {
    var node = el("div", {class: "msg system notice", role: "status"});
    if (f.subject) node.append(el("strong", {}, f.subject));
    node.append(el("div", {}, f.body));
    log.append(node);
    log.scrollTop = log.scrollHeight;
    unseenNotices.push(f.id);
    if (!panel.hidden) noticesSeen(); else launcher.classList.add("has-notice");
  }
  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  closer.addEventListener("click", function () { setOpen(false); launcher.focus(); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { setOpen(false); launcher.focus(); } });
  // A host page may offer its own "Chat with us" buttons: shown once the widget is here, they open it.
  Array.prototype.forEach.call(document.querySelectorAll("[data-helmdesk-chat-open]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { setOpen(true); });
  });

  function applyConfig(cfg) {
    state.config = cfg;
    host.style.setProperty("--c", /^#[0-9a-fA-F]{6}$/.test(cfg.colour) ? cfg.colour : "#2454d6");
    var side = cfg.position === "left" ? "left" : "right";
    launcher.className = "launcher " + side;
    panel.className = "panel " + side;
    title.textContent = cfg.greeting;
    input.maxLength = cfg.max_chars || 4000;
    attachButton.hidden = !cfg.attachments;
    statusBar.textContent = cfg.online ? "" : cfg.offline_text;
    if (cfg.language) panel.setAttribute("lang", cfg.language);
    relabel(cfg.labels);
  }
  // The server's labels in the widget's language (English T above until they come, or if they don't).
  function relabel(labels) {
    for (var k in labels || {}) if (typeof labels[k] === "string" && T.hasOwnProperty(k)) T[k] = labels[k];
    launcher.setAttribute("aria-label", panel.hidden ? T.open : T.close);
    closer.setAttribute("aria-label", T.close);
    input.setAttribute("aria-label", T.placeholder); input.placeholder = T.placeholder;
    sendButton.textContent = T.send;
    attachButton.setAttribute("aria-label", T.attach); attachButton.title = T.attach;
    transcriptButton.textContent = T.transcript;
  }

  function buildPrechat() {
    var cfg = state.config;
    prechat.textContent = "";
    var asksEmail = cfg.email_rule !== "hidden" || !cfg.online;
    /* no form once the conversation has begun: a ticket, or words the visitor already sent */
    if (state.ticket || state.outbox.length || (!cfg.ask_name && !asksEmail) || store("prechat")) {
      prechat.hidden = true; compose.hidden = false; return;
    }
    if (cfg.ask_name) prechat.append(el("label", {}, T.name), el("input", {name: "name", autocomplete: "name", "aria-label": T.name}));
    if (cfg.email_rule !== "hidden" || !cfg.online) {  /* offline: the answer can come by email */
      var attrs = {name: "email", type: "email", autocomplete: "email", "aria-label": T.email};
      if (cfg.email_rule === "required") attrs.required = "";
      prechat.append(el("label", {}, T.email), el("input", attrs));
    }
    prechat.append(el("button", {class: "send", type: "submit"}, T.start));
    prechat.hidden = false;
    /* a required email comes first; otherwise the form is optional and writing starts the chat too */
    compose.hidden = cfg.email_rule === "required";
  }
  prechat.addEventListener("submit", function (e) {
    e.preventDefault();
    var data = new FormData(prechat);
    store("prechat", {name: data.get("name") || "", email: data.get("email") || ""});
    prechat.hidden = true;
    compose.hidden = false;
    state.ws && state.ws.close();
    input.focus();
  });

  function render(m) {
    var node = state.nodes[m.seq] || (m.client_id && state.nodes["c:" + m.client_id]);
    var fresh = !node;
    if (fresh) node = el("div");
    node.className = "msg " + m.author + (m.pending ? " pending" : "");
    node.textContent = "";
    if (m.author !== "customer") node.append(el("span", {class: "who"}, m.name || ""));
    else node.append(el("span", {class: "sr"}, T.you + ": "));
    node.append(document.createTextNode(m.text));
    (m.attachments || []).forEach(function (a) {
      var file = el("span", {class: "file"});
      file.append(svgIcon(12, CLIP, false), document.createTextNode(" " + a.name));
      node.append(file);
    });
    if (m.citations && m.citations.length) {
      var cites = el("div", {class: "cites"}, T.sources + ":");
      m.citations.forEach(function (c) {
        if (/^https?:/i.test(c.url)) cites.append(el("a", {href: c.url, target: "_blank", rel: "noopener noreferrer"}, c.title || c.url));
      });
      node.append(cites);
    }
    // Only an answer (it always cites its sources) asks for feedback; a handoff notice does not.
    if (m.author === "ai" && state.status === "bot" && m.seq && m.citations && m.citations.length) {
      var actions = el("div", {class: "actions", role: "group", "aria-label": T.helpful});
      var yes = el("button", {type: "button"}, T.helpful + " " + T.yes);
      var person = el("button", {type: "button"}, T.person);
      yes.addEventListener("click", function () { actions.remove(); });
      person.addEventListener("click", function () { send({type: "handoff"}); actions.remove(); });
      actions.append(yes, person);
      node.append(actions);
    }
    if (m.client_id) delete state.nodes["c:" + m.client_id];
    if (m.seq) state.nodes[m.seq] = node; else state.nodes["c:" + m.client_id] = node;
    if (fresh) log.append(node);
    log.scrollTop = log.scrollHeight;
  }

  function dropLive(after) {
    var live = state.live[after];
    if (live) { live.remove(); delete state.live[after]; }
  }

  function send(frame) {
    if (state.ws && state.ws.readyState === 1) { state.ws.send(JSON.stringify(frame)); return true; }
    return false;
  }

  compose.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    var m = {client_id: uid(), text: text};
    state.outbox.push(m);
    store("outbox", state.outbox);
    render({client_id: m.client_id, text: text, author: "customer", pending: true});
    input.value = "";
    send({type: "message", client_id: m.client_id, text: text});
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); compose.requestSubmit(); }
  });
  input.addEventListener("input", function () {
    if (Date.now() - state.sentTyping > 2000) { state.sentTyping = Date.now(); send({type: "typing"}); }
  });

  attachButton.addEventListener("click", function () { fileInput.click(); });
  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    if (!file || !state.token) return;
    var clientId = uid(), text = input.value.trim();
    var data = new FormData();
    data.append("token", state.token); data.append("client_id", clientId);
    data.append("text", text); data.append("file", file, file.name);
    render({client_id: clientId, text: text, author: "customer", pending: true, attachments: [{name: file.name}]});
    input.value = ""; fileInput.value = "";
    fetch(base.origin + "/chat/" + encodeURIComponent(KEY) + "/upload/", {method: "POST", body: data, credentials: "omit"})
      .then(function (r) { return r.json(); })
      .then(function (r) {
        if (r.error) {
          statusBar.textContent = r.text || r.error;
          var failed = state.nodes["c:" + clientId];
          if (failed) { failed.remove(); delete state.nodes["c:" + clientId]; }
        } else if (!state.ticket) { state.ws && state.ws.close(); }  /* join the new conversation */
      })
      .catch(function () { statusBar.textContent = T.retrying; });
  });
  transcriptButton.addEventListener("click", function () { send({type: "transcript"}); });

  function showCsat() {
    csat.textContent = "";
    csat.append(el("span", {}, T.rate + " "));
    [1, 2, 3, 4, 5].forEach(function (n) {
      var b = el("button", {type: "button", "aria-label": n + " / 5"}, "★" + n);
      b.addEventListener("click", function () { send({type: "rate", rating: n}); });
      csat.append(b);
    });
    csat.hidden = false;
  }

  function onFrame(f) {
    if (f.type === "welcome") {
      state.retry = 0;
      state.token = f.token; store("token", f.token);
      if (f.ticket !== state.ticket) { state.lastSeq = 0; }
      state.ticket = f.ticket; store("ticket", f.ticket);
      state.status = f.status;
      state.live = f.live !== false;
      applyConfig(f.widget);
      buildPrechat();
      state.outbox.forEach(function (m) { send({type: "message", client_id: m.client_id, text: m.text}); });
      if (state.status === "closed") showCsat();
    } else if (f.type === "message") {
      if (f.ticket !== state.ticket) { state.ticket = f.ticket; store("ticket", f.ticket); }
      if (!prechat.hidden) { prechat.hidden = true; compose.hidden = false; }
      var stream = state.streams[f.seq];
      if (stream) { stream.remove(); delete state.streams[f.seq]; }
      if (f.author !== "customer") {
        state.lastReply = Math.max(state.lastReply, f.seq);
        Object.keys(state.live).forEach(function (q) { if (+q < f.seq) dropLive(q); });
      }
      if (f.seq <= state.lastSeq && state.nodes[f.seq]) return;
      state.lastSeq = Math.max(state.lastSeq, f.seq);
      state.outbox = state.outbox.filter(function (m) { return m.client_id !== f.client_id || !f.client_id; });
      store("outbox", state.outbox);
      render(f);
      if (f.author !== "customer") { typingLine.textContent = ""; if (!panel.hidden) send({type: "read", seq: f.seq}); }
    } else if (f.type === "stream" && f.after !== undefined) {
      if (state.lastReply > f.after) return;  /* its checked answer is here already */
      var live = state.live[f.after];
      if (!live) {
        live = el("div", {class: "msg ai", "aria-busy": "true"});
        live.append(el("span", {class: "who"}, T.writing));
        live.appendChild(document.createTextNode(""));
        state.live[f.after] = live;
        log.append(live);
      }
      live.lastChild.data += f.delta;
      log.scrollTop = log.scrollHeight;
    } else if (f.type === "stream_end") {
      if (!f.shown) dropLive(f.after);
    } else if (f.type === "stream") {
      var node = state.streams[f.seq];
      if (!node) { node = el("div", {class: "msg ai", "aria-busy": "true"}); state.streams[f.seq] = node; log.append(node); }
      node.textContent += f.delta;
      log.scrollTop = log.scrollHeight;
    } else if (f.type === "notice") {
      showNotice(f);
    } else if (f.type === "typing") {
      typingLine.textContent = (f.name || "") + " " + T.typing;
      clearTimeout(state.typingTimer);
      state.typingTimer = setTimeout(function () { typingLine.textContent = ""; }, 4000);
    } else if (f.type === "read") {
      var seen = root.querySelector(".read") || el("div", {class: "read"}, T.read);
      log.append(seen);
    } else if (f.type === "status") {
      state.status = f.status;
      statusBar.textContent = f.status === "active" && f.agent ? f.agent : "";
      if (f.status === "closed") showCsat();
    } else if (f.type === "transcript_sent") {
      statusBar.textContent = T.sentTo + " " + f.to;
    } else if (f.type === "rated") {
      csat.textContent = T.thanks;
    } else if (f.type === "error") {
      if (f.client_id) {
        var failed = state.nodes["c:" + f.client_id];
        if (failed) failed.title = f.text;
        if (f.code !== "rate_limited") {
          state.outbox = state.outbox.filter(function (m) { return m.client_id !== f.client_id; });
          store("outbox", state.outbox);
        }
      }
      statusBar.textContent = f.text;
    }
  }

  // Without a shared channel layer (no Redis) the worker's answers cannot be pushed: poll for them.
  setInterval(function () {
    if (state.config && state.live === false && !panel.hidden && state.ticket) {
      send({type: "sync", ticket: state.ticket, last_seq: state.lastSeq});
    }
  }, 3000);

  function connect() {
    var ws = new WebSocket(WS_URL);
    state.ws = ws;
    ws.addEventListener("open", function () {
      var who = store("prechat") || {};
      ws.send(JSON.stringify({
        type: "hello", token: state.token || "", ticket: state.ticket || null, last_seq: state.lastSeq,
        name: script.getAttribute("data-name") || who.name || "", email: script.getAttribute("data-email") || who.email || "",
        signature: script.getAttribute("data-signature") || ""
      }));
    });
    ws.addEventListener("message", function (e) {
      try { onFrame(JSON.parse(e.data)); } catch (err) { /* a bad frame is ignored */ }
    });
    ws.addEventListener("close", function (e) {
      if (e.code === 4403) { statusBar.textContent = T.offline; return; }
      statusBar.textContent = T.retrying;
      state.retry = Math.min(state.retry + 1, 6);
      setTimeout(connect, 300 * Math.pow(2, state.retry - 1) + Math.random() * 300);
    });
  }

  function start() {
    document.body.appendChild(host);
    if (store("open")) setOpen(true);
    connect();
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
