/* The visit form (templates/visits/form.html): show the strategies of a key component only
   while that component is ticked.

   Each component's strategies sit in a <fieldset data-strategies-for="<component code>">.
   While the component is not ticked, its fieldset is hidden and disabled: a disabled
   fieldset's answers are not submitted, so an answer given before unticking cannot be
   refused by the service ("strategies must belong to a chosen component"), and it is still
   there if the component is ticked again. Progressive enhancement: without JavaScript
   every component's strategies are shown and the service checks what is sent. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-visit-form]");
  if (!form) {
    return;
  }
  var boxes = form.querySelectorAll("input[type='checkbox'][name='components']");

  function sync(box) {
    var group = form.querySelector(
      "fieldset[data-strategies-for='" + box.value.replace(/'/g, "") + "']"
    );
    if (!group) {
      return;
    }
    group.hidden = !box.checked;
    group.disabled = !box.checked;
  }

  boxes.forEach(function (box) {
    sync(box);
    box.addEventListener("change", function () {
      sync(box);
    });
  });
  var hint = form.querySelector("[data-strategies-hint]");
  if (hint) {
    hint.hidden = false;
  }
})();
