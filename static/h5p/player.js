/*
 * The page's side of the sandboxed H5P player. Each [data-h5p-player] element holds an
 * <iframe sandbox="allow-scripts"> whose document (static/h5p/sandbox.js) runs the package in an opaque origin.
 * The two talk only by postMessage: this script accepts a message only from its own iframe's window (and from the
 * opaque origin "null"), checks its shape, and then itself posts xAPI statements to the server and loads and saves
 * the learner's resume state, with this page's session and CSRF token. The player never sees either.
 * No inline scripts: everything comes from data-h5p-* attributes.
 */
(function () {
  "use strict";

  if (window.lisH5P) {
    window.lisH5P.scan();
    return;
  }

  var FIELD = /^[A-Za-z0-9_.:-]{1,64}$/;
  var MAX_STATEMENT = 60 * 1024; // characters of JSON; the server refuses bodies over 64 KB
  var MAX_STATE = 64 * 1024;
  var MAX_HEIGHT = 50000;
  var players = [];

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
    var hex = Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function show(player, kind, text) {
    var status = document.querySelector('[data-h5p-status-for="' + player.el.id + '"]');
    var error = document.querySelector('[data-h5p-error-for="' + player.el.id + '"]');
    if (kind === "status") {
      if (error) error.textContent = "";
      if (status) status.textContent = text;
    } else if (error) {
      error.textContent = text;
    }
  }

  function request(url, options) {
    return fetch(url, options).then(function (response) {
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
    });
  }

  function postJson(url, body, keepalive) {
    return request(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: Boolean(keepalive),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: body,
    });
  }

  // ---------------------------------------------------------------------------------------------- xAPI

  function postStatement(player, statement, retriesLeft) {
    var body = JSON.stringify({ package: Number(player.packageId), context: player.context, statement: statement });
    return postJson(player.xapiUrl, body).catch(function (failure) {
      // Network errors and server errors are retried with the same statement id: the server ignores repeats.
      if (!failure.final && retriesLeft > 0) {
        return new Promise(function (resolve) {
          setTimeout(resolve, 1000 * (4 - retriesLeft));
        }).then(function () {
          return postStatement(player, statement, retriesLeft - 1);
        });
      }
      throw failure;
    });
  }

  function onStatement(player, statement) {
    if (!isObject(statement) || !isObject(statement.object) || typeof statement.object.id !== "string") {
      return;
    }
    var objectId = statement.object.id;
    if (objectId !== player.iri && objectId.indexOf(player.iri + "?") !== 0) {
      return; // not about this activity
    }
    if (!isObject(statement.verb) || typeof statement.verb.id !== "string") {
      return;
    }
    var text = JSON.stringify(statement);
    if (text.length > MAX_STATEMENT) {
      return;
    }
    var copy = JSON.parse(text);
    if (typeof copy.id !== "string" || !copy.id) {
      copy.id = uuid();
    }
    postStatement(player, copy, 3)
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

  // ---------------------------------------------------------------------------------------------- resume state

  function stateQuery(player, dataType, subContentId) {
    return (
      "?context=" +
      encodeURIComponent(player.context) +
      "&dataType=" +
      encodeURIComponent(dataType) +
      "&subContentId=" +
      encodeURIComponent(subContentId)
    );
  }

  function loadState(player) {
    return request(player.stateUrl + stateQuery(player, "state", "0"), { credentials: "same-origin" })
      .then(function (body) {
        return typeof body.data === "string" ? body.data : null;
      })
      .catch(function () {
        return null; // the activity still plays, from the start
      });
  }

  function onState(player, message) {
    var dataType = message.dataType;
    var subContentId = message.subContentId;
    var data = message.data;
    if (typeof dataType !== "string" || !FIELD.test(dataType)) return;
    if (typeof subContentId !== "string" || !FIELD.test(subContentId)) return;
    if (data !== null && (typeof data !== "string" || data.length > MAX_STATE)) return;
    var key = dataType + "/" + subContentId;
    if (Object.prototype.hasOwnProperty.call(player.saved, key) && player.saved[key] === data) {
      return; // unchanged: H5P offers the same state on every tick of its timer
    }
    player.saved[key] = data;
    var body = JSON.stringify({
      context: player.context,
      dataType: dataType,
      subContentId: subContentId,
      data: data,
      preload: message.preload !== false,
      invalidate: message.invalidate === true,
    });
    // Saves go one after another, in order; keepalive lets the last one finish while the page unloads.
    player.saving = player.saving
      .then(function () {
        return postJson(player.stateUrl, body, body.length < 60 * 1024);
      })
      .catch(function () {
        delete player.saved[key]; // offer it again on the next tick
      });
  }

  // ---------------------------------------------------------------------------------------------- the iframe

  function onReady(player) {
    if (player.initialising) {
      return;
    }
    player.initialising = true;
    loadState(player).then(function (state) {
      player.saved["state/0"] = state;
      // The sandboxed document's origin is opaque: "*" is the only target origin that reaches it. What it gets is
      // this learner's own saved answers to this activity, which the activity holds anyway.
      player.frame.contentWindow.postMessage(
        { type: "lis-h5p:init", iri: player.iri, state: state, saveSeconds: player.saveSeconds },
        "*"
      );
      player.el.setAttribute("data-h5p-ready", "1");
    });
  }

  function onResize(player, height) {
    if (typeof height !== "number" || !isFinite(height) || height < 0 || height > MAX_HEIGHT) {
      return;
    }
    player.frame.style.blockSize = Math.ceil(height) + "px";
  }

  function playerForSource(source) {
    for (var i = 0; i < players.length; i++) {
      if (players[i].frame.contentWindow === source) {
        return players[i];
      }
    }
    return null;
  }

  window.addEventListener("message", function (event) {
    var player = event.source ? playerForSource(event.source) : null;
    // Only our own iframes, and only while they hold a sandboxed (opaque-origin) document.
    if (!player || event.origin !== "null") {
      return;
    }
    var message = event.data;
    if (!isObject(message) || typeof message.type !== "string") {
      return; // H5P core's own resizer messages ({context: "h5p", ...}) end here too
    }
    switch (message.type) {
      case "lis-h5p:ready":
        onReady(player);
        break;
      case "lis-h5p:xapi":
        onStatement(player, message.statement);
        break;
      case "lis-h5p:state":
        onState(player, message);
        break;
      case "lis-h5p:resize":
        onResize(player, message.height);
        break;
      case "lis-h5p:error":
        show(player, "error", player.messages.loadError);
        break;
      default:
        break;
    }
  });

  function start(el) {
    if (el.getAttribute("data-h5p-started")) {
      return;
    }
    var frame = el.querySelector("iframe");
    if (!frame) {
      return;
    }
    el.setAttribute("data-h5p-started", "1");
    var data = el.dataset;
    var saveSeconds = parseInt(data.h5pSaveSeconds, 10);
    players.push({
      el: el,
      frame: frame,
      packageId: data.h5pPackage,
      context: data.h5pContext,
      iri: data.h5pIri,
      xapiUrl: data.h5pXapiUrl,
      stateUrl: data.h5pStateUrl,
      saveSeconds: saveSeconds > 0 ? saveSeconds : 0,
      initialising: false,
      saved: {},
      saving: Promise.resolve(),
      messages: {
        saved: data.h5pMsgSaved,
        error: data.h5pMsgError,
        loadError: data.h5pMsgLoadError,
        network: data.h5pMsgNetwork,
      },
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
