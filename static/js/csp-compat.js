/* The Content-Security-Policy blocks inline event handlers (returning false from one only
   prevents the default action; other listeners still run, so this file does the same). The server renames the few that
   Flask-Admin's templates carry to data-onclick (views/errors.py); this file maps each known
   handler to the same call from a script the policy allows. Unknown handlers do nothing. */
(function () {
  "use strict";
  var HANDLERS = [
    [/^return false;?$/, function () { return false; }],
    [/^return faHelpers\.safeConfirm\('((?:[^'\\]|\\.)*)'\);?$/, function (el, m) {
      return window.confirm(unescapeJs(m[1]));
    }],
    [/^return modelActions\.execute\('(\w+)'\);?$/, function (el, m) {
      return window.modelActions ? window.modelActions.execute(m[1]) : false;
    }],
    [/^faForm\.addInlineField\(this, '([\w-]+)'\);?$/, function (el, m) {
      if (window.faForm) { window.faForm.addInlineField(el, m[1]); }
      return false;
    }]
  ];

  function unescapeJs(text) { return text.replace(/\\'/g, "'").replace(/\\\\/g, "\\"); }

  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-onclick], [data-confirm], a[href^='javascript:']");
    if (!el) { return; }
    if (el.hasAttribute("data-confirm")) {
      if (!window.confirm(el.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
      return;
    }
    var handler = (el.getAttribute("data-onclick") || "").trim();
    for (var i = 0; i < HANDLERS.length; i++) {
      var match = HANDLERS[i][0].exec(handler);
      if (match) {
        if (HANDLERS[i][1](el, match) === false) {
          event.preventDefault();
        }
        return;
      }
    }
    if (/^javascript:/.test(el.getAttribute("href") || "")) { event.preventDefault(); }
  }, true);
})();
