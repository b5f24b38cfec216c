// The session form: show the families of a supervisee only once they are ticked
// (progressive enhancement: without JavaScript every supervisee's families are shown,
// and the server refuses a family whose home visitor is not in the session).
(function () {
  "use strict";
  function sync(box) {
    var group = document.querySelector('[data-families-of="' + box.value + '"]');
    if (!group) return;
    group.hidden = !box.checked;
    if (!box.checked) {
      group.querySelectorAll('input[type="checkbox"]').forEach(function (f) { f.checked = false; });
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-supervisee]").forEach(function (box) {
      sync(box);
      box.addEventListener("change", function () { sync(box); });
    });
  });
})();
