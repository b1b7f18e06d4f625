// The respondent's page (templates/surveys/respond.html): counts the statements answered, and
// keeps the answers not yet sent in this browser's local storage, so that a reload or a lost
// connection loses nothing. Nothing goes to the server before the person sends the form.
//
// The stored answers are kept under the form's data-survey-key (the round, never the token: the
// browser's storage must not hold the secret of the link), and removed by the thank-you page
// once the answer is in. The page works without this script: the form is an ordinary form.
(function () {
  "use strict";

  function storage() {
    try {
      var probe = window.localStorage;
      probe.getItem("granska-enkat:probe");
      return probe;
    } catch (e) {
      return null;  // storage refused (private mode, a policy): the form still works
    }
  }

  var store = storage();
  var done = document.querySelector("[data-survey-done]");
  if (done && store) {
    store.removeItem(done.dataset.surveyDone);
  }

  var form = document.querySelector("form[data-survey-key]");
  if (!form) { return; }
  var key = form.dataset.surveyKey;
  var answered = form.querySelector(".survey-answered");

  function statementNames() {
    var names = [];
    form.querySelectorAll("input[type='radio'][name^='s-']").forEach(function (input) {
      if (names.indexOf(input.name) < 0) { names.push(input.name); }
    });
    return names;
  }

  function values() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if ((name.indexOf("s-") === 0 || name.indexOf("t-") === 0) && value !== "") {
        data[name] = value;
      }
    });
    return data;
  }

  function progress() {
    if (!answered) { return; }
    var count = statementNames().filter(function (name) {
      return form.querySelector("input[name='" + CSS.escape(name) + "']:checked") !== null;
    }).length;
    if (answered.textContent !== String(count)) { answered.textContent = String(count); }
  }

  function restore(data) {
    var restored = false;
    Object.keys(data).forEach(function (name) {
      if (typeof data[name] !== "string") { return; }
      form.querySelectorAll("[name='" + CSS.escape(name) + "']").forEach(function (field) {
        if (field.type === "radio") {
          if (field.value === data[name] && !field.checked) { field.checked = true; restored = true; }
        } else if (field.tagName === "TEXTAREA" && field.value === "") {
          field.value = data[name];
          restored = restored || data[name] !== "";
        }
      });
    });
    return restored;
  }

  function keep() {
    if (!store) { return; }
    try {
      store.setItem(key, JSON.stringify(values()));
    } catch (e) {
      // Storage full or refused: the answers stay in the form until sent.
    }
  }

  if (store) {
    form.parentNode.querySelectorAll(".survey-kept").forEach(function (p) { p.hidden = false; });
    if (form.hasAttribute("data-survey-posted")) {
      // An answer that came back refused holds what was sent: that is the draft now.
      keep();
    } else {
      var stored = null;
      try { stored = JSON.parse(store.getItem(key) || "null"); } catch (e) { stored = null; }
      if (stored && typeof stored === "object" && restore(stored)) {
        form.parentNode.querySelectorAll(".survey-restored").forEach(function (box) {
          box.hidden = false;
        });
      }
    }
  }

  form.addEventListener("change", function () { progress(); keep(); });
  form.addEventListener("input", keep);
  progress();

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
