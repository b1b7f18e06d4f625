// Gives each <select data-filter> a search box above it that narrows its options as one types,
// whatever the case and the accents ("ostera" finds "Region Österå"). The select stays the
// control that is sent and the keyboard moves through it as ever; the box only hides options.
// Without JavaScript the page shows the plain select.
(function () {
  "use strict";

  function folded(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function enhance(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "-filter";
    box.className = "select-filter";
    box.setAttribute("autocomplete", "off");
    box.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "select-filter-label";
    label.textContent = select.dataset.filterLabel || "Sök";
    var none = document.createElement("p");
    none.className = "hint";
    none.id = select.id + "-filter-none";
    none.setAttribute("role", "status");
    var wrapper = document.createElement("div");
    wrapper.className = "select-filter-box";
    wrapper.appendChild(label);
    wrapper.appendChild(box);
    wrapper.appendChild(none);
    select.parentNode.insertBefore(wrapper, select);

    box.addEventListener("input", function () {
      var wanted = folded(box.value);
      var shown = 0;
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !option.value || !wanted || folded(option.text).indexOf(wanted) !== -1;
        option.hidden = !match;
        if (match && option.value) {
          shown += 1;
          if (first === null && !option.disabled) { first = option; }
        }
      });
      none.textContent = shown === 0 ? (select.dataset.filterNone || "") : "";
      var current = select.options[select.selectedIndex];
      if (wanted && first !== null && (!current || current.hidden || !current.value)) {
        first.selected = true;
      }
    });
    // Enter in the box chooses what it found instead of sending the form half filled in.
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        select.focus();
      }
    });
  }

  document.querySelectorAll("select[data-filter]").forEach(enhance);
})();
