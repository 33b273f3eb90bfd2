/* Demo page buttons: open the chat, or open it and ask for a person (uses window.IopChat from widget.js). */
(function () {
  "use strict";
  function ready(fn) { if (window.IopChat && document.querySelector(".rw-launcher")) { fn(); } else { window.setTimeout(function () { ready(fn); }, 100); } }
  document.getElementById("open-chat").addEventListener("click", function () { ready(window.IopChat.open); });
  document.getElementById("talk-to-person").addEventListener("click", function () { ready(window.IopChat.talkToPerson); });
})();
