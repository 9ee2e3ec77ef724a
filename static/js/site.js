/* LIS Commons: the little JavaScript every page uses. Loaded in <head> (not deferred) so that the "js" class is set
   before the header is drawn: without JavaScript the menu simply stays open. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function menu() {
    var button = document.querySelector(".menu-button");
    var panel = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) return;
    button.hidden = false;
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      panel.classList.toggle("is-open", open);
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes the open menu and gives focus back to its button.
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  // After a form posts and redirects: focus the element the redirect names (#quiz-...), else the messages, so a
  // keyboard or screen-reader user continues where the result is, not at the top of the page.
  function focusAfterRedirect() {
    var target = null;
    if (window.location.hash.length > 1) {
      try {
        target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
      } catch (error) {
        target = null;
      }
    }
    var messages = document.querySelector("[data-focus-on-load]");
    if (!messages) return; // an ordinary visit: leave focus alone
    if (!target) target = messages;
    if (!target.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    menu();
    focusAfterRedirect();
  });
})();
