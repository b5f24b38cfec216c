/* Wide tables on small screens scroll inside their own box (static/css/site.css, "Tables
   on small screens"). A box that scrolls must be reachable by keyboard: while a table is
   wider than its box it gets tabindex="0" (focus it, then scroll with the arrow keys),
   and loses it again once it fits. Tables inside a `.table-scroll` wrapper are left
   alone: the wrapper is focusable in the markup already.
   Progressive enhancement: without JavaScript the table still scrolls, and browsers that
   make scrolling boxes focusable themselves reach it by keyboard too. */
(function () {
  "use strict";

  function update() {
    var tables = document.querySelectorAll("main table.table");
    for (var i = 0; i < tables.length; i += 1) {
      var table = tables[i];
      if (table.closest(".table-scroll")) continue;
      var scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.setAttribute("data-scroll-focus", "");
      } else if (!scrolls && table.hasAttribute("data-scroll-focus")) {
        table.removeAttribute("tabindex");
        table.removeAttribute("data-scroll-focus");
      }
    }
  }

  var pending = null;
  function later() {
    if (pending !== null) window.clearTimeout(pending);
    pending = window.setTimeout(function () { pending = null; update(); }, 100);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  window.addEventListener("resize", later);
  // A table in a <details> has no width until the details opens.
  document.addEventListener("toggle", update, true);
})();
