// Quiz editor: a choice question shows its options, a true-or-false question its True/False answer (with its
// help text), never both. Wagtail draws StreamField forms with JavaScript, so new questions are watched for.
(function () {
  "use strict";
  var TRUE_FALSE = "true_false";

  function isKindSelect(element) {
    return (
      element instanceof HTMLSelectElement &&
      /-kind$/.test(element.name) &&
      Array.prototype.some.call(element.options, function (option) {
        return option.value === TRUE_FALSE;
      })
    );
  }

  function apply(select) {
    var wrapper = select.closest('[data-contentpath="kind"]');
    if (!wrapper || !wrapper.parentElement) return;
    var trueFalse = select.value === TRUE_FALSE;
    Array.prototype.forEach.call(wrapper.parentElement.children, function (child) {
      var path = child.getAttribute("data-contentpath");
      if (path === "answer") child.hidden = !trueFalse;
      if (path === "options") child.hidden = trueFalse;
    });
  }

  function applyWithin(root) {
    root.querySelectorAll('select[name$="-kind"]').forEach(function (select) {
      if (isKindSelect(select)) apply(select);
    });
  }

  document.addEventListener("change", function (event) {
    if (isKindSelect(event.target)) apply(event.target);
  });
  function start() {
    applyWithin(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(function (node) {
          if (node instanceof Element) applyWithin(node);
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
