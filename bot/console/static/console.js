// Lentera console: the tab title counts waiting cases, an optional chime, and a notice when
// the session ends. No inline script anywhere (CSP): this is the only script of ours.
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

  // The server ends the stream when the session ends, and answers 401 afterwards. Say so,
  // but do not reload: a reply being typed must not be lost.
  function sessionEnded() {
    if (document.getElementById("session-ended")) { return; }
    var note = document.createElement("p");
    note.id = "session-ended";
    note.className = "error";
    note.setAttribute("role", "alert");
    note.textContent = "Your session has ended. Copy anything you were typing, then log in again.";
    var main = document.querySelector("main");
    if (main) { main.insertBefore(note, main.firstChild); }
  }
  document.addEventListener("htmx:sseClose", function (event) {
    if (event.detail && event.detail.type === "message") { sessionEnded(); }
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail && event.detail.xhr && event.detail.xhr.status === 401) { sessionEnded(); }
  });
})();
