/*
 * Starts the vendored h5p-standalone player for every [data-h5p-player] element and posts the xAPI
 * statements it emits to the server. No inline scripts: everything comes from data-h5p-* attributes.
 * Players start one at a time (h5p-standalone keeps one global H5PIntegration while it sets up a player).
 */
(function () {
  "use strict";

  if (window.lisH5P) {
    window.lisH5P.scan();
    return;
  }

  var players = [];
  var mainBundle = null;
  var queue = Promise.resolve();
  var listening = false;

  function loadMainBundle(src) {
    if (window.H5PStandalone) {
      return Promise.resolve();
    }
    if (!mainBundle) {
      mainBundle = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = function () {
          reject(new Error("The H5P player could not be loaded."));
        };
        document.head.appendChild(script);
      });
    }
    return mainBundle;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function show(player, kind, text) {
    var status = document.querySelector('[data-h5p-status-for="' + player.el.id + '"]');
    var error = document.querySelector('[data-h5p-error-for="' + player.el.id + '"]');
    if (kind === "status") {
      if (error) error.textContent = "";
      if (status) status.textContent = text;
    } else {
      if (error) error.textContent = text;
    }
  }

  function playerFor(objectId) {
    for (var i = 0; i < players.length; i++) {
      var iri = players[i].iri;
      if (objectId === iri || objectId.indexOf(iri + "?") === 0) {
        return players[i];
      }
    }
    return null;
  }

  function post(player, statement, retriesLeft) {
    return fetch(player.xapiUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ package: Number(player.packageId), context: player.context, statement: statement }),
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            if (!response.ok) {
              var failure = new Error(body.error || response.statusText);
              failure.final = response.status < 500;
              throw failure;
            }
            return body;
          });
      })
      .catch(function (failure) {
        // Network errors and server errors are retried with the same statement id: the server ignores repeats.
        if (!failure.final && retriesLeft > 0) {
          return new Promise(function (resolve) {
            setTimeout(resolve, 1000 * (4 - retriesLeft));
          }).then(function () {
            return post(player, statement, retriesLeft - 1);
          });
        }
        throw failure;
      });
  }

  function onStatement(event) {
    var statement = event && event.data && event.data.statement;
    if (!statement || !statement.object || typeof statement.object.id !== "string") {
      return;
    }
    var player = playerFor(statement.object.id);
    if (!player) {
      return;
    }
    var copy = JSON.parse(JSON.stringify(statement));
    if (!copy.id) {
      copy.id = uuid();
    }
    post(player, copy, 3)
      .then(function (body) {
        if (body.attempt) {
          show(player, "status", format(player.messages.saved, { raw: body.attempt.raw, max: body.attempt.max }));
        }
      })
      .catch(function (failure) {
        var reason = failure.final ? failure.message : player.messages.network;
        show(player, "error", format(player.messages.error, { error: reason }));
      });
  }

  function listen() {
    if (listening || !window.H5P || !window.H5P.externalDispatcher) {
      return;
    }
    window.H5P.externalDispatcher.on("xAPI", onStatement);
    listening = true;
  }

  function start(el) {
    if (el.getAttribute("data-h5p-started")) {
      return;
    }
    el.setAttribute("data-h5p-started", "1");
    var data = el.dataset;
    var player = {
      el: el,
      packageId: data.h5pPackage,
      context: data.h5pContext,
      iri: data.h5pIri,
      xapiUrl: data.h5pXapiUrl,
      messages: {
        saved: data.h5pMsgSaved,
        error: data.h5pMsgError,
        loadError: data.h5pMsgLoadError,
        network: data.h5pMsgNetwork,
      },
    };
    players.push(player);
    queue = queue
      .then(function () {
        return loadMainBundle(data.h5pMainJs);
      })
      .then(function () {
        el.textContent = "";
        var saveSeconds = parseInt(data.h5pSaveSeconds, 10);
        var options = {
          id: el.id,
          h5pJsonPath: data.h5pJsonPath,
          frameJs: data.h5pFrameJs,
          frameCss: data.h5pFrameCss,
          xAPIObjectIRI: player.iri,
          user: { name: data.h5pUserName, mail: data.h5pUserMail },
          saveFreq: saveSeconds > 0 ? saveSeconds : false,
          ajax: { contentUserDataUrl: data.h5pStateUrl },
        };
        if (data.h5pState) {
          // Saved state, preloaded for sub-content 0 (H5P core reads contentUserData[0].state).
          options.contentUserData = [{ state: data.h5pState }];
        }
        return new window.H5PStandalone.H5P(el, options);
      })
      .then(function () {
        var frame = el.querySelector("iframe");
        if (frame && data.h5pFrameTitle) {
          frame.setAttribute("title", data.h5pFrameTitle);
        }
        listen();
        el.setAttribute("data-h5p-ready", "1");
      })
      .catch(function () {
        show(player, "error", player.messages.loadError);
      });
  }

  function scan() {
    var elements = document.querySelectorAll("[data-h5p-player]");
    for (var i = 0; i < elements.length; i++) {
      start(elements[i]);
    }
  }

  window.lisH5P = { scan: scan };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scan);
  } else {
    scan();
  }
})();
