/*
 * Runs inside the sandboxed player document (<iframe sandbox="allow-scripts">, an opaque origin: no cookies, no
 * storage, no access to the page). It starts h5p-standalone when the page sends its "init" message and forwards
 * to the page, by postMessage only: xAPI statements, resume state and the content's height. It never talks to the
 * server about the learner: the page does, with its own session and CSRF token.
 *
 * Messages to the parent: {type: "lis-h5p:ready"} (repeated until init arrives), "lis-h5p:xapi" {statement},
 * "lis-h5p:state" {dataType, subContentId, data (string or null), preload, invalidate}, "lis-h5p:resize"
 * {height}, "lis-h5p:error". From the parent: "lis-h5p:init" {iri, state (string or null), saveSeconds}.
 */
(function () {
  "use strict";

  // h5p-standalone and H5P core read localStorage unguarded; in the sandbox it throws and nothing would load.
  // An in-memory store stands in (resume state lives on the server, through the page).
  try {
    window.localStorage.getItem("probe");
  } catch (e) {
    var memory = new Map();
    var store = {
      getItem: function (key) { return memory.has(String(key)) ? memory.get(String(key)) : null; },
      setItem: function (key, value) { memory.set(String(key), String(value)); },
      removeItem: function (key) { memory.delete(String(key)); },
      clear: function () { memory.clear(); },
      key: function (index) { var keys = Array.from(memory.keys()); return index < keys.length ? keys[index] : null; },
      get length() { return memory.size; },
    };
    Object.defineProperty(window, "localStorage", { value: store, configurable: true });
    Object.defineProperty(window, "sessionStorage", { value: store, configurable: true });
  }

  var started = false;
  var readyTimer = null;

  function send(message) {
    // The parent's origin is not ours to know (ours is opaque); the page checks event.source instead.
    window.parent.postMessage(message, "*");
  }

  function plain(value) {
    return JSON.parse(JSON.stringify(value));
  }

  function forwardState() {
    var H5P = window.H5P;
    var setUserData = H5P.setUserData;
    H5P.setUserData = function (contentId, dataId, data, extras) {
      var options = extras || {};
      var text;
      try {
        text = JSON.stringify(data);
      } catch (e) {
        text = undefined;
      }
      if (typeof text === "string") {
        send({
          type: "lis-h5p:state",
          dataType: String(dataId),
          subContentId: String(options.subContentId || 0),
          data: text,
          preload: options.preloaded !== false,
          invalidate: options.deleteOnChange === true,
        });
      }
      return setUserData.apply(this, arguments);
    };
    var deleteUserData = H5P.deleteUserData;
    H5P.deleteUserData = function (contentId, dataId, subContentId) {
      send({ type: "lis-h5p:state", dataType: String(dataId), subContentId: String(subContentId || 0), data: null });
      return deleteUserData.apply(this, arguments);
    };
  }

  // H5P core saves the learner's state on its timer (every saveSeconds). An answer that was just scored is saved at
  // once instead, so that a reload right after "Check" shows the answer beside the result the page reports.
  function saveStateNow() {
    var instance = window.H5P.instances && window.H5P.instances[0];
    if (!instance || typeof instance.getCurrentState !== "function") return;
    var state;
    try {
      state = instance.getCurrentState();
    } catch (e) {
      return;
    }
    if (state === undefined) return;
    window.H5P.setUserData(instance.contentId, "state", state, { deleteOnChange: true });
  }

  function forwardHeight() {
    var last = -1;
    var pending = false;
    function measure() {
      pending = false;
      var height = Math.ceil(document.body.getBoundingClientRect().height);
      if (height !== last) {
        last = height;
        send({ type: "lis-h5p:resize", height: height });
      }
    }
    function schedule() {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(measure);
      }
    }
    if (window.ResizeObserver) {
      new window.ResizeObserver(schedule).observe(document.body);
    } else {
      window.setInterval(schedule, 500);
    }
    schedule();
  }

  function start(init) {
    var el = document.getElementById("h5p-player");
    var data = el.dataset;
    var saveSeconds = typeof init.saveSeconds === "number" && init.saveSeconds > 0 ? init.saveSeconds : false;
    var options = {
      id: data.contentId,
      h5pJsonPath: data.jsonPath,
      frameJs: data.frameJs,
      frameCss: data.frameCss,
      embedType: "div",
      xAPIObjectIRI: typeof init.iri === "string" ? init.iri : undefined,
      saveFreq: saveSeconds,
      // No `user` and no ajax URLs: H5P core then makes no request of its own about the learner.
    };
    if (typeof init.state === "string" && init.state) {
      // Saved state, preloaded for sub-content 0 (H5P core reads contentUserData[0].state).
      options.contentUserData = [{ state: init.state }];
    }
    new window.H5PStandalone.H5P(el, options)
      .then(function () {
        window.H5P.externalDispatcher.on("xAPI", function (event) {
          var statement = event && event.data && event.data.statement;
          if (statement) {
            send({ type: "lis-h5p:xapi", statement: plain(statement) });
            if (statement.result) {
              saveStateNow();
            }
          }
        });
        forwardState();
        forwardHeight();
      })
      .catch(function () {
        send({ type: "lis-h5p:error" });
      });
  }

  window.addEventListener("message", function (event) {
    var message = event.data;
    if (event.source !== window.parent || started || !message || message.type !== "lis-h5p:init") {
      return;
    }
    started = true;
    window.clearInterval(readyTimer);
    start(message);
  });

  function announce() {
    send({ type: "lis-h5p:ready" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // The page's script may attach its listener after this document loaded: say "ready" until it answers.
    announce();
    var tries = 0;
    readyTimer = window.setInterval(function () {
      tries += 1;
      if (tries > 240) {
        window.clearInterval(readyTimer);
      } else {
        announce();
      }
    }, 250);
  });
})();
