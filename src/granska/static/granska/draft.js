// Keeps what a person types in a form with data-draft-key in the browser's local storage until
// the form is saved, so that leaving the page (or a crash) loses nothing.
//
// The key carries the version the form was built from ("granska:12:E:3"). A draft of an older
// version is either one this person sent (a "sent" mark says so: the server saved it, or showed
// the conflict and the page took the text over) and is dropped, or one that was never sent while
// someone else saved the page. That one is put back in the form together with its old version,
// so that saving it does not overwrite the other save: the server sees the old version and shows
// both versions to merge.
//
// Drafts belong to the person who typed them: each is stored under the signed-in person's mark
// (the body's data-draft-owner), so that it is never restored into someone else's form. Logging
// out removes every draft kept in this browser, and a page of another person removes those of
// whoever used the browser before (a shared computer must not hand one person's text to the next).
(function () {
  "use strict";
  var SENT = ":sent";
  var ROOT = "granska:";
  var owner = document.body.dataset.draftOwner;
  if (!owner) { return; }
  var own = ROOT + "u" + owner + ":";

  function forget(keep) {
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var stored = localStorage.key(i);
      if (stored && stored.indexOf(ROOT) === 0 && !(keep && stored.indexOf(own) === 0)) {
        localStorage.removeItem(stored);
      }
    }
  }

  forget(true);
  document.querySelectorAll("form[data-draft-forget]").forEach(function (form) {
    form.addEventListener("submit", function () { forget(false); });
  });

  document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
    // "granska:12:E:3" (review, form, version) is kept as "granska:u7:12:E:3".
    var key = own + form.dataset.draftKey.slice(ROOT.length);
    var prefix = key.split(":").slice(0, 4).join(":") + ":";
    var notice = form.querySelector(".draft-notice");
    var superseded = form.querySelector(".draft-superseded");
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
          } else {
            field.value = data[name];  // hidden fields too: the version the text was written on
          }
        });
      });
    }

    function keep() {
      dirty = true;
      localStorage.setItem(key, JSON.stringify(values()));
    }

    // Older versions' drafts of this form: sent ones are done with; an unsent one was overtaken.
    var overtaken = null;
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var other = localStorage.key(i);
      if (!other || other.indexOf(prefix) !== 0 || other === key) { continue; }
      if (other.slice(-SENT.length) === SENT) { continue; }
      if (localStorage.getItem(other + SENT) === null && overtaken === null) {
        overtaken = other;
      } else {
        localStorage.removeItem(other);
        localStorage.removeItem(other + SENT);
      }
    }
    if (overtaken !== null && localStorage.getItem(key) === null) {
      localStorage.setItem(key, localStorage.getItem(overtaken));
    }
    if (overtaken !== null) {
      localStorage.removeItem(overtaken);
    }
    // This page answers whatever was sent from it before: the mark has done its work.
    localStorage.removeItem(key + SENT);
    for (var j = localStorage.length - 1; j >= 0; j--) {
      var mark = localStorage.key(j);
      if (mark && mark.indexOf(prefix) === 0 && mark.slice(-SENT.length) === SENT &&
          localStorage.getItem(mark.slice(0, -SENT.length)) === null) {
        localStorage.removeItem(mark);
      }
    }

    var stored = localStorage.getItem(key);
    if (form.hasAttribute("data-draft-unsaved")) {
      // A save that failed (a conflict, a validation error) came back with the person's text in
      // the form, under the version to merge onto: the form is the draft now. Warn on leaving.
      keep();
    } else if (stored && stored !== JSON.stringify(values())) {
      restore(JSON.parse(stored));
      dirty = true;
      if (overtaken !== null && superseded) {
        superseded.hidden = false;
      } else if (notice) {
        notice.hidden = false;
      }
    }

    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("submit", function () {
      // The draft stays until the answer comes: a new version (saved, or the conflict shown with
      // the text in the form) drops it as sent; a failure keeps it.
      localStorage.setItem(key + SENT, "1");
      dirty = false;
    });
    form.querySelectorAll(".draft-discard").forEach(function (button) {
      button.addEventListener("click", function () {
        localStorage.removeItem(key);
        window.location.reload();
      });
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); }
    });
  });
})();
