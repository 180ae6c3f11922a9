/* Agent console: the queue of hand-offs (polled), one hand-off with the conversation's last messages,
 * take, reply, hand back, close (POST /api/v1/agent/handoffs/...). Keyboard: Tab or Up/Down through
 * the queue, Enter opens a hand-off (focus moves into it), Escape back to the queue; in the reply box
 * Enter sends, Shift+Enter is a new line. All text goes in as text, never as HTML. */
(function () {
  "use strict";

  var POLL_MS = 3000;
  var API = "/api/v1/agent/handoffs";
  var page = document.getElementById("console");
  var labels = JSON.parse(document.getElementById("agent-labels").textContent);
  var lang = page.getAttribute("data-lang");
  var queue = document.getElementById("queue");
  var empty = document.getElementById("queue-empty");
  var panel = document.getElementById("handoff");
  var none = document.getElementById("handoff-none");
  var body = document.getElementById("handoff-body");
  var facts = document.getElementById("handoff-facts");
  var messages = document.getElementById("messages");
  var unavailable = document.getElementById("messages-unavailable");
  var takeButton = document.getElementById("take");
  var form = document.getElementById("reply-form");
  var reply = document.getElementById("reply");
  var actionStatus = document.getElementById("action-status");
  var consoleStatus = document.getElementById("console-status");
  var selected = null;   // id of the hand-off shown
  var busy = false;
  var pendingKey = null; // the request_key of the reply being sent: a retry of it sends nothing twice

  refresh();
  setInterval(refresh, POLL_MS);

  queue.addEventListener("keydown", function (event) {
    var buttons = Array.prototype.slice.call(queue.querySelectorAll(".result"));
    var at = buttons.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var next = buttons[Math.max(0, Math.min(buttons.length - 1, at + (event.key === "ArrowDown" ? 1 : -1)))];
      if (next) { next.focus(); }
    }
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { focusQueue(); }
  });
  takeButton.addEventListener("click", function () { act("take", null, labels.taken); });
  document.getElementById("hand-back").addEventListener("click", function () {
    act("hand-back", null, labels.handed_back);
  });
  document.getElementById("close").addEventListener("click", function () { act("close", null, labels.closed); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = reply.value.trim();
    if (!text) { return show(actionStatus, labels.invalid, true); }
    pendingKey = pendingKey || newKey();
    act("reply", {text: text, request_key: pendingKey}, null);
  });
  reply.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  reply.addEventListener("input", function () { pendingKey = null; });  // a changed text is a new reply

  // Returns its promise: after a take the reply box can only get the focus once the hand-off is redrawn.
  function refresh() {
    return get(API).then(function (data) {
      renderQueue(data.handoffs);
      if (selected !== null) { return load(selected, false); }
    }).catch(failed);
  }

  function get(url) {
    return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}}).then(answer);
  }

  function answer(response) {
    if (response.status === 401) {
      show(consoleStatus, labels.signed_out, true);
      location.assign(page.getAttribute("data-sign-in"));
      throw new Error("signed out");
    }
    return response.json().then(function (data) {
      if (!response.ok) {
        var error = new Error("refused");
        error.status = response.status;
        throw error;
      }
      return data;
    });
  }

  function renderQueue(handoffs) {
    var focusedId = document.activeElement && document.activeElement.getAttribute("data-id");
    queue.textContent = "";
    empty.hidden = handoffs.length > 0;
    handoffs.forEach(function (h) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "result handoff-" + h.state;
      button.setAttribute("data-id", String(h.id));
      button.setAttribute("aria-current", String(h.id === selected));
      var name = document.createElement("span");
      name.className = "result-name";
      name.setAttribute("dir", "auto");
      name.textContent = labels.states[h.state] + " · " + serviceName(h);
      var meta = document.createElement("span");
      meta.className = "result-meta";
      meta.textContent = [labels.channels[h.channel] || h.channel, labels.languages[h.language] || h.language,
        reasonOf(h.reason), labels.waiting + " " + duration(h.waiting_seconds)].join(" · ");
      button.appendChild(name);
      button.appendChild(meta);
      button.addEventListener("click", function () { open(h.id); });
      item.appendChild(button);
      queue.appendChild(item);
    });
    if (focusedId) {
      var again = queue.querySelector('[data-id="' + focusedId + '"]');
      if (again) { again.focus(); }
    }
  }

  function open(id) {
    selected = id;
    show(actionStatus, "", false);
    Array.prototype.forEach.call(queue.querySelectorAll(".result"), function (b) {
      b.setAttribute("aria-current", String(b.getAttribute("data-id") === String(id)));
    });
    load(id, true);
  }

  function load(id, moveFocus) {
    return get(API + "/" + id).then(function (h) {
      if (id !== selected) { return; }
      renderHandoff(h);
      if (moveFocus) {
        var target = !takeButton.hidden ? takeButton : (!form.hidden ? reply : panel);
        target.focus();
      }
    }).catch(failed);
  }

  function renderHandoff(h) {
    none.hidden = true;
    body.hidden = false;
    facts.textContent = "";
    var rows = [
      [labels.state, labels.states[h.state]],
      [labels.channel, labels.channels[h.channel] || h.channel],
      [labels.language, labels.languages[h.language] || h.language],
      [labels.service, serviceName(h)],
      [labels.reason, reasonOf(h.reason)],
      [labels.waiting, duration(h.waiting_seconds)]
    ];
    if (h.handling_seconds !== null) { rows.push([labels.handling, duration(h.handling_seconds)]); }
    if (h.team) { rows.push([labels.taken_by, h.team]); }
    rows.forEach(function (row) {
      var term = document.createElement("dt");
      term.textContent = row[0];
      var value = document.createElement("dd");
      value.setAttribute("dir", "auto");
      value.textContent = row[1];
      facts.appendChild(term);
      facts.appendChild(value);
    });
    messages.textContent = "";
    unavailable.hidden = h.messages_available || h.messages.length > 0;
    h.messages.forEach(function (m) {
      var item = document.createElement("li");
      item.className = "msg msg-" + (m.sender === "customer" ? "user" : m.sender === "agent" ? "agent" : "bot");
      var who = document.createElement("span");
      who.className = "msg-from";
      who.textContent = labels[m.sender];
      var text = document.createElement("div");
      text.className = "bubble";
      text.setAttribute("dir", "auto");
      text.textContent = m.text;
      item.appendChild(who);
      item.appendChild(text);
      messages.appendChild(item);
    });
    if (!h.messages.length && h.messages_available) {
      var nothing = document.createElement("li");
      nothing.className = "help";
      nothing.textContent = labels.no_messages;
      messages.appendChild(nothing);
    }
    var mine = h.state === "taken" && h.team === page.getAttribute("data-team");
    takeButton.hidden = h.state !== "waiting";
    form.hidden = !mine;
  }

  function act(action, payload, done) {
    if (busy || selected === null) { return; }
    busy = true;
    page.setAttribute("aria-busy", "true");
    var id = selected;
    fetch(API + "/" + id + "/" + action, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", Accept: "application/json"},
      body: payload ? JSON.stringify(payload) : null
    }).then(answer).then(function (result) {
      if (action === "reply") {
        reply.value = "";
        pendingKey = null;
        show(actionStatus, result.queued ? labels.queued : labels.sent, false);
      } else {
        show(actionStatus, done, false);
      }
      return refresh();
    }).then(function () {
      if (action === "take" && !form.hidden) { reply.focus(); }
      if (action === "hand-back" || action === "close") { focusQueue(); }
    }).catch(function (error) {
      var text = {404: labels.not_found, 409: labels.conflict, 422: labels.invalid, 502: labels.unavailable}[error.status];
      show(actionStatus, text || labels.failed, true);
      refresh();
    }).then(function () {
      busy = false;
      page.setAttribute("aria-busy", "false");
    });
  }

  function failed(error) {
    if (error && error.message !== "signed out") { show(consoleStatus, labels.failed, true); }
  }

  function focusQueue() {
    var current = queue.querySelector('[aria-current="true"]') || queue.querySelector(".result");
    if (current) { current.focus(); }
  }

  function show(element, text, isError) {
    element.textContent = text;
    element.classList.toggle("is-error", !!isError);
  }

  function serviceName(h) {
    var name = lang === "ar" ? h.service_name_ar : h.service_name_en;
    return name || labels.no_service;
  }

  function reasonOf(reason) {
    return labels.reasons[reason] || labels.reasons.other;
  }

  function duration(seconds) {
    var total = Math.round(seconds);
    if (total < 60) { return labels.seconds.replace("{n}", total); }
    if (total < 3600) {
      return labels.minutes.replace("{m}", Math.floor(total / 60)).replace("{s}", total % 60);
    }
    return labels.hours.replace("{h}", Math.floor(total / 3600)).replace("{m}", Math.floor(total % 3600 / 60));
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
})();
