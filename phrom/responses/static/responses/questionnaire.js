/* Phrom questionnaire: every answer saves on its own.
 *
 * - One POST per question (the question's own form), debounced while typing.
 * - One request per question at a time; changes made meanwhile are sent right after,
 *   with the version the server returned, so a person never conflicts with themself.
 * - A refused version (HTTP 409) shows both answers; the person keeps one.
 * - Network failures retry with backoff (1 s, 2 s, 4 s ... 30 s) and at once when the
 *   browser is back online; leaving the page while anything is unsaved asks first.
 * - Every unsaved change is also kept in the browser (localStorage, one draft per person,
 *   response and question, with the version it was based on) until the server has it; a
 *   page that opens with drafts puts them back in the form and sends them (an outdated
 *   version then goes through the conflict above, showing both answers).
 * - A signed-out save (HTTP 401, or a redirect to the sign-in page) says so with a link to
 *   sign in again that returns here; the page then tries again when it is shown or focused
 *   and every 15 s, so a sign-in in another tab sends the kept changes too. The CSRF token
 *   is read from its cookie at each send, since signing in again replaces it.
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
  var SESSION_CHECK = 15000;
  var DRAFT_MAX_AGE = 30 * 24 * 3600 * 1000;
  var draftPrefix = root.getAttribute("data-drafts") || "";
  var loginUrl = root.getAttribute("data-login-url") || "";
  var pageUser = root.getAttribute("data-user") || "";
  var states = {};
  var signedOut = false;
  var sessionTimer = null;
  var leavingToSignIn = false;

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
  }

  function cookieToken() {
    var name = (texts.csrf_cookie || "csrftoken") + "=";
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i += 1) {
      if (parts[i].indexOf(name) === 0) { return decodeURIComponent(parts[i].slice(name.length)); }
    }
    return "";
  }

  function csrfToken(form) {
    var fresh = cookieToken();   // the page's own token is stale after signing in again
    if (fresh) { return fresh; }
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function headers(form, accept) {
    // X-Phrom-User: the server refuses a save made in someone else's name (another sign-in).
    return { "Accept": accept, "X-CSRFToken": csrfToken(form), "X-Phrom-User": pageUser };
  }

  function formBody(form) {
    var body = new FormData(form);
    body.set("csrfmiddlewaretoken", csrfToken(form));
    return body;
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

  /* --- drafts kept in the browser --------------------------------------------------- */

  function storage() {
    try { return draftPrefix ? window.localStorage : null; } catch (e) { return null; }
  }

  function draftKey(code) { return draftPrefix + ":" + code; }

  function fieldsOf(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "base_version" && typeof value === "string") {
        fields.push([name, value]);
      }
    });
    return fields;
  }

  function keepDraft(code) {
    var form = formOf(code);
    var store = storage();
    if (!form || !store) { return; }
    var version = form.querySelector("input[name=base_version]");
    try {
      store.setItem(draftKey(code), JSON.stringify({
        version: version ? version.value : "0", fields: fieldsOf(form), at: Date.now()
      }));
    } catch (e) { /* storage full or refused: the page still holds the answer */ }
  }

  function dropDraft(code) {
    var store = storage();
    if (store) { try { store.removeItem(draftKey(code)); } catch (e) { /* nothing kept */ } }
  }

  function applyFields(form, fields) {
    Array.prototype.forEach.call(form.elements, function (input) {
      var name = input.name;
      if (!name || input.type === "hidden") { return; }
      var values = fields.filter(function (f) { return f[0] === name; })
        .map(function (f) { return f[1]; });
      if (input.type === "checkbox" || input.type === "radio") {
        input.checked = values.indexOf(input.value) >= 0;
      } else if (values.length || !input.disabled) {
        input.value = values.length ? values[0] : "";
      }
    });
  }

  function restoreDrafts() {
    var store = storage();
    if (!store) { return; }
    var prefix = draftPrefix + ":";
    var keys = [];
    for (var i = 0; i < store.length; i += 1) {
      var key = store.key(i);
      if (key && key.indexOf(prefix) === 0) { keys.push(key); }
    }
    var restored = [];
    keys.forEach(function (key) {
      var code = key.slice(prefix.length);
      var draft = null;
      try { draft = JSON.parse(store.getItem(key)); } catch (e) { draft = null; }
      if (!draft || !Array.isArray(draft.fields) || Date.now() - (draft.at || 0) > DRAFT_MAX_AGE) {
        store.removeItem(key);
        return;
      }
      var b = block(code);
      if (!b) { return; }   // a question of another part: kept for its page
      var form = formOf(code);
      var version = form ? form.querySelector("input[name=base_version]") : null;
      if (!form || !b.hasAttribute("data-editable")) { store.removeItem(key); return; }
      if (version && version.value === String(draft.version) &&
          JSON.stringify(fieldsOf(form)) === JSON.stringify(draft.fields)) {
        store.removeItem(key);   // the server has it already
        return;
      }
      applyFields(form, draft.fields);
      syncNotApplicable(form);
      setVersion(code, draft.version);
      state(code).dirty = true;
      setStatus(code, "pending", texts.restored);
      restored.push(code);
    });
    if (restored.length) {
      applyConditions();
      restored.forEach(function (code) { send(code); });
    }
  }

  /* --- signed out ----------------------------------------------------------------------- */

  /* data: the server's answer; an empty login_url means someone else is signed in now,
     * and the sign-in page would only send them back. */
  function showSignedOut(code, data) {
    var region = document.getElementById("qn-session");
    var text = (data && data.message) || texts.signed_out;
    var withLink = !(data && data.login_url === "");
    if (region && (!signedOut || region.getAttribute("data-text") !== text)) {
      region.textContent = "";
      region.setAttribute("data-text", text);
      var p = document.createElement("p");
      p.appendChild(document.createTextNode(text + " "));
      region.appendChild(p);
      region.classList.add("qn-session-on");
    }
    if (region && withLink && !region.querySelector("a")) {
      var link = document.createElement("a");
      link.href = loginUrl + "?next=" +
        encodeURIComponent(location.pathname + location.search + "#q-" + code);
      link.textContent = texts.sign_in;
      link.addEventListener("click", function () { leavingToSignIn = true; });
      region.querySelector("p").appendChild(link);
    }
    signedOut = true;
    if (sessionTimer === null) { sessionTimer = setInterval(checkSession, SESSION_CHECK); }
  }

  function signedInAgain() {
    if (!signedOut) { return; }
    signedOut = false;
    if (sessionTimer !== null) { clearInterval(sessionTimer); sessionTimer = null; }
    var region = document.getElementById("qn-session");
    if (region) {
      region.textContent = texts.signed_in_again;
      region.classList.remove("qn-session-on");
    }
    flushAll();
  }

  /* One kept change is sent again: its answer tells whether the person is back. */
  function checkSession() {
    if (!signedOut) { return; }
    var codes = Object.keys(states).filter(function (code) {
      var s = states[code];
      return s.dirty && !s.inflight && !s.conflict && !s.locked;
    });
    if (codes.length) { send(codes[0]); }
  }

  /* --- sending ------------------------------------------------------------------------ */

  function schedule(code, delay) {
    var s = state(code);
    s.dirty = true;
    s.invalid = false;
    keepDraft(code);
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
    var body = formBody(form);
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: headers(form, "application/json")
    }).then(function (response) {
      var status = response.status;
      if (response.redirected && loginUrl && response.url.indexOf(loginUrl) >= 0) {
        status = 401;   // sent to the sign-in page: the session has ended
      }
      return response.json().then(
        function (data) { return { code: status, data: data }; },
        function () { return { code: status, data: null }; }
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
      signedInAgain();
      var reused = block(code) ? block(code).querySelector(".q-meta .badge-reused") : null;
      if (reused) { reused.remove(); }   // no longer last cycle's answer
      if (s.dirty) { keepDraft(code); send(code); return; }
      dropDraft(code);
      setStatus(code, "saved", data.message || texts.saved);
      return;
    }
    if (status === 401 || (data && data.status === "signed_out") || (status === 403 && !data)) {
      // Signed out (or a CSRF refusal, which signing in again mends): keep, say so, wait.
      s.dirty = true;
      keepDraft(code);
      setStatus(code, "signed-out", texts.signed_out_short);
      showSignedOut(code, data);
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
    if ((status === 403 || status === 423 || (status === 404 && data && data.status === "not_found")) && data) {
      s.locked = true;
      s.dirty = false;
      dropDraft(code);   // it can never be saved here
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
  window.addEventListener("focus", checkSession);
  window.addEventListener("pageshow", checkSession);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { checkSession(); }
  });
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
    if (unsavedCount() > 0 && !leavingToSignIn) {   // to sign in: the drafts are kept
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
    return fetch(url, {
      credentials: "same-origin",
      headers: { "Accept": "text/html", "X-Requested-With": "fetch", "X-Phrom-User": pageUser }
    })
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
      keepDraft(code);
      focusFirst(block(code));
      send(code);
    } else {
      s.dirty = false;
      s.invalid = false;
      dropDraft(code);
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
        body: formBody(form),
        credentials: "same-origin",
        headers: headers(form, "application/json")
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

  restoreDrafts();
  updateGlobal();
}());
