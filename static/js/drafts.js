/*
 * Autosave of long forms as server-side drafts (imhhv/drafts).
 *
 * A form opts in with {% include "drafts/_attrs.html" %}: data-draft-form, data-draft-key
 * and data-draft-save-url. What is typed is posted to the save URL (the form's own fields,
 * with its CSRF token) about 10 seconds after the last change, at most 30 seconds after the
 * first unsaved one, when the page is hidden or left, and when the idle-timeout warning
 * opens. The status line of {% include "drafts/_status.html" %} says "Draft saved just
 * now" / "Draft saved 2 minutes ago"; a live region announces the first save and any
 * trouble, not every save.
 *
 * Every answer from the server is activity for the session: "imhhv:server-contact" tells
 * static/js/session.js. An answer saying the session is over (401 from the drafts
 * middleware, which kept the draft) raises "imhhv:signed-out".
 *
 * Progressive enhancement: without this script the form posts as always and the server
 * keeps the submitted data as the draft.
 */
(function () {
  "use strict";

  var QUIET_MS = 10000;
  var MAX_WAIT_MS = 30000;
  var SKIPPED = { password: true };

  function fieldsOf(form) {
    var data = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string" || SKIPPED[name]) {
        return; // files and secrets are never part of a draft
      }
      data.append(name, value);
    });
    return data;
  }

  function agoText(savedAt) {
    var seconds = Math.max(0, Math.floor((Date.now() - savedAt.getTime()) / 1000));
    if (seconds < 60) {
      return "Draft saved just now.";
    }
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) {
      return "Draft saved " + minutes + (minutes === 1 ? " minute" : " minutes") + " ago.";
    }
    var hours = Math.floor(minutes / 60);
    return "Draft saved " + hours + (hours === 1 ? " hour" : " hours") + " ago.";
  }

  function Autosave(form) {
    this.form = form;
    this.url = form.getAttribute("data-draft-save-url");
    this.status = form.querySelector("[data-draft-status]");
    this.ago = form.querySelector("[data-draft-live]");
    this.announcer = form.querySelector("[data-draft-announce]");
    this.timer = null;
    this.firstUnsaved = 0;
    this.dirty = false;
    this.saving = false;
    this.submitting = false;
    this.announcedOk = false;
    this.savedAt = null;
    var shown = this.ago && this.ago.getAttribute("data-saved-at");
    if (shown) {
      this.savedAt = new Date(shown);
    }
    var self = this;
    form.addEventListener("input", function () {
      self.changed();
    });
    form.addEventListener("change", function () {
      self.changed();
    });
    form.addEventListener("submit", function () {
      // The POST itself keeps the draft on the server; nothing more to send.
      self.submitting = true;
      window.clearTimeout(self.timer);
    });
  }

  Autosave.prototype.changed = function () {
    if (this.submitting) {
      return;
    }
    var now = Date.now();
    if (!this.dirty) {
      this.firstUnsaved = now;
    }
    this.dirty = true;
    window.clearTimeout(this.timer);
    var wait = Math.min(QUIET_MS, Math.max(0, this.firstUnsaved + MAX_WAIT_MS - now));
    var self = this;
    this.timer = window.setTimeout(function () {
      self.save();
    }, wait);
  };

  Autosave.prototype.say = function (text, announce) {
    if (this.ago) {
      this.ago.textContent = text;
    }
    if (announce && this.announcer) {
      this.announcer.textContent = text;
    }
  };

  Autosave.prototype.save = function () {
    if (!this.dirty || this.saving || this.submitting || !this.url) {
      return;
    }
    this.saving = true;
    this.dirty = false;
    window.clearTimeout(this.timer);
    var self = this;
    this.sent = Date.now(); // the session's clock counts from the request, not its answer
    fetch(this.url, {
      method: "POST",
      body: fieldsOf(this.form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            self.answered(response, body);
          });
      })
      .catch(function () {
        self.dirty = true;
        self.say("Draft not saved: no connection. It will be tried again.", true);
        self.announcedOk = false;
      })
      .then(function () {
        self.saving = false;
        if (self.dirty && !self.submitting) {
          self.changed();
        }
      });
  };

  Autosave.prototype.answered = function (response, body) {
    if (response.ok && body.saved_at) {
      document.dispatchEvent(
        new CustomEvent("imhhv:server-contact", { detail: { sent: this.sent } })
      );
      this.savedAt = new Date(body.saved_at);
      this.say(agoText(this.savedAt), !this.announcedOk);
      this.announcedOk = true;
      return;
    }
    this.announcedOk = false;
    // 401: the drafts middleware kept the draft of a request that came after the timeout.
    // A redirect (to sign in) or a page instead of JSON: the session was gone already.
    if (response.status === 401 || response.redirected || (response.ok && !body.saved_at)) {
      this.submitting = true; // stop autosaving: the session is over
      this.say(body.message || "You were signed out. Sign in again to go on.", true);
      document.dispatchEvent(new CustomEvent("imhhv:signed-out"));
      return;
    }
    document.dispatchEvent(
        new CustomEvent("imhhv:server-contact", { detail: { sent: this.sent } })
      );
    if (response.status === 400 && body.errors) {
      var first = Object.keys(body.errors)[0];
      this.say("Draft not saved: " + (body.errors[first] || ["bad input"])[0], true);
      return;
    }
    this.say("Draft not saved (the server answered " + response.status + ").", true);
  };

  Autosave.prototype.flush = function () {
    // The page is going away: a beacon survives it (its answer is not needed).
    if (!this.dirty || this.submitting || !this.url || !navigator.sendBeacon) {
      return;
    }
    if (navigator.sendBeacon(this.url, fieldsOf(this.form))) {
      this.dirty = false;
    }
  };

  Autosave.prototype.refresh = function () {
    if (this.savedAt && !this.dirty && !this.saving) {
      this.say(agoText(this.savedAt), false);
    }
  };

  var forms = [];
  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft-form]"), function (f) {
    forms.push(new Autosave(f));
  });
  if (!forms.length) {
    return;
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      forms.forEach(function (a) {
        a.flush();
      });
    }
  });
  window.addEventListener("pagehide", function () {
    forms.forEach(function (a) {
      a.flush();
    });
  });
  document.addEventListener("imhhv:session-warning", function () {
    forms.forEach(function (a) {
      a.save();
    });
  });
  window.setInterval(function () {
    forms.forEach(function (a) {
      a.refresh();
    });
  }, 30000);
})();
