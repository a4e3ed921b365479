/* A request that htmx sent and that failed (refused, a server error, or no network) says so
 * just before the form or element that sent it, instead of nothing happening. Successes and
 * the "signed out" notice (401) are swapped in by htmx as usual. The words come from the page
 * (data-htmx-error on <body>), in the reader's language. */
(function () {
  "use strict";

  function failed(event) {
    var source = event.detail && event.detail.elt;
    if (!source || !source.isConnected) { return; }
    var box = source.closest("form") || source;
    var note = box.previousElementSibling;
    if (!note || !note.classList.contains("htmx-failed")) {
      note = document.createElement("p");
      note.className = "htmx-failed";
      note.setAttribute("role", "alert");
      box.insertAdjacentElement("beforebegin", note);
    }
    note.textContent = document.body.dataset.htmxError || "";
  }

  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
})();
