/* Ambassadors' lookup page: search as you type (debounced), service details with a QR code of the
 * link, and "customer moved to the app". Keyboard: Down/Tab to results, Up/Down between them,
 * Enter opens one, Escape back to the search box. All text goes in as text, never as HTML. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 250;
  var HOME_PAGES = ["home", "index", "index.html", "index.htm", "index.php", "default.aspx", "home.aspx", "main"];
  // An app's store listing (service_catalog/schema.py STORE_LINK): after the service's own pages.
  var STORE_LISTING = /^https:\/\/(apps\.apple\.com\/[a-z]{2}\/app\/|play\.google\.com\/store\/apps\/details\?id=)/;
  var MIN_CHARS = 2;
  var page = document.getElementById("lookup");
  var lang = page.getAttribute("data-lang");
  var labels = JSON.parse(document.getElementById("lookup-labels").textContent);
  var input = document.getElementById("q");
  var results = document.getElementById("results");
  var detail = document.getElementById("detail");
  var status = document.getElementById("search-status");
  var timer = null;
  var searching = null;  // AbortController of the search in flight
  var selecting = 0;     // the latest selection wins when answers come back out of order
  var lastQuery = null;  // the query of the results on screen

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      focusResult(0);
    } else if (event.key === "Enter") {
      event.preventDefault();
      clearTimeout(timer);
      if (input.value.trim() === lastQuery) {
        select(results.querySelector(".result"), true);
      } else {
        search(true);
      }
    }
  });
  results.addEventListener("keydown", function (event) {
    var buttons = Array.prototype.slice.call(results.querySelectorAll(".result"));
    var at = buttons.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      focusResult(Math.max(0, Math.min(buttons.length - 1, at + (event.key === "ArrowDown" ? 1 : -1))));
    } else if (event.key === "Escape") {
      input.focus();
    }
  });
  detail.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.focus(); }
  });

  // Results for the query in the box; the first one is shown (and opened for the keyboard when openFirst).
  function search(openFirst) {
    var q = input.value.trim();
    if (searching) { searching.abort(); }
    if (q.length < MIN_CHARS) {
      results.textContent = "";
      lastQuery = null;
      say(status, q ? labels.too_short : "");
      return Promise.resolve();
    }
    searching = new AbortController();
    say(status, labels.searching);
    var url = "/api/v1/services/search?per_page=8&lang=" + lang + "&q=" + encodeURIComponent(q);
    return fetch(url, {signal: searching.signal})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (page) {
        lastQuery = q;
        showResults(page.items);
        select(results.querySelector(".result"), !!openFirst);
      })
      .catch(function (error) {
        if (error.name !== "AbortError") { say(status, labels.failed); }
      });
  }

  function showResults(items) {
    results.textContent = "";
    say(status, items.length ? fill(labels.count, {n: items.length}) : labels.none);
    items.forEach(function (item) {
      var li = el("li");
      var button = el("button", "result");
      button.type = "button";
      button.setAttribute("data-id", item.id);
      button.appendChild(isolated("span", "result-name", name(item)));
      var meta = isolated("span", "result-meta", channelName(item.channel));
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(el("bdi", null, fee(item.fee_aed)));
      button.appendChild(meta);
      button.addEventListener("click", function () { select(button, true); });
      li.appendChild(button);
      results.appendChild(li);
    });
  }

  function focusResult(index) {
    var buttons = results.querySelectorAll(".result");
    if (buttons[index]) { buttons[index].focus(); }
  }

  // Show a result's details; moveFocus takes the keyboard into the panel (when the user chose it).
  function select(button, moveFocus) {
    if (!button) { return; }
    results.querySelectorAll(".result").forEach(function (b) { b.setAttribute("aria-current", String(b === button)); });
    var id = button.getAttribute("data-id");
    var ticket = ++selecting;
    fetch("/api/v1/services/" + encodeURIComponent(id))
      .then(function (response) { if (!response.ok) { throw new Error(); } return response.json(); })
      .then(function (service) {
        return linkFor(service).then(function (link) {
          if (ticket === selecting) { showDetail(service, link, moveFocus); }
        });
      })
      .catch(function () { say(status, labels.failed); });
  }

  // The service's own page when a channel gives one, else its app's store listing (as the route
  // answer's channel), else the first http(s) link of the service's channels, else of its entity's.
  function linkFor(service) {
    var pages = (service.channels || []).filter(function (c) { return c.url && isPage(c.url); });
    var page = pages.filter(function (c) { return !STORE_LISTING.test(c.url); })[0] || pages[0];
    if (page) { return Promise.resolve(page.url); }
    var own = firstLink(service.channels);
    if (own) { return Promise.resolve(own); }
    return fetch("/api/v1/entities/" + encodeURIComponent(service.id.split(".")[0]))
      .then(function (response) { return response.ok ? response.json() : {channels: []}; })
      .then(function (entity) { return firstLink(entity.channels); })
      .catch(function () { return null; });
  }

  // Not a homepage: a path beyond a language segment or a home page, or a query (service_catalog/quality.py).
  function isPage(url) {
    var parts = /^https?:\/\/[^\/?#]+([^?#]*)(\?[^#]*)?/.exec(url);
    if (!parts) { return false; }
    if (parts[2] && parts[2].length > 1) { return true; }
    var segments = parts[1].split("/").filter(Boolean);
    if (HOME_PAGES.indexOf((segments[segments.length - 1] || "").toLowerCase()) >= 0) { segments.pop(); }
    return segments.length > 1 || (segments.length === 1 && !/^(en|ar)([-_][a-z]{2})?$/i.test(segments[0]));
  }

  function firstLink(channels) {
    var found = (channels || []).filter(function (c) { return c.url && /^https?:\/\//.test(c.url); })[0];
    return found ? found.url : null;
  }

  function showDetail(service, link, moveFocus) {
    detail.textContent = "";
    detail.hidden = false;
    var heading = isolated("h2", null, name(service));
    heading.id = "detail-name";
    detail.appendChild(heading);
    detail.appendChild(isolated("p", "other-name", lang === "ar" ? service.name_en : service.name_ar));

    var facts = el("dl");
    var channel = service.channels[0];
    facts.appendChild(el("dt", null, labels.channel));
    var channelDd = el("dd");
    var channelText = channelName(channel);
    channelDd.appendChild(channel.url && /^https?:\/\//.test(channel.url) ? anchor(channel.url, channelText)
                                                                       : el("bdi", null, channelText));
    facts.appendChild(channelDd);
    facts.appendChild(el("dt", null, labels.fee));
    facts.appendChild(el("dd", "fee", fee(service.fee_aed)));
    facts.appendChild(el("dt", null, labels.documents));
    var docs = el("dd");
    // documents_ar is complete and in order, or empty (service_catalog/schema.py): all Arabic or all English.
    var documents = lang === "ar" && service.documents_ar.length ? service.documents_ar : service.documents;
    if (documents.length) {
      var list = el("ul");
      documents.forEach(function (d) { list.appendChild(isolated("li", null, d)); });
      docs.appendChild(list);
    } else {
      docs.textContent = labels.no_documents;
    }
    facts.appendChild(docs);
    detail.appendChild(facts);

    var qr = el("div", "qr");
    if (link) {
      var img = el("img");
      img.src = "/api/v1/qr?url=" + encodeURIComponent(link);
      img.alt = fill(labels.qr_alt, {url: link});
      img.width = 176;
      img.height = 176;
      qr.appendChild(img);
      var caption = el("div");
      caption.appendChild(el("p", null, labels.link));
      var a = anchor(link, link);
      a.className = "qr-link";
      caption.appendChild(a);
      qr.appendChild(caption);
    } else {
      qr.appendChild(el("p", null, labels.no_link));
    }
    detail.appendChild(qr);

    var moved = el("button", "primary", labels.moved);
    moved.type = "button";
    moved.id = "moved";
    var confirm = el("p", "confirm");
    confirm.setAttribute("role", "status");
    confirm.id = "moved-confirm";
    moved.addEventListener("click", function () { recordMove(service, moved, confirm); });
    detail.appendChild(moved);
    detail.appendChild(confirm);
    if (moveFocus) { detail.focus(); }
  }

  // The button keeps the keyboard focus while its request runs (aria-disabled, not disabled).
  function recordMove(service, button, confirm) {
    if (button.getAttribute("aria-disabled") === "true") { return; }
    button.setAttribute("aria-disabled", "true");
    fetch("/api/v1/ambassador/deflections", {
      method: "POST", headers: {"Content-Type": "application/json"}, credentials: "same-origin",
      body: JSON.stringify({service_id: service.id, language: lang})
    })
      .then(function (response) {
        if (response.status === 401) {
          confirm.classList.add("is-error");
          confirm.textContent = labels.signed_out + " ";
          confirm.appendChild(anchor(page.getAttribute("data-sign-in"), labels.sign_in, true));
          return;
        }
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json().then(function (out) {
          confirm.classList.remove("is-error");
          var time = new Date().toLocaleTimeString(lang === "ar" ? "ar-AE" : "en-GB",
                                                   {hour: "2-digit", minute: "2-digit", second: "2-digit"});
          var channel = lang === "ar" && out.channel_ar ? out.channel_ar : out.channel;
          confirm.textContent = fill(labels.recorded, {channel: channel, time: time});
        });
      })
      .catch(function () {
        confirm.classList.add("is-error");
        confirm.textContent = labels.record_failed;
      })
      .then(function () { button.removeAttribute("aria-disabled"); });
  }

  // --- small helpers ---------------------------------------------------------------------------
  function name(item) { return lang === "ar" ? item.name_ar : item.name_en; }

  function channelName(channel) { return lang === "ar" && channel.name_ar ? channel.name_ar : channel.name; }

  function fee(value) {
    if (value === null || value === undefined) { return labels.fee_unknown; }
    return fill(labels.fee_amount, {fee: Number(value).toLocaleString("en-US", {maximumFractionDigits: 2})});
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  function say(target, text) { target.textContent = text; }

  function el(tag, className, text, dir) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (dir) { node.setAttribute("dir", dir); }
    return node;
  }

  // Catalogue text may be in either script: its own direction inside <bdi>, the line in the page's.
  function isolated(tag, className, text) {
    var node = el(tag, className);
    node.appendChild(el("bdi", null, text));
    return node;
  }

  function anchor(href, text, sameTab) {
    var a = el("a", null, text, "auto");
    a.href = href;
    if (!sameTab) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    }
    return a;
  }
})();
