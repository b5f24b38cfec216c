/*
 * The idle-timeout warning (HIPAA automatic logoff, 15 minutes by default).
 *
 * <body data-idle-seconds="900" data-keepalive-url="..."> is only set when signed in
 * (imhhv/drafts/templatetags/drafts.py). Two minutes before the server would sign the
 * person out, the dialog in templates/drafts/_session_dialog.html opens as a modal:
 * "Stay signed in" posts to the keepalive endpoint (any request to the server moves its
 * idle clock on). Typing in a form counts as activity: a keepalive is sent at most once a
 * minute while the person types, and every draft autosave (static/js/drafts.js) is a
 * request too; drafts.js tells us about those with the "imhhv:server-contact" event.
 * When the time has run out the dialog says so and offers to sign in again; drafts.js is
 * asked ("imhhv:session-warning") to save what was typed before that.
 *
 * Progressive enhancement: without this script nothing changes, the server still signs
 * out on time, and a form posted too late is kept as a draft by the server.
 *
 * Each tab counts from its own last request: with two tabs open, the quiet one may warn
 * while the other keeps the session alive; "Stay signed in" then simply confirms it.
 */
(function () {
  "use strict";

  var body = document.body;
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds") || "", 10);
  var keepaliveUrl = body.getAttribute("data-keepalive-url");
  var dialog = document.querySelector("[data-session-dialog]");
  if (!idleSeconds || !keepaliveUrl || !dialog) {
    return;
  }

  var WARN_BEFORE = Math.min(120, Math.floor(idleSeconds / 2)); // seconds
  var TYPING_KEEPALIVE_EVERY = Math.min(60, Math.floor(idleSeconds / 4)) * 1000;
  var lastContact = Date.now();
  var signedOut = false;
  var keepaliveForm = dialog.querySelector("[data-session-keepalive]");
  var remaining = dialog.querySelector("[data-session-remaining]");
  var title = dialog.querySelector("[data-session-title]");
  var text = dialog.querySelector("[data-session-text]");
  var signedOutBox = dialog.querySelector("[data-session-signed-out]");
  var previousFocus = null;

  function secondsLeft() {
    return idleSeconds - Math.floor((Date.now() - lastContact) / 1000);
  }

  function describe(seconds) {
    if (seconds > 90) {
      return Math.round(seconds / 60) + " minutes";
    }
    if (seconds > 45) {
      return "1 minute";
    }
    return "less than a minute";
  }

  function openDialog() {
    if (dialog.open) {
      return;
    }
    previousFocus = document.activeElement;
    document.dispatchEvent(new CustomEvent("imhhv:session-warning"));
    if (typeof dialog.showModal === "function") {
      dialog.showModal();
    } else {
      dialog.setAttribute("open", "");
    }
    var stay = dialog.querySelector("[data-session-stay]");
    if (stay) {
      stay.focus();
    }
  }

  function closeDialog() {
    if (!dialog.open) {
      return;
    }
    if (typeof dialog.close === "function") {
      dialog.close();
    } else {
      dialog.removeAttribute("open");
    }
    if (previousFocus && typeof previousFocus.focus === "function") {
      previousFocus.focus();
    }
  }

  function showSignedOut() {
    signedOut = true;
    title.textContent = "You were signed out";
    text.textContent =
      "For your security you were signed out after a period of inactivity. " +
      "What you typed in a long form is kept as a draft: sign in again to go on.";
    keepaliveForm.hidden = true;
    signedOutBox.hidden = false;
    openDialog();
    var signin = dialog.querySelector("[data-session-signin]");
    if (signin) {
      signin.focus();
    }
  }

  // The server counts idle time from when it received our last request, so the page
  // counts from when that request was sent (`sent`), never from when its answer came
  // back: a slow answer must not make the session look younger than it is.
  function contact(sent) {
    lastContact = Math.max(lastContact, typeof sent === "number" ? sent : Date.now());
  }

  function keepalive() {
    var data = new URLSearchParams(new FormData(keepaliveForm));
    var sent = Date.now();
    return fetch(keepaliveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("application/json") === 0 && !response.redirected) {
        contact(sent);
        return true;
      }
      showSignedOut();
      return false;
    });
  }

  function tick() {
    if (signedOut) {
      return;
    }
    var left = secondsLeft();
    if (left <= 0) {
      showSignedOut();
    } else if (left <= WARN_BEFORE) {
      remaining.textContent = describe(left);
      openDialog();
    }
  }

  keepaliveForm.addEventListener("submit", function (event) {
    event.preventDefault();
    keepalive()
      .then(function (ok) {
        if (ok) {
          closeDialog();
        }
      })
      .catch(function () {
        keepaliveForm.submit(); // no connection to fetch with: the plain form post
      });
  });

  // Escape closes a modal dialog: that is a "stay", not a way to miss the warning.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    if (signedOut) {
      return;
    }
    keepalive().then(function (ok) {
      if (ok) {
        closeDialog();
      }
    });
  });

  document.addEventListener("imhhv:server-contact", function (event) {
    contact(event.detail && event.detail.sent);
  });
  document.addEventListener("imhhv:signed-out", showSignedOut);

  // Typing counts as activity (throttled: one keepalive a minute at most).
  document.addEventListener(
    "input",
    function () {
      if (signedOut) {
        return;
      }
      // Throttled by the last request of any kind: an autosave just now is enough.
      if (Date.now() - lastContact >= TYPING_KEEPALIVE_EVERY) {
        contact();
        keepalive().catch(function () {});
      }
    },
    true
  );

  window.setInterval(tick, 5000);
})();
