// Webinars: remember the viewer's time zone (times are shown in it), and in the waiting room poll until the
// meeting runs, then join. No inline script: this file is loaded by the templates.
(function () {
  "use strict";
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + zone) === -1) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (error) { /* an old browser: times stay in the site's zone */ }

  var room = document.querySelector("[data-webinar-status-url]");
  if (!room) { return; }
  var url = room.getAttribute("data-webinar-status-url");
  var form = document.getElementById("join-form");
  var status = document.getElementById("waiting-status");
  var interval = parseInt(room.getAttribute("data-poll-seconds") || "5", 10) * 1000;
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.running) {
          status.textContent = room.getAttribute("data-joining-text");
          form.submit();
        } else {
          if (data.error) { status.textContent = data.error; }
          window.setTimeout(poll, interval);
        }
      })
      .catch(function () { window.setTimeout(poll, interval * 2); });
  }
  window.setTimeout(poll, 1000);
})();
