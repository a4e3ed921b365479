/* A request that htmx sent and that failed (refused, a server error, or no network) says so
 * just before the form or element that sent it, instead of nothing happening; the note goes
 * once a later request from there succeeds (a poll that recovers, a form sent again).
 * Successes and the "signed out" notice (401) are swapped in by htmx as usual. The words come
 * from the page (data-htmx-error on <body>), in the reader's language. */
(function () {
  "use strict";

  function senderOf(event) {
    var source = event.detail && event.detail.elt;
    if (!source || !source.isConnected) { return null; }
    return source.closest("form") || source;
  }

  function noteBefore(box) {
    var note = box.previousElementSibling;
    return note && note.classList.contains("htmx-failed") ? note : null;
  }

  function failed(event) {
    var box = senderOf(event);
    if (!box) { return; }
    var note = noteBefore(box);
    if (!note) {
      note = document.createElement("p");
      note.className = "htmx-failed";
      note.setAttribute("role", "alert");
      box.insertAdjacentElement("beforebegin", note);
    }
    note.textContent = document.body.dataset.htmxError || "";
  }

  function succeeded(event) {  // before the swap, while the sender is still in the page
    var box = event.detail.isError ? null : senderOf(event);
    var note = box && noteBefore(box);
    if (note) { note.remove(); }
  }

  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:beforeSwap", succeeded);
})();
