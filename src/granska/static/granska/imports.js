// The import page: more files chosen than one upload may carry are refused before sending, with
// the field's own message (the server would refuse the whole upload).
(function () {
  "use strict";
  document.querySelectorAll("input[type=file][data-max-files]").forEach(function (input) {
    var most = parseInt(input.dataset.maxFiles, 10);
    input.addEventListener("change", function () {
      input.setCustomValidity(input.files.length > most ? input.dataset.tooMany : "");
      if (input.files.length > most) input.reportValidity();
    });
  });
})();
