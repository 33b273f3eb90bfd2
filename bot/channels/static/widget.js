/*
 * IOP self-screening chat widget: embed with one script tag served by the bot's own server, e.g.
 *   <script src="BOT_ADDRESS/webhooks/socketio/widget.js" defer></script>  (BOT_ADDRESS: the Rasa server)
 * Loads rasa-webchat 1.0.1 from the same server, connects to the same server's socket.io endpoint
 * (the session token the server issued - conversation id, time, signature - is kept with the transcript in
 * sessionStorage, never localStorage: a reload continues the conversation, closing the tab forgets it), and adds:
 *   - a "Talk to a person" button, the crisis line (call and text links) and "Clear this chat" (ends the
 *     conversation on the server, forgets it here and starts afresh) inside the chat window;
 *   - the newest message and its quick replies scrolled into view (also after a reload);
 *   - labels, roles and keyboard support the widget lacks (quick replies usable with Tab + Enter/Space);
 *   - its own words in the visitor's language (data/texts/<lang>.yml "widget"): the script tag's data-lang
 *     (<script src=".../widget.js" data-lang="es">), else the browser's languages, else English; a language
 *     other than English also starts the conversation in it;
 *   - typing indicators during a live chat with staff: while the person types, "user_typing" at most every
 *     2.5 s and a stop (after 4 s idle, when emptied or sent; never the text); the server's "staff_typing"
 *     shows "<name> from the intake team is typing…" in an aria-live region until the message arrives, a
 *     stop comes or 6 s pass without a ping;
 *   - an outbox: each message carries a message_id; one whose answer (a reply with it as metadata.reply_to) has
 *     not come when the socket reconnects, or when the page is reloaded, is sent again with the same id (the
 *     server answers it once). The unanswered message is kept in sessionStorage for the reload.
 *   - a socket that connected but got no session_confirm within 20 s connects again (which asks again).
 * Exposes window.IopChat = { open(), talkToPerson(), clearChat() }.
 */
