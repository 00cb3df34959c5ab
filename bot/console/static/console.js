// Lentera console: the tab title counts waiting cases, an optional chime, and a reload to
// the login page when the session ends. No inline script anywhere (CSP): this file only.
(function () {
  "use strict";
  var CHIME_KEY = "lentera-console-chime";
  var TITLE = "Lentera console";
  var lastWaiting = null;

  function waitingCount() {
    var el = document.querySelector("[data-waiting]");
    if (!el) { return null; }
    var n = parseInt(el.getAttribute("data-waiting"), 10);
    return isNaN(n) ? null : n;
  }

  function chimeOn() {
    try { return window.localStorage.getItem(CHIME_KEY) === "1"; } catch (e) { return false; }
  }

  function chime() {
    var audio = new Audio("/static/chime.wav");
    var played = audio.play();
    if (played && played.catch) { played.catch(function () { /* autoplay refused */ }); }
  }

  function refreshTitle() {
    var n = waitingCount();
    if (n === null) { return; }
    document.title = (n > 0 ? "(" + n + ") " : "") + TITLE;
    if (lastWaiting !== null && n > lastWaiting && chimeOn()) { chime(); }
    lastWaiting = n;
  }

  document.addEventListener("DOMContentLoaded", function () {
    lastWaiting = waitingCount();
    var box = document.getElementById("chime-toggle");
    if (box) {
      box.checked = chimeOn();
      box.addEventListener("change", function () {
        try { window.localStorage.setItem(CHIME_KEY, box.checked ? "1" : "0"); } catch (e) { /* private mode */ }
        if (box.checked) { chime(); }
      });
    }
  });

  document.addEventListener("htmx:afterSwap", refreshTitle);

  // The server ends the stream when the session ends, and answers 401 afterwards: reload,
  // which lands on the login page.
  document.addEventListener("htmx:sseClose", function (event) {
    if (event.detail && event.detail.type === "message") { window.location.reload(); }
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail && event.detail.xhr && event.detail.xhr.status === 401) { window.location.reload(); }
  });
})();
