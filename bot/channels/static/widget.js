/*
 * IOP self-screening chat widget: embed with one script tag served by the bot's own server, e.g.
 *   <script src="BOT_ADDRESS/webhooks/socketio/widget.js" defer></script>  (BOT_ADDRESS: the Rasa server)
 * Loads rasa-webchat 1.0.1 from the same server, connects to the same server's socket.io endpoint
 * (the session token the server issued - conversation id, time, signature - is kept in localStorage and
 * sent back in session_request, so a reload continues the conversation), and adds:
 *   - a "Talk to a person" button and the crisis line inside the chat window;
 *   - labels, roles and keyboard support the widget lacks (quick replies usable with Tab + Enter/Space).
 * Exposes window.IopChat = { open(), talkToPerson() }.
 */
(function () {
  "use strict";
  var CONFIG = /*IOPBOT_CONFIG*/null;
  var script = document.currentScript;
  var origin = new URL(script ? script.src : window.location.href).origin;
  var base = origin + CONFIG.prefix;
  var chatRef = null;

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
        chatRef.sendMessage("/request_human", "Talk to a person");  // (payload sent, text shown)
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
    var bar = el("div", { "class": "iop-help-bar", role: "region", "aria-label": "Help now" });
    var person = el("button", { type: "button", "class": "iop-human" }, "Talk to a person");
    person.addEventListener("click", talkToPerson);
    var crisis = el("a", { "class": "iop-crisis", href: tel(CONFIG.crisisLine) },
      "In crisis? Call or text " + CONFIG.crisisLine);
    var emergency = el("a", { "class": "iop-emergency", href: tel(CONFIG.emergencyNumber) },
      "Emergency: " + CONFIG.emergencyNumber);
    bar.appendChild(person);
    bar.appendChild(crisis);
    bar.appendChild(emergency);
    return bar;
  }

  function enhance() {
    label(".rw-launcher", { "aria-label": isOpen() ? "Close the screening chat" : "Open the screening chat",
      "aria-expanded": isOpen() ? "true" : "false" });
    label(".rw-conversation-container", { role: "dialog", "aria-label": "Screening chat with " + CONFIG.clinicName });
    label(".rw-close-button", { "aria-label": "Close the chat" });
    label(".rw-messages-container", { role: "log", "aria-live": "polite", "aria-label": "Conversation",
      tabindex: "0" });
    label(".rw-new-message", { "aria-label": "Type your message" });
    label(".rw-send", { "aria-label": "Send message" });
    label(".rw-replies", { role: "group", "aria-label": "Suggested answers (you can also type your own)" });
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
      initPayload: "/greet",
      title: "Is IOP right for me?",
      subtitle: "Confidential self-screening. Not medical advice.",
      inputTextFieldHint: "Type your answer…",
      connectingText: "Connecting… In a crisis, call or text " + CONFIG.crisisLine,
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