(function () {
  "use strict";
  var CONFIG = /*IOPBOT_CONFIG*/null;
  var script = document.currentScript;
  var origin = new URL(script ? script.src : window.location.href).origin;
  var base = origin + CONFIG.prefix;
  var chatRef = null;
  var STORAGE_KEY = "chat_session";  // rasa-webchat's key (transcript and session token)
  var CLEARED_KEY = "iop_chat_cleared";
  var OUTBOX_KEY = "iop_outbox";  // the person's last message while it is unanswered
  if (window.sessionStorage.getItem(CLEARED_KEY)) {
    window.sessionStorage.removeItem(STORAGE_KEY);
    window.sessionStorage.removeItem(OUTBOX_KEY);
    window.sessionStorage.removeItem(CLEARED_KEY);
  }
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

  function sms(number) { return "sms:" + String(number).replace(/[^\d+]/g, ""); }

  function clearChat() {
    var stored = null;
    try { stored = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "null"); } catch (e) { stored = null; }
    var token = stored && stored.session_id;
    var forget = function () {
      // rasa-webchat may write its state back while the page unloads: the next load drops it first
      window.sessionStorage.setItem(CLEARED_KEY, "1");
      window.sessionStorage.removeItem(STORAGE_KEY);
      window.sessionStorage.removeItem(OUTBOX_KEY);
      window.location.reload();
    };
    if (!token) { forget(); return; }
    // text/plain: a "simple" request, so an embedding site needs no CORS set-up; the reply is not read
    window.fetch(base + "/end", { method: "POST", mode: "no-cors", body: token, keepalive: true,
      headers: { "Content-Type": "text/plain" } }).then(forget, forget);
  }

  var shown = "";
  function scrollToNewest() {
    var log = document.querySelector(".rw-messages-container");
    if (!log) { return; }
    var state = log.querySelectorAll(".rw-message").length + "|" + log.querySelectorAll(".rw-reply").length +
      "|" + log.scrollHeight;
    if (state === shown) { return; }
    shown = state;
    log.scrollTop = log.scrollHeight;
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
    var text = el("a", { "class": "iop-crisis-text", href: sms(CONFIG.crisisLine) }, T.text_crisis_link);
    var emergency = el("a", { "class": "iop-emergency", href: tel(CONFIG.emergencyNumber) }, T.emergency_link);
    var clear = el("button", { type: "button", "class": "iop-clear", "aria-label": T.clear_chat_label },
      T.clear_chat);
    clear.addEventListener("click", clearChat);
    [person, crisis, text, emergency, clear].forEach(function (node) { bar.appendChild(node); });
    return bar;
  }

  function enhance() {
    label(".rw-launcher", { "aria-label": isOpen() ? T.close_chat : T.open_chat,
      "aria-expanded": isOpen() ? "true" : "false" });
    label(".rw-conversation-container", { role: "dialog", "aria-label": T.dialog, lang: LANG });
    label(".rw-close-button", { "aria-label": T.close_button });
    label(".rw-header .rw-title", { "aria-level": "2" });  // the widget's h4 follows the page's h1/h2
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
    typingRegion();
    scrollToNewest();
  }

  var socket = null, token = null;  // the socket.io client and its confirmed token (from session_confirm)
  // the person's last message until its answer comes (a reply with its message_id as metadata.reply_to); sent
  // again with the same id after a reconnect or a reload: the server answers a message it handled from storage,
  // once. A message left unanswered by a reload comes back from sessionStorage (restored).
  var pending = null, queued = false, sent = 0, restored = false;
  try { pending = JSON.parse(window.sessionStorage.getItem(OUTBOX_KEY) || "null"); } catch (e) { pending = null; }
  restored = !!(pending && pending.message_id);
  if (!restored) { pending = null; }

  function keep(data) {
    pending = data;
    try {
      if (data) { window.sessionStorage.setItem(OUTBOX_KEY, JSON.stringify(data)); }
      else { window.sessionStorage.removeItem(OUTBOX_KEY); }
    } catch (e) { /* storage full or blocked: the outbox still works until a reload */ }
  }

  function messageId() {
    return "w" + Date.now().toString(36) + "." + (sent++).toString(36) + "." + Math.random().toString(36).slice(2, 10);
  }
  function withOutbox(client) {
    if (!client || client.iopOutbox) { return; }
    client.iopOutbox = true;
    var emit = client.emit;
    client.emit = function (event, data) {
      if (event === "user_uttered" && data && typeof data === "object") {
        data.message_id = data.message_id || messageId();
        queued = !client.connected;  // not connected: socket.io sends it itself on reconnecting
        restored = false;
        keep(data);
      }
      return emit.apply(client, arguments);
    };
  }
  // a connected socket whose session request got no session_confirm (seen during a node's failover: the
  // request went to a node that lost it, and the socket stayed open) connects again, which asks again;
  // else the widget would wait on "connecting" until the person reloads the page
  var CONFIRM_WAIT_MS = 20000, watchdog = null;
  function watch(client) {
    window.clearTimeout(watchdog);
    watchdog = window.setTimeout(function () {
      if (client.connected) { client.disconnect(); client.connect(); }
    }, CONFIRM_WAIT_MS);
  }
  function confirmed(client, data) {
    window.clearTimeout(watchdog);
    // a reconnect (a new session_confirm) or the first one after a reload, with a message unanswered
    var again = pending && (socket === client || (socket === null && restored));
    restored = false;
    socket = client;
    token = data && data.session_id ? data.session_id : data;
    withOutbox(client);
    if (again && queued) { queued = false; return; }  // sent just now, with the reconnect
    if (again) { pending.session_id = token; client.emit("user_uttered", pending); }
  }
  function answered(data) {
    if (pending && data && data.metadata && data.metadata.reply_to === pending.message_id) { keep(null); }
  }
  var staffTyping = "", staffIdle = null;

  function typingRegion() {
    var container = document.querySelector(".rw-conversation-container");
    if (!container) { return null; }
    var region = container.querySelector(".iop-typing");
    if (!region) {
      region = el("div", { "class": "iop-typing", "aria-live": "polite" });
      var sender = container.querySelector(".rw-sender");
      container.insertBefore(region, sender && sender.parentNode === container ? sender : null);
      region.textContent = staffTyping;
    }
    return region;
  }

  function showStaffTyping(text) {
    window.clearTimeout(staffIdle);
    if (text) { staffIdle = window.setTimeout(function () { showStaffTyping(""); }, 6000); }
    if (text === staffTyping) { return; }  // announced once per start, not at every ping
    staffTyping = text;
    var region = typingRegion();
    if (region) { region.textContent = text; }
  }

  var typingOn = false, typingAt = 0, typingIdle = null;
  function sendTyping(typing) {
    if (socket && token) { socket.emit("user_typing", { session_id: token, typing: typing }); }
  }
  function stopTyping() {
    window.clearTimeout(typingIdle);
    if (typingOn) { typingOn = false; sendTyping(false); }
  }
  function onInput(event) {
    if (!event.target.classList || !event.target.classList.contains("rw-new-message")) { return; }
    if (!event.target.value.trim()) { stopTyping(); return; }
    if (!typingOn || Date.now() - typingAt >= 2500) { typingOn = true; typingAt = Date.now(); sendTyping(true); }
    window.clearTimeout(typingIdle);
    typingIdle = window.setTimeout(stopTyping, 4000);
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
      params: { storage: "session" },
      customMessageDelay: function () { return 250; },
      innerRef: function (ref) { chatRef = ref; },
      onSocketEvent: {
        connect: function () { watch(this); },
        session_confirm: function (data) { confirmed(this, data); },
        staff_typing: function (data) { showStaffTyping(data && data.typing && data.text ? String(data.text) : ""); },
        bot_uttered: function (data) { answered(data); showStaffTyping(""); }
      }
    }, null);
    document.addEventListener("input", onInput);
    document.addEventListener("submit", stopTyping, true);  // the widget's submit event does not bubble
    new MutationObserver(enhance).observe(document.body, { childList: true, subtree: true });
    enhance();
    // a restored transcript is laid out after it is inserted: look again once it has settled
    window.setInterval(scrollToNewest, 500);
  }

  window.IopChat = { open: open, talkToPerson: talkToPerson, clearChat: clearChat };

  var bundle = el("script", { src: base + "/" + CONFIG.bundle });
  bundle.onload = start;
  document.head.appendChild(bundle);
})();
