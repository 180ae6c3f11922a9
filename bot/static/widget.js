/* Daleel chat widget. Any site embeds it with one tag:
 *   <script src="https://DALEEL-HOST/static/widget.js" data-lang="ar" async></script>
 * On another site it adds a launcher button that opens the chat page (/chat?embed=1) in a frame;
 * on the chat page itself (#daleel-chat) it runs the conversation: POST /api/v1/chat, and polls
 * POST /api/v1/chat/agent-messages for what a person of the team (the agent console) writes.
 * A kept conversation reopened after a pause (data-return-after-ms) sends the silent payload /returned
 * once, so the assistant can ask again whether its last answer worked.
 * Untrusted text is only ever set as text (textContent), never as HTML. */
(function () {
  "use strict";

  var STORE_KEY = "daleel.chat.v1";
  var MAX_KEPT = 200;
  var URL_RE = /https?:\/\/[^\s<>"'`]+/g;
  var TRAILING = /[.,;:!?)\]}'"\u060C\u061B\u061F\u06D4]+$/;  // also Arabic comma, semicolon, question mark

  var root = document.getElementById("daleel-chat");
  if (root) {
    runChat(root);
  } else {
    addLauncher(document.currentScript);
  }

  // --- on another site: a launcher button and the chat page in a frame -------------------------
  function addLauncher(script) {
    if (!script || document.getElementById("daleel-launcher")) { return; }
    var base = new URL(script.src, location.href).origin;
    var pageLang = (script.getAttribute("data-lang") || document.documentElement.lang || "en").slice(0, 2);
    var lang = pageLang === "ar" ? "ar" : "en";
    var side = lang === "ar" ? "left" : "right";

    var frame = document.createElement("iframe");
    frame.id = "daleel-frame";
    frame.title = script.getAttribute("data-title") || "Daleel · دليل";
    frame.src = base + "/chat?embed=1&lang=" + lang;
    frame.hidden = true;
    setStyle(frame, {position: "fixed", bottom: "88px", width: "min(400px, calc(100vw - 24px))",
      height: "min(640px, calc(100vh - 110px))", border: "0", borderRadius: "16px", zIndex: "2147483646",
      boxShadow: "0 8px 32px rgba(0,0,0,.25)", background: "#fff"});
    frame.style[side] = "12px";

    var button = document.createElement("button");
    button.id = "daleel-launcher";
    button.type = "button";
    button.setAttribute("aria-label", frame.title);
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", frame.id);
    button.appendChild(balloon());
    setStyle(button, {position: "fixed", bottom: "20px", width: "60px", height: "60px", borderRadius: "50%",
      border: "0", background: "#0b6e4f", color: "#fff", cursor: "pointer", padding: "0",
      display: "flex", alignItems: "center", justifyContent: "center",
      zIndex: "2147483647", boxShadow: "0 4px 16px rgba(0,0,0,.3)"});
    button.style[side] = "20px";
    button.addEventListener("click", function () {
      frame.hidden = !frame.hidden;
      button.setAttribute("aria-expanded", String(!frame.hidden));
      if (!frame.hidden) { frame.focus(); }
    });
    document.body.appendChild(frame);
    document.body.appendChild(button);
  }

  // A speech balloon drawn in SVG (emoji fonts are not everywhere).
  function balloon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "30");
    svg.setAttribute("height", "30");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
    svg.appendChild(path);
    return svg;
  }

  function setStyle(element, styles) {
    Object.keys(styles).forEach(function (name) { element.style[name] = styles[name]; });
  }

  // --- on the chat page: the conversation --------------------------------------------------------
  function runChat(chat) {
    var labels = JSON.parse(document.getElementById("chat-labels").textContent);
    var api = chat.getAttribute("data-api");
    var log = document.getElementById("chat-log");
    var welcome = document.getElementById("chat-welcome");
    var status = document.getElementById("chat-status");
    var form = document.getElementById("chat-form");
    var input = document.getElementById("chat-input");
    var send = document.getElementById("chat-send");
    var agentApi = chat.getAttribute("data-agent-api");
    var agentPoll = parseInt(chat.getAttribute("data-agent-poll-ms"), 10) || 5000;
    var returnAfter = parseInt(chat.getAttribute("data-return-after-ms"), 10) || 30 * 60 * 1000;
    var state = load();
    var busy = false;
    var polling = false;

    render();
    if (state.messages.length && state.lastAt && Date.now() - state.lastAt > returnAfter) {
      ask(null, "/returned");
    }
    setInterval(pollAgent, agentPoll);
    if (window.matchMedia("(pointer: fine)").matches) { input.focus(); }  // no surprise keyboard on phones

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (text && !busy) {
        input.value = "";
        ask(text, text);
      }
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    document.getElementById("chat-new").addEventListener("click", function () {
      state = {sender: newSender(), messages: [], agentAfter: 0};
      save();
      render();
      input.focus();
    });

    // `shown` is the customer's bubble; null for a silent payload (/returned), which shows only the answer
    // and, failing, no error: the customer asked nothing.
    function ask(shown, message) {
      if (shown !== null) { state.messages.push({from: "user", text: shown}); }
      save();  // also stamps lastAt: a reload now does not send /returned again
      render();
      setBusy(true);
      showStatus(labels.typing, false);
      fetch(api, {method: "POST", headers: {"Content-Type": "application/json"},
                  body: JSON.stringify({sender: state.sender, message: message})})
        .then(function (response) {
          if (response.status === 422) { throw new Error("invalid"); }
          if (!response.ok) { throw new Error("unavailable"); }
          return response.json();
        })
        .then(function (reply) {
          reply.messages.forEach(function (m) {
            state.messages.push({from: "bot", text: m.text || "", buttons: m.buttons || []});
          });
          save();
          showStatus("", false);
          render();
        })
        .catch(function (error) {
          if (shown === null) { showStatus("", false); return; }
          showStatus(error.message === "invalid" ? labels.invalid : labels.error, true);
        })
        .then(function () {
          setBusy(false);
        });
    }

    // A person's replies to this conversation; `after` acknowledges the ones already shown, so none is
    // shown twice and none is lost when an answer does not arrive.
    function pollAgent() {
      if (polling || document.hidden || !state.messages.length) { return; }
      polling = true;
      fetch(agentApi, {method: "POST", headers: {"Content-Type": "application/json"},
                       body: JSON.stringify({sender: state.sender, after: state.agentAfter || 0})})
        .then(function (response) { return response.ok ? response.json() : {messages: []}; })
        .then(function (reply) {
          if (!reply.messages.length) { return; }
          reply.messages.forEach(function (m) {
            if (m.id > (state.agentAfter || 0)) {
              state.messages.push({from: "agent", text: m.text});
              state.agentAfter = m.id;
            }
          });
          save();
          render();
        })
        .catch(function () { /* the next poll tries again */ })
        .then(function () { polling = false; });
    }

    function render() {
      log.textContent = "";
      welcome.hidden = state.messages.length > 0;
      var lastUser = -1;
      state.messages.forEach(function (m, i) { if (m.from === "user") { lastUser = i; } });
      state.messages.forEach(function (m, i) {
        log.appendChild(bubble(m, i > lastUser));
      });
      var last = log.lastElementChild;
      if (last) { last.scrollIntoView({block: "end"}); }
    }

    function bubble(message, live) {
      var item = document.createElement("li");
      var kind = message.from === "user" || message.from === "agent" ? message.from : "bot";
      item.className = "msg msg-" + kind;
      var who = document.createElement("span");
      who.className = "visually-hidden";
      who.textContent = {user: labels.you, bot: labels.bot, agent: labels.agent_said}[kind] + ": ";
      item.appendChild(who);
      if (kind === "agent") {
        var name = document.createElement("span");
        name.className = "msg-from";
        name.setAttribute("aria-hidden", "true");
        name.textContent = labels.agent;
        item.appendChild(name);
      }
      if (message.text) {
        var text = document.createElement("div");
        text.className = "bubble";
        text.setAttribute("dir", "auto");
        appendLinked(text, message.text);
        item.appendChild(text);
      }
      if (message.buttons && message.buttons.length) {
        var choices = document.createElement("div");
        choices.className = "choices";
        message.buttons.forEach(function (b) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "choice";
          button.setAttribute("dir", "auto");
          button.textContent = b.title;
          button.disabled = !live;
          button.addEventListener("click", function () {
            if (!busy) {
              ask(b.title, b.payload);
              input.focus();  // the clicked button is gone after the re-render
            }
          });
          choices.appendChild(button);
        });
        item.appendChild(choices);
      }
      return item;
    }

    function setBusy(value) {
      busy = value;
      send.setAttribute("aria-disabled", String(value));  // stays focusable, unlike disabled
      chat.setAttribute("aria-busy", String(value));
    }

    function showStatus(text, isError) {
      status.textContent = text;
      status.hidden = !text;
      status.classList.toggle("is-error", !!isError);
    }

    function load() {
      try {
        var kept = JSON.parse(localStorage.getItem(STORE_KEY));
        if (kept && /^[A-Za-z0-9_-]{8,64}$/.test(kept.sender) && Array.isArray(kept.messages)) { return kept; }
      } catch (e) { /* storage blocked or corrupt: start afresh */ }
      return {sender: newSender(), messages: []};
    }

    function save() {
      state.messages = state.messages.slice(-MAX_KEPT);
      state.lastAt = Date.now();  // the conversation's last activity (what /returned is measured from)
      try { localStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
    }
  }

  // Text with its http(s) links made clickable; everything goes in as text nodes.
  function appendLinked(parent, text) {
    var last = 0;
    text.replace(URL_RE, function (match, offset) {
      var url = match.replace(TRAILING, "");
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = document.createElement("a");
      link.href = url;
      link.textContent = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.setAttribute("dir", "ltr");
      parent.appendChild(link);
      last = offset + url.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function newSender() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
})();
