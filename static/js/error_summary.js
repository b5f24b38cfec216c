/* The error summary (templates/_error_summary.html): move the keyboard focus to it when the
   page comes back with errors, so the person hears and sees what to fix first. A link in
   it moves the focus to the field (the browser scrolls to the id; focus follows for
   keyboard and screen-reader users). Progressive enhancement: without this file the
   summary is still at the top of the form and announced (role="alert"). */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (target && typeof target.focus === "function") {
      event.preventDefault();
      target.focus();
      target.scrollIntoView({ block: "center" });
    }
  });
})();
