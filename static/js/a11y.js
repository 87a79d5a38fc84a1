/* Accessible names for the controls Flask-Admin's templates mark only with a title or an
   icon: the row checkboxes of a list ("Datensatz auswählen") and icon-only links such as the
   column help mark. The name is the element's own (translated) title, so screen readers
   announce what sighted users see as a tooltip. */
(function () {
  "use strict";
  function name() {
    // Bootstrap's tooltips move the title to data-original-title.
    var nodes = document.querySelectorAll(
      "input[title], a[title], button[title], a[data-original-title], button[data-original-title]");
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var text = el.getAttribute("title") || el.getAttribute("data-original-title");
      if (text && !el.hasAttribute("aria-label") &&
          (el.tagName === "INPUT" || !el.textContent.trim())) {
        el.setAttribute("aria-label", text);
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", name);
  } else {
    name();
  }
  window.addEventListener("load", name);
})();
