/*
 * IOP self-screening chat widget: embed with one script tag served by the bot's own server, e.g.
 *   <script src="BOT_ADDRESS/webhooks/socketio/widget.js" defer></script>  (BOT_ADDRESS: the Rasa server)
 * Loads rasa-webchat 1.0.1 from the same server, connects to the same server's socket.io endpoint
 * (the session token the server issued - conversation id, time, signature - is kept in localStorage and
 * sent back in session_request, so a reload continues the conversation), and adds:
 *   - a "Talk to a person" button and the crisis line inside the chat window;
 *   - labels, roles and keyboard support the widget lacks (quick replies usable with Tab + Enter/Space);
 *   - its own words in the visitor's language (data/texts/<lang>.yml "widget"): the script tag's data-lang
 *     (<script src=".../widget.js" data-lang="es">), else the browser's languages, else English; a language
 *     other than English also starts the conversation in it.
 * Exposes window.IopChat = { open(), talkToPerson() }.
 */
(function () {
  "use strict";
  var CONFIG = /*IOPBOT_CONFIG*/null;
  var script = document.currentScript;
  var origin = new URL(script ? script.src : window.location.href).origin;
  var base = origin + CONFIG.prefix;
  var chatRef = null;
  var LANG = pickLanguage();
  var T = CONFIG.texts[LANG];

  function pickLanguage() {
    var wanted = [script && script.getAttribute("data-lang")].concat(navigator.languages || [navigator.language]);
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i] || "").slice(0, 2).toLowerCase();
      if (CONFIG.texts[code]) { return code; }
    }
    return "en";
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  var css = el("link", { rel: "stylesheet", href: base + "/widget.css" });
  document.head.appendChild(css);

  function tel(number) { return "tel:" + String(number).replace(/[^\d+]/g, ""); }

  function isOpen() { return !!document.querySelector(".rw-conversation-container"); }

  function open() {
    if (!isOpen()) {
      var launcher = document.querySelector(".rw-launcher");
      if (launcher) { launcher.click(); }
    }
  }

  function talkToPerson() {
    open();
    var send = function () {
      if (chatRef && chatRef.sendMessage) {
        chatRef.sendMessage("/request_human", T.talk_to_person);  // (payload sent, text shown)
      }
    };
    window.setTimeout(send, isOpen() ? 0 : 300);
  }

  function replyKeydown(event) {
    if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
      event.preventDefault();
      event.currentTarget.click();
    }
  }

  function label(selector, attrs) {
    document.querySelectorAll(selector).forEach(function (node) {
      Object.keys(attrs).forEach(function (k) {
        if (node.getAttribute(k) !== attrs[k]) { node.setAttribute(k, attrs[k]); }
      });
    });
  }

  function helpBar() {
    var bar = el("div", { "class": "iop-help-bar", role: "region", "aria-label": T.help_region });
    var person = el("button", { type: "button", "class": "iop-human" }, T.talk_to_person);
    person.addEventListener("click", talkToPerson);
    var crisis = el("a", { "class": "iop-crisis", href: tel(CONFIG.crisisLine) }, T.crisis_link);
    var emergency = el("a", { "class": "iop-emergency", href: tel(CONFIG.emergencyNumber) }, T.emergency_link);
    bar.appendChild(person);
    bar.appendChild(crisis);
    bar.appendChild(emergency);
    return bar;
  }

  function enhance() {
    label(".rw-launcher", { "aria-label": isOpen() ? T.close_chat : T.open_chat,
      "aria-expanded": isOpen() ? "true" : "false" });
    label(".rw-conversation-container", { role: "dialog", "aria-label": T.dialog, lang: LANG });
    label(".rw-close-button", { "aria-label": T.close_button });
    label(".rw-messages-container", { role: "log", "aria-live": "polite", "aria-label": T.conversation,
      tabindex: "0" });
    label(".rw-new-message", { "aria-label": T.message_box });
    label(".rw-send", { "aria-label": T.send });
    label(".rw-replies", { role: "group", "aria-label": T.replies });
    document.querySelectorAll("div.rw-reply").forEach(function (reply) {
      if (reply.getAttribute("role") !== "button") {
        reply.setAttribute("role", "button");
        reply.setAttribute("tabindex", "0");
        reply.addEventListener("keydown", replyKeydown);
      }
    });
    var container = document.querySelector(".rw-conversation-container");
    if (container && !container.querySelector(".iop-help-bar")) {
      var header = container.querySelector(".rw-header-and-loading") || container.querySelector(".rw-header");
      var bar = helpBar();
      if (header && header.parentNode === container) {
        container.insertBefore(bar, header.nextSibling);
      } else {
        container.insertBefore(bar, container.firstChild);
      }
    }
  }

  function start() {
    window.WebChat.default({
      socketUrl: origin,
      socketPath: "/socket.io/",
      initPayload: LANG === "en" ? "/greet" : "/greet{\"language\":\"" + LANG + "\"}",
      title: T.title,
      subtitle: T.subtitle,
      inputTextFieldHint: T.input_hint,
      connectingText: T.connecting,
      hideWhenNotConnected: false,
      withRules: false,
      params: { storage: "local" },
      customMessageDelay: function () { return 250; },
      innerRef: function (ref) { chatRef = ref; }
    }, null);
    new MutationObserver(enhance).observe(document.body, { childList: true, subtree: true });
    enhance();
  }

  window.IopChat = { open: open, talkToPerson: talkToPerson };

  var bundle = el("script", { src: base + "/" + CONFIG.bundle });
  bundle.onload = start;
  document.head.appendChild(bundle);
})();
