/* Phrom questionnaire: every answer saves on its own.
 *
 * - One POST per question (the question's own form), debounced while typing.
 * - One request per question at a time; changes made meanwhile are sent right after,
 *   with the version the server returned, so a person never conflicts with themself.
 * - A refused version (HTTP 409) shows both answers; the person keeps one.
 * - Network failures retry with backoff (1 s, 2 s, 4 s ... 30 s) and at once when the
 *   browser is back online; leaving the page while anything is unsaved asks first.
 * - Conditions: a question whose condition is not met is hidden as soon as the gating
 *   answer changes, and shown again when it matches.
 * No build step and no dependency.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-questionnaire]");
  if (!root) { return; }
  var texts = JSON.parse(document.getElementById("qn-texts").textContent);
  var TEXT_DELAY = 800;
  var MAX_BACKOFF = 30000;
  var states = {};

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
  }

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function block(code) { return document.getElementById("q-" + code); }
  function formOf(code) { var b = block(code); return b ? b.querySelector("form.q-form") : null; }

  function state(code) {
    if (!states[code]) {
      states[code] = { dirty: false, inflight: false, timer: null, retry: null, attempt: 0,
        conflict: false, invalid: false, locked: false };
    }
    return states[code];
  }

  function unsaved(s) {
    return s.dirty || s.inflight || s.timer !== null || s.retry !== null || s.conflict || s.invalid;
  }

  function unsavedCount() {
    var n = 0;
    Object.keys(states).forEach(function (code) { if (unsaved(states[code])) { n += 1; } });
    return n;
  }

  function updateGlobal() {
    var el = document.getElementById("qn-global");
    if (!el) { return; }
    var n = unsavedCount();
    el.textContent = n ? fill(texts.unsaved, { n: n }) : texts.all_saved;
    el.classList.toggle("qn-global-pending", n > 0);
  }

  function setStatus(code, kind, text) {
    var el = document.getElementById("q-" + code + "-status");
    if (el) {
      if (el.textContent !== text) { el.textContent = text; }   // announce changes only
      el.setAttribute("data-state", kind);
    }
    updateGlobal();
  }

  function setError(code, text) {
    var b = block(code);
    var el = document.getElementById("q-" + code + "-err");
    if (!b || !el) { return; }
    el.textContent = text || "";
    b.classList.toggle("q-invalid", Boolean(text));
    b.querySelectorAll("form.q-form [name=value]").forEach(function (input) {
      if (text) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    });
  }

  function setVersion(code, version) {
    var b = block(code);
    if (!b) { return; }
    b.querySelectorAll("input[name=base_version]").forEach(function (input) { input.value = String(version); });
  }

  function clearConflict(code) {
    var box = document.getElementById("q-" + code + "-conflict");
    if (box) { box.innerHTML = ""; }
  }

  /* --- sending ------------------------------------------------------------------------ */

  function schedule(code, delay) {
    var s = state(code);
    s.dirty = true;
    s.invalid = false;
    if (s.timer !== null) { clearTimeout(s.timer); }
    if (s.retry !== null) { clearTimeout(s.retry); s.retry = null; }
    if (s.conflict) { updateGlobal(); return; }   // the person chooses first
    setStatus(code, "pending", texts.pending);
    s.timer = setTimeout(function () { s.timer = null; send(code); }, delay);
  }

  function send(code) {
    var s = state(code);
    var form = formOf(code);
    if (!form || s.inflight || s.conflict || s.locked) { updateGlobal(); return; }
    var number = form.querySelector("input[type=number]");
    if (number && number.validity && number.validity.badInput) {
      s.dirty = false;
      s.invalid = true;
      setError(code, texts.not_number);
      setStatus(code, "invalid", texts.invalid);
      return;
    }
    s.dirty = false;
    s.inflight = true;
    setStatus(code, "saving", texts.saving);
    var body = new FormData(form);
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) }
    }).then(function (response) {
      return response.json().then(
        function (data) { return { code: response.status, data: data }; },
        function () { return { code: response.status, data: null }; }
      );
    }).then(function (result) {
      s.inflight = false;
      handle(code, result.code, result.data);
    }, function () {
      s.inflight = false;
      s.dirty = true;
      retry(code, texts.retrying);
    });
  }

  function handle(code, status, data) {
    var s = state(code);
    if (status === 200 && data && data.status === "saved") {
      s.attempt = 0;
      setVersion(code, data.version);
      setError(code, "");
      if (s.dirty) { send(code); return; }
      setStatus(code, "saved", data.message || texts.saved);
      return;
    }
    if (status === 409 && data && data.status === "conflict") {
      s.conflict = true;
      var box = document.getElementById("q-" + code + "-conflict");
      if (box) { box.innerHTML = data.html; }
      setStatus(code, "conflict", data.message);
      return;
    }
    if (status === 400 && data) {
      if (s.dirty) { send(code); return; }   // already changed again since
      s.invalid = true;
      setError(code, data.message);
      setStatus(code, "invalid", texts.invalid);
      return;
    }
    if ((status === 403 || status === 423) && data) {
      s.locked = true;
      s.dirty = false;
      setError(code, data.message);
      setStatus(code, "locked", data.message);
      return;
    }
    s.dirty = true;   // server error or a page that is not ours (signed out): try again later
    retry(code, texts.failed);
  }

  function retry(code, text) {
    var s = state(code);
    if (s.retry !== null) { clearTimeout(s.retry); }
    if (!navigator.onLine) {
      s.retry = null;
      setStatus(code, "offline", texts.offline);
      return;
    }
    var delay = Math.min(MAX_BACKOFF, 1000 * Math.pow(2, s.attempt));
    s.attempt += 1;
    setStatus(code, "retrying", fill(text, { seconds: Math.round(delay / 1000) }));
    s.retry = setTimeout(function () { s.retry = null; send(code); }, delay);
  }

  function flushAll() {
    Object.keys(states).forEach(function (code) {
      var s = states[code];
      if (s.dirty && !s.inflight && !s.conflict) {
        if (s.retry !== null) { clearTimeout(s.retry); s.retry = null; }
        s.attempt = 0;
        send(code);
      }
    });
  }

  window.addEventListener("online", flushAll);
  window.addEventListener("offline", function () {
    Object.keys(states).forEach(function (code) {
      var s = states[code];
      if (s.dirty && !s.inflight && s.retry !== null) {
        clearTimeout(s.retry);
        s.retry = null;
        setStatus(code, "offline", texts.offline);
      }
    });
  });
  window.addEventListener("beforeunload", function (event) {
    if (unsavedCount() > 0) {
      event.preventDefault();
      event.returnValue = texts.leave;
      return texts.leave;
    }
    return undefined;
  });

  /* --- conditions --------------------------------------------------------------------- */

  function answerOf(code) {
    var form = formOf(code);
    if (!form) { return undefined; }
    var na = form.querySelector("input[name=not_applicable]");
    if (na && na.checked) { return null; }
    var type = block(code).getAttribute("data-type");
    if (type === "multiple_choice") {
      var chosen = [];
      form.querySelectorAll("input[name=value]:checked").forEach(function (i) { chosen.push(i.value); });
      var none = form.querySelector("input[name=none_chosen]");
      return chosen.length || (none && none.checked) ? chosen : null;
    }
    if (type === "yes_no" || type === "single_choice" || type === "maturity") {
      var picked = form.querySelector("input[name=value]:checked");
      if (!picked) { return null; }
      if (type === "yes_no") { return picked.value === "yes"; }
      if (type === "maturity") { return parseInt(picked.value, 10); }
      return picked.value;
    }
    if (type === "number" || type === "percentage") {
      var input = form.querySelector("input[name=value]");
      if (!input || input.value === "") { return null; }
      var n = parseFloat(input.value);
      return isNaN(n) ? null : n;
    }
    return null;
  }

  function met(condition, value) {
    if (value === null || value === undefined) { return false; }
    if (condition.at_least !== undefined) { return typeof value === "number" && value >= condition.at_least; }
    if (condition.any_of) {
      if (Array.isArray(value)) { return value.some(function (v) { return condition.any_of.indexOf(v) >= 0; }); }
      return condition.any_of.indexOf(value) >= 0;
    }
    if (condition.equals !== undefined) {
      if (Array.isArray(value)) { return value.indexOf(condition.equals) >= 0; }
      return value === condition.equals;
    }
    return false;
  }

  function setShown(b, on) {
    var was = !b.classList.contains("q-off");
    if (was === on) { return; }
    b.classList.toggle("q-off", !on);
    b.querySelectorAll(".q-body").forEach(function (part) { part.hidden = !on; });
    var announce = document.getElementById("qn-announce");
    if (announce) {
      announce.textContent = fill(on ? texts.shown : texts.hidden, { code: b.getAttribute("data-code") });
    }
  }

  function applyConditions() {
    var shown = {};
    root.querySelectorAll(".q").forEach(function (b) {
      var code = b.getAttribute("data-code");
      var when = b.getAttribute("data-when");
      if (!when) { shown[code] = !b.classList.contains("q-off"); return; }
      var condition = JSON.parse(when);
      if (!block(condition.q)) { shown[code] = !b.classList.contains("q-off"); return; }
      var on = shown[condition.q] !== false && met(condition, answerOf(condition.q));
      shown[code] = on;
      setShown(b, on);
    });
  }

  /* --- events ------------------------------------------------------------------------- */

  function questionOf(element) {
    var b = element.closest ? element.closest(".q") : null;
    return b ? b.getAttribute("data-code") : null;
  }

  function isTyped(input) {
    return input.tagName === "TEXTAREA" || input.type === "text" || input.type === "url" ||
      input.type === "number";
  }

  function syncNotApplicable(form) {
    var na = form.querySelector("input[name=not_applicable]");
    if (!na) { return; }
    form.querySelectorAll("[name=value], [name=none_chosen]").forEach(function (input) {
      input.disabled = na.checked;
    });
  }

  root.addEventListener("change", function (event) {
    var input = event.target;
    var form = input.form;
    if (!form || !form.classList.contains("q-form")) { return; }
    var code = questionOf(form);
    if (!code) { return; }
    if (input.name === "not_applicable") { syncNotApplicable(form); }
    if (input.name === "none_chosen" && input.checked) {
      form.querySelectorAll("input[name=value]").forEach(function (i) { i.checked = false; });
    }
    if (input.name === "value" && input.type === "checkbox" && input.checked) {
      var none = form.querySelector("input[name=none_chosen]");
      if (none) { none.checked = false; }
    }
    applyConditions();
    schedule(code, 0);
  });

  root.addEventListener("input", function (event) {
    var input = event.target;
    var form = input.form;
    if (!form || !form.classList.contains("q-form") || !isTyped(input)) { return; }
    var code = questionOf(form);
    if (!code) { return; }
    if (input.type === "number") { applyConditions(); }
    schedule(code, TEXT_DELAY);
  });

  function replaceQuestion(code, html) {
    var old = block(code);
    if (!old) { return null; }
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.firstElementChild;
    old.replaceWith(fresh);
    applyConditions();
    return fresh;
  }

  function focusFirst(b) {
    var target = b.querySelector("form.q-form input:not([type=hidden]):not([disabled]), form.q-form textarea:not([disabled])");
    if (target) { target.focus(); }
  }

  function reloadQuestion(code, message) {
    var url = root.getAttribute("data-fragment-url").replace("CODE", encodeURIComponent(code));
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); })
      .then(function (html) {
        var fresh = replaceQuestion(code, html);
        if (fresh) { setStatus(code, "saved", message); focusFirst(fresh); }
      });
  }

  root.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-conflict]") : null;
    if (!button) { return; }
    var code = questionOf(button);
    var s = state(code);
    s.conflict = false;
    s.attempt = 0;
    if (button.getAttribute("data-conflict") === "mine") {
      setVersion(code, button.getAttribute("data-version"));
      clearConflict(code);
      s.dirty = true;
      focusFirst(block(code));
      send(code);
    } else {
      s.dirty = false;
      s.invalid = false;
      reloadQuestion(code, texts.kept_theirs).catch(function () {
        s.conflict = true;
        setStatus(code, "conflict", texts.failed.replace("%(seconds)s", "-"));
      });
    }
  });

  root.addEventListener("submit", function (event) {
    var form = event.target;
    var code = questionOf(form);
    if (!code) { return; }
    if (form.classList.contains("q-form")) {
      event.preventDefault();          // Enter in a field: save now
      schedule(code, 0);
      return;
    }
    if (form.classList.contains("q-carry")) {
      event.preventDefault();
      var button = form.querySelector("button");
      if (button) { button.disabled = true; }
      setStatus(code, "saving", texts.saving);
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) }
      }).then(function (r) {
        return r.json().then(function (data) { return { code: r.status, data: data }; });
      }).then(function (result) {
        var data = result.data || {};
        if (data.html) {
          var fresh = replaceQuestion(code, data.html);
          state(code).dirty = false;
          setStatus(code, result.code === 200 ? "saved" : "conflict", data.message);
          if (fresh) { focusFirst(fresh); }
        } else {
          if (button) { button.disabled = false; }
          setError(code, data.message || texts.invalid);
          setStatus(code, "invalid", data.message || texts.invalid);
        }
      }, function () {
        if (button) { button.disabled = false; }
        setStatus(code, "offline", texts.offline);
      });
    }
  });

  updateGlobal();
}());
