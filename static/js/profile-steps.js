// Profile steps: show a follow-up question only when the answer it belongs to is chosen, e.g.
// "Your profession" once "Health professional" is ticked. Without JavaScript every question
// shows, and the server ignores answers that do not apply.
(function () {
  "use strict";

  function chosen(form, name, values) {
    return Array.prototype.some.call(
      form.querySelectorAll('input[name="' + name + '"]'),
      function (input) {
        return input.checked && values.indexOf(input.value) !== -1;
      }
    );
  }

  function update(block) {
    var form = block.closest("form");
    var values = block.getAttribute("data-show-values").split(" ");
    // A question with an error message stays in view, whatever is ticked.
    block.hidden =
      !chosen(form, block.getAttribute("data-show-when"), values) &&
      !block.querySelector(".is-invalid");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-show-when]").forEach(function (block) {
      update(block);
      block.closest("form").addEventListener("change", function (event) {
        if (event.target.name === block.getAttribute("data-show-when")) {
          update(block);
        }
      });
    });
  });
})();
