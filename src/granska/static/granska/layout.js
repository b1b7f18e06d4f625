// The layout's behaviour, for every page:
// - on a narrow screen the navigation folds behind the "Meny" button (without this script it
//   simply stays open);
// - a table wider than its column scrolls inside a box of its own, which the keyboard can reach
//   and a screen reader names (the page itself never scrolls sideways).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function navigation() {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (!toggle || !nav) return;
    var narrow = window.matchMedia("(max-width: 48rem)");
    function set(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("collapsed", !open);
    }
    function fit() {
      toggle.hidden = !narrow.matches;
      set(!narrow.matches);
    }
    toggle.addEventListener("click", function () {
      set(toggle.getAttribute("aria-expanded") !== "true");
    });
    if (narrow.addEventListener) narrow.addEventListener("change", fit);
    fit();
  }

  function nameOf(table) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var labelled = table.getAttribute("aria-label");
    if (labelled) return labelled;
    for (var node = table.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) return node.textContent.trim();
    }
    var heading = table.closest("section, article, main");
    heading = heading && heading.querySelector("h1, h2, h3, h4");
    return heading ? heading.textContent.trim() : document.title;
  }

  // Only a box whose table overflows it is a scrolling region (reachable by Tab, named by its
  // table); the others stay plain, so that a wide screen is not full of needless landmarks.
  function scrollBoxes(root) {
    var tables = root.querySelectorAll("main table");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      if (table.classList.contains("stack")) continue;
      if (!table.parentElement.classList.contains("table-scroll")) {
        var box = document.createElement("div");
        box.className = "table-scroll";
        table.parentElement.insertBefore(box, table);
        box.appendChild(table);
      }
    }
    fitBoxes();
  }

  function fitBoxes() {
    var used = {};
    var boxes = document.querySelectorAll("main .table-scroll");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var table = box.querySelector("table");
      var auto = box.hasAttribute("data-scroll-auto") || !box.hasAttribute("tabindex");
      if (!table || !auto) continue;
      if (box.scrollWidth > box.clientWidth + 1) {
        var name = nameOf(table);
        var taken = used[name] || 0;
        used[name] = taken + 1;
        box.setAttribute("data-scroll-auto", "");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", taken ? name + " (" + (taken + 1) + ")" : name);
      } else if (box.hasAttribute("data-scroll-auto")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  }

  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(fitBoxes, 150);
  });

  document.addEventListener("DOMContentLoaded", function () {
    navigation();
    scrollBoxes(document);
  });
  // Parts of a page that htmx replaces bring their own tables.
  document.addEventListener("htmx:afterSettle", function (event) {
    scrollBoxes(event.target.closest("main") ? event.target : document);
  });
})();
