// Keeps what a person types in a form with data-draft-key in the browser's local storage until
// the form is saved, so that leaving the page (or a crash) loses nothing. The key carries the
// version the form was built from: a draft is only offered back on the same version.
(function () {
  "use strict";
  document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
    var key = form.dataset.draftKey;
    var prefix = key.split(":").slice(0, 3).join(":") + ":";
    var notice = form.querySelector(".draft-notice");
    var dirty = false;

    function values() {
      var data = {};
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken") { data[name] = value; }
      });
      return data;
    }

    function restore(data) {
      Object.keys(data).forEach(function (name) {
        form.querySelectorAll("[name='" + CSS.escape(name) + "']").forEach(function (field) {
          if (field.type === "radio" || field.type === "checkbox") {
            field.checked = field.value === data[name];
          } else if (field.type !== "hidden") {
            field.value = data[name];
          }
        });
      });
    }

    // Drafts of older versions of this form were either saved or superseded.
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var other = localStorage.key(i);
      if (other && other.indexOf(prefix) === 0 && other !== key) { localStorage.removeItem(other); }
    }

    var stored = localStorage.getItem(key);
    if (stored && stored !== JSON.stringify(values())) {
      restore(JSON.parse(stored));
      dirty = true;
      if (notice) { notice.hidden = false; }
    }
    // A save that failed (a conflict, a validation error) came back with the person's text in the
    // form, possibly under a new version: keep it as this version's draft, and warn on leaving.
    if (form.hasAttribute("data-draft-unsaved")) {
      dirty = true;
      localStorage.setItem(key, JSON.stringify(values()));
    }

    form.addEventListener("input", function () {
      dirty = true;
      localStorage.setItem(key, JSON.stringify(values()));
    });
    form.addEventListener("change", function () {
      dirty = true;
      localStorage.setItem(key, JSON.stringify(values()));
    });
    form.addEventListener("submit", function () {
      // The draft stays until a save succeeds: the page then comes back with a new version and
      // the draft of the old one is dropped above. A save that fails keeps it.
      dirty = false;
    });
    if (notice) {
      notice.querySelector(".draft-discard").addEventListener("click", function () {
        localStorage.removeItem(key);
        window.location.reload();
      });
    }
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); }
    });
  });
})();
