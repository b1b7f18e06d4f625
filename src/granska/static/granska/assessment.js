// The assessment page. "Använd förslaget" sets the grade to the suggestion in the browser; without
// this script the button submits the form, which comes back with the grade set and nothing saved.
// After a save that failed, focus goes to the list of what is wrong (autofocus does it too, where
// the browser honours it on a message that is not a form control).
(function () {
  "use strict";
  var form = document.querySelector("form.assessment");
  if (!form) { return; }

  // As buttons of this script, not submit buttons: Enter in the form must save it, not take a
  // suggestion. The lines the suggestion endpoint redraws come as type="button" already.
  form.querySelectorAll("button[data-use-suggestion]").forEach(function (button) {
    button.type = "button";
  });

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-use-suggestion]");
    if (!button) { return; }
    var name = "grade-" + button.dataset.useSuggestion;
    var choice = form.querySelector(
      "input[name='" + CSS.escape(name) + "'][value='" + CSS.escape(button.dataset.grade) + "']"
    );
    if (!choice) { return; }
    event.preventDefault();
    choice.checked = true;
    // The draft keeps it; no "change", which would redraw the suggestion for nothing.
    choice.dispatchEvent(new Event("input", { bubbles: true }));
    choice.focus();
  });

  // The survey's response-rate sentence into the narrative, where the cursor is; without this
  // script the sentence is shown beside the field to copy.
  var insert = form.querySelector("button[data-insert-sentence]");
  var narrative = document.getElementById("narrative");
  var sentence = form.querySelector("[data-sentence]");
  if (insert && narrative && sentence) {
    insert.hidden = false;
    insert.addEventListener("click", function () {
      var text = sentence.textContent.trim();
      var start = narrative.selectionStart || 0;
      var end = narrative.selectionEnd || start;
      var before = narrative.value.slice(0, start);
      var spaced = before && !/\s$/.test(before) ? " " + text : text;
      narrative.setRangeText(spaced, start, end, "end");
      narrative.dispatchEvent(new Event("input", { bubbles: true }));
      narrative.focus();
    });
  }

  var alert = document.getElementById("error-summary") || document.getElementById("conflict");
  if (alert && document.activeElement !== alert) { alert.focus(); }
})();
