/*
 * Signed-in staff only (templates/includes/idle_warning.html). Staff sessions end after a spell
 * of inactivity (shequ.middleware.AccessMiddleware), so:
 * - a banner warns before the end, and its button pings the server to keep the session;
 * - at the end the page is left for the login page, so personal data does not stay on screen;
 * - what is typed into forms is kept in this tab's sessionStorage (never passwords, ID or phone
 *   numbers, files, searches or one-time codes) and put back when the same form page is opened
 *   again after signing back in; a submit that leads elsewhere (success) forgets it, as does
 *   logging out, and a draft is only ever shown to the user who typed it.
 */
(function () {
  "use strict";

  var banner = document.getElementById("idle-warning");
  if (!banner) return;

  var DEADLINE_KEY = "shequ.idleDeadline";
  var DRAFT_PREFIX = "shequ.draft:";
  var SUBMITTED_KEY = "shequ.draftSubmitted";
  var SKIPPED_TYPES = ["password", "file", "hidden", "submit", "button", "reset", "image", "search"];
  // Personal numbers, secrets, and search boxes (a search may be posted to keep a whole number
  // out of the URL; it is no draft either). A form or field marked data-no-draft is skipped too.
  var SENSITIVE_NAME = /password|id_number|document_number|mobile|phone|^code$|token|^q$/i;
  var GRACE_MS = 2000; // the server ends the session only once the limit is passed

  var user = banner.dataset.user;
  var countdown = banner.querySelector("[data-countdown]");

  // ---- Idle warning -------------------------------------------------------------------------

  // Tabs share one deadline: working in one keeps the others from warning or leaving.
  function storedDeadline() {
    try {
      return Number(localStorage.getItem(DEADLINE_KEY)) || 0;
    } catch (e) {
      return 0;
    }
  }

  var deadline = 0;
  function extend(secondsLeft) {
    deadline = Math.max(storedDeadline(), Date.now() + secondsLeft * 1000);
    try {
      localStorage.setItem(DEADLINE_KEY, String(deadline));
    } catch (e) {
      /* private mode: this tab alone */
    }
  }

  var warnMs = 0;
  function start(secondsLeft) {
    // Two minutes' notice, less when the whole limit is short.
    warnMs = Math.min(120, secondsLeft / 2) * 1000;
    extend(secondsLeft);
  }

  function leave() {
    // A GET of this page: the server, finding the session over, answers with the login page.
    window.location.assign(window.location.href.split("#")[0]);
  }

  var leaving = false;
  function tick() {
    deadline = Math.max(deadline, storedDeadline());
    var left = deadline - Date.now();
    if (left + GRACE_MS <= 0) {
      if (!leaving) {
        leaving = true;
        leave();
      }
      return;
    }
    banner.hidden = left > warnMs;
    var seconds = Math.max(0, Math.ceil(left / 1000));
    countdown.textContent =
      Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
  }

  banner.querySelector("[data-keep-alive]").addEventListener("click", function () {
    fetch(banner.dataset.keepAliveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": banner.dataset.csrfToken },
      credentials: "same-origin",
      redirect: "manual",
    })
      .then(function (response) {
        if (!response.ok) throw new Error("session over");
        return response.json();
      })
      .then(function (body) {
        extend(body.seconds_left);
        tick();
      })
      .catch(leave);
  });

  // Empty when the server counts no idle time for this page.
  if (banner.dataset.secondsLeft !== "") {
    start(Number(banner.dataset.secondsLeft));
    tick();
    window.setInterval(tick, 1000);
  }

  // ---- Drafts -------------------------------------------------------------------------------

  function draftable(form) {
    return form.method === "post" && !form.hasAttribute("data-no-draft");
  }

  function keptField(el) {
    return (
      el.name &&
      !el.disabled &&
      SKIPPED_TYPES.indexOf(el.type) === -1 &&
      !SENSITIVE_NAME.test(el.name) &&
      el.autocomplete !== "one-time-code" &&
      !el.closest("[data-no-draft]")
    );
  }

  function keyOf(form) {
    var index = Array.prototype.indexOf.call(document.forms, form);
    return DRAFT_PREFIX + window.location.pathname + window.location.search + ":" + index;
  }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, keptField);
  }

  function read(form) {
    var values = {};
    fieldsOf(form).forEach(function (el) {
      var list = values[el.name] || (values[el.name] = []);
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) list.push(el.value);
      } else if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.selectedOptions, function (o) {
          list.push(o.value);
        });
      } else {
        list.push(el.value);
      }
    });
    return values;
  }

  function write(form, values) {
    var seen = {};
    fieldsOf(form).forEach(function (el) {
      var list = values[el.name];
      if (!list) return;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = list.indexOf(el.value) !== -1;
      } else if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.options, function (o) {
          o.selected = list.indexOf(o.value) !== -1;
        });
      } else {
        var i = seen[el.name] || 0;
        if (i < list.length) el.value = list[i];
        seen[el.name] = i + 1;
      }
    });
  }

  function save(form) {
    try {
      sessionStorage.setItem(keyOf(form), JSON.stringify({ user: user, values: read(form) }));
    } catch (e) {
      /* storage full or refused: nothing kept, nothing broken */
    }
  }

  function forgetAll() {
    for (var i = sessionStorage.length - 1; i >= 0; i--) {
      var key = sessionStorage.key(i);
      if (key.indexOf(DRAFT_PREFIX) === 0) sessionStorage.removeItem(key);
    }
    sessionStorage.removeItem(SUBMITTED_KEY);
    try {
      localStorage.removeItem(DEADLINE_KEY);
    } catch (e) {
      /* nothing was stored */
    }
  }

  var forms = Array.prototype.filter.call(document.forms, draftable);
  var keys = forms.map(keyOf);

  // The last submit led here: back on its form page (errors, or a login in between) the draft
  // stays; anywhere else the submit went through and the draft is done with.
  var submitted = sessionStorage.getItem(SUBMITTED_KEY);
  sessionStorage.removeItem(SUBMITTED_KEY);
  if (submitted && keys.indexOf(submitted) === -1) sessionStorage.removeItem(submitted);

  forms.forEach(function (form, n) {
    var key = keys[n];
    var draft = null;
    try {
      draft = JSON.parse(sessionStorage.getItem(key));
    } catch (e) {
      draft = null;
    }
    if (draft && draft.user === user) {
      // A form shown again with the server's errors already holds what was typed: no notice.
      if (JSON.stringify(read(form)) === JSON.stringify(draft.values)) return watch(form, key);
      write(form, draft.values);
      var notice = document.getElementById("draft-restored").content.firstElementChild;
      notice = notice.cloneNode(true);
      notice.querySelector("[data-discard-draft]").addEventListener("click", function () {
        sessionStorage.removeItem(key);
        leave();
      });
      form.parentNode.insertBefore(notice, form);
    } else if (draft) {
      // Someone else's, left in this tab: never shown.
      sessionStorage.removeItem(key);
    }
    watch(form, key);
  });

  function watch(form, key) {
    var changed = function (event) {
      if (keptField(event.target)) save(form);
    };
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () {
      var action = new URL(form.action, window.location.href).pathname;
      if (action === banner.dataset.logoutUrl) {
        forgetAll();
        return;
      }
      if (sessionStorage.getItem(key)) sessionStorage.setItem(SUBMITTED_KEY, key);
    });
  }
})();
