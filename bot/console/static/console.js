// The console's own script (same origin only, no outside request):
// * parts marked data-poll-url refresh every data-poll-seconds;
// * a transcript marked data-follow="bottom" stays at its newest message unless the reader scrolled up
//   (then a "New messages" button appears);
// * p[data-typing-url] says "The person is typing…" while the person types in the widget (polled; an
//   aria-live region whose text changes only when typing starts or stops, so it is announced once);
// * textarea[data-typing-post]: while staff type a reply, a typing ping at most every 2.5 s, a stop after
//   4 s idle, when emptied or sent (only whether someone types is sent, never the text);
// * body[data-alerts-url]: new urgent handoffs and new messages on chats assigned to me raise a badge,
//   a short sound and (when allowed) a desktop notification naming only the handoff number.
(function () {
  "use strict";
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" }, cache: "no-store" })
      .then(function (r) {
        if (r.status === 401) { window.location.assign("/login"); return null; }
        return r.ok ? r : null;
      });
  }

  // Every ``ms``, unless the tab is hidden or the last request is still out: fetch ``url``, read the response
  // with ``read`` and hand the result to ``apply``; on any failure keep what is shown and try again next time.
  function every(ms, url, read, apply) {
    var busy = false;
    window.setInterval(function () {
      if (busy || document.hidden) { return; }
      busy = true;
      getJSON(url)
        .then(function (r) { return r ? read(r) : null; })
        .then(apply)
        .catch(function () { /* keep what is shown; try again next time */ })
        .then(function () { busy = false; });
    }, ms);
  }

  function nearBottom(el) { return el.scrollHeight - el.scrollTop - el.clientHeight < 40; }

  function poll(el) {
    var url = el.getAttribute("data-poll-url");
    var seconds = parseInt(el.getAttribute("data-poll-seconds") || "5", 10);
    var follow = el.getAttribute("data-follow") === "bottom";
    var button = follow ? document.getElementById("new-messages") : null;
    if (follow) {
      el.scrollTop = el.scrollHeight;
      el.addEventListener("scroll", function () { if (button && nearBottom(el)) { button.hidden = true; } });
      if (button) {
        button.addEventListener("click", function () { el.scrollTop = el.scrollHeight; button.hidden = true; });
      }
    }
    every(Math.max(2, seconds) * 1000, url, function (r) { return r.text(); }, function (html) {
      if (html === null || html === undefined || html === el.innerHTML) { return; }
      var atBottom = follow && nearBottom(el);
      el.innerHTML = html;
      el.setAttribute("data-refreshed", String(Date.now()));
      if (follow && atBottom) { el.scrollTop = el.scrollHeight; }
      else if (follow && button) { button.hidden = false; }
    });
  }

  function typingWatch(el) {
    var text = el.getAttribute("data-typing-text");
    every(2000, el.getAttribute("data-typing-url"), function (r) { return r.json(); }, function (data) {
      var now = data && data.typing ? text : "";
      if (el.textContent !== now) { el.textContent = now; }
    });
  }

  function typingPings(area) {
    var url = area.getAttribute("data-typing-post");
    var csrf = area.form.querySelector("input[name=csrf_token]").value;
    var on = false, last = 0, idle = null;
    function send(typing) {
      var body = new URLSearchParams({ csrf_token: csrf, typing: typing ? "1" : "0" });
      fetch(url, { method: "POST", credentials: "same-origin", body: body, keepalive: true,
        headers: { "X-Requested-With": "fetch" } }).catch(function () { /* no indicator, nothing else */ });
    }
    function stop() {
      window.clearTimeout(idle);
      if (on) { on = false; send(false); }
    }
    area.addEventListener("input", function () {
      if (!area.value.trim()) { stop(); return; }
      if (!on || Date.now() - last >= 2500) { on = true; last = Date.now(); send(true); }
      window.clearTimeout(idle);
      idle = window.setTimeout(stop, 4000);
    });
    area.form.addEventListener("submit", stop);
  }

  // browsers let a page make sound only after the user interacted with it: open the audio on the first click/key
  var audio = null;
  function unlockAudio() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!audio && Ctx) { try { audio = new Ctx(); } catch (e) { audio = null; } }
    if (audio && audio.state === "suspended") { audio.resume(); }
  }
  document.addEventListener("click", unlockAudio);
  document.addEventListener("keydown", unlockAudio);

  function beep() {
    if (!audio) { return; }
    try {
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.1;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + 0.25);
      document.body.setAttribute("data-beeps", String(parseInt(document.body.getAttribute("data-beeps") || "0", 10) + 1));
    } catch (e) { /* no sound available */ }
  }

  function notify(title, body, link) {
    if (!("Notification" in window) || Notification.permission !== "granted") { return; }
    var n = new Notification(title, { body: body, tag: link });
    n.onclick = function () { window.focus(); window.location.assign(link); };
  }

  function alerts(body) {
    var url = body.getAttribute("data-alerts-url");
    var seconds = parseInt(body.getAttribute("data-alerts-seconds") || "5", 10);
    var badge = document.getElementById("alert-badge");
    var live = document.getElementById("alert-live");
    var enable = document.getElementById("enable-alerts");
    var known = null, seen = {}, fresh = 0;
    if (enable) {
      if (!("Notification" in window) || Notification.permission === "granted") { enable.hidden = true; }
      enable.addEventListener("click", function () {
        if ("Notification" in window) {
          Notification.requestPermission().then(function (p) { enable.hidden = p === "granted"; });
        }
      });
    }
    function check() {
      if (document.hidden && !("Notification" in window)) { return; }
      getJSON(url).then(function (r) { return r ? r.json() : null; }).then(function (data) {
        if (!data) { return; }
        if (known === null) {  // first look: what is already there is not news
          known = {}; data.urgent.forEach(function (id) { known[id] = true; });
          Object.keys(data.mine).forEach(function (id) { seen[id] = data.mine[id]; });
          return;
        }
        var news = [];
        data.urgent.forEach(function (id) {
          if (!known[id]) { known[id] = true; news.push(["New urgent handoff #" + id, "/handoffs/" + id]); }
        });
        Object.keys(data.mine).forEach(function (id) {
          if (seen[id] !== undefined && data.mine[id] > seen[id]) {
            news.push(["New message in handoff #" + id, "/handoffs/" + id]);
          }
          seen[id] = data.mine[id];
        });
        if (!news.length) { return; }
        fresh += news.length;
        badge.textContent = fresh + " new";
        badge.hidden = false;
        live.textContent = news.map(function (n) { return n[0]; }).join(". ");
        document.title = "(" + fresh + ") " + document.title.replace(/^\(\d+\) /, "");
        beep();
        news.forEach(function (n) { notify(n[0], "Open the staff console to see it.", n[1]); });
      }).catch(function () { /* try again next time */ });
    }
    check();
    window.setInterval(check, Math.max(2, seconds) * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var els = document.querySelectorAll("[data-poll-url]");
    for (var i = 0; i < els.length; i++) { poll(els[i]); }
    document.querySelectorAll("[data-typing-url]").forEach(typingWatch);
    document.querySelectorAll("textarea[data-typing-post]").forEach(typingPings);
    if (document.body.hasAttribute("data-alerts-url")) { alerts(document.body); }
  });
})();
