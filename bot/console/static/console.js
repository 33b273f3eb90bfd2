// Refreshes parts of the page marked with data-poll-url every data-poll-seconds, from our own server only.
(function () {
  "use strict";
  function poll(el) {
    var url = el.getAttribute("data-poll-url");
    var seconds = parseInt(el.getAttribute("data-poll-seconds") || "5", 10);
    var busy = false;
    window.setInterval(function () {
      if (busy || document.hidden) { return; }
      busy = true;
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" }, cache: "no-store" })
        .then(function (response) {
          if (response.status === 401) { window.location.assign("/login"); return null; }
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          if (html !== null && html !== undefined && html !== el.innerHTML) {
            el.innerHTML = html;
            el.setAttribute("data-refreshed", String(Date.now()));
          }
        })
        .catch(function () { /* keep the current content; try again next time */ })
        .then(function () { busy = false; });
    }, Math.max(2, seconds) * 1000);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var els = document.querySelectorAll("[data-poll-url]");
    for (var i = 0; i < els.length; i++) { poll(els[i]); }
  });
})();
