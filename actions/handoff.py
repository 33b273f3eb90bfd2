"""Handing the conversation to a person (how to reach them, with consent) and relaying staff replies."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import AskAction, channel_of, settings, store_call, yes_no
from bot.conversation.contact import is_skip, parse_contact_method, parse_first_name, parse_phone
from bot.conversation.hours import is_staffed, reply_time_phrase
from bot.notify import notify_handoff

CONTACT_SLOTS = ["contact_method", "contact_phone", "contact_time", "contact_name", "contact_consent"]
SKIPPED = "-"
CANCELLED = "cancelled"  # contact_consent when the person stopped giving contact details


def _sms_phone(tracker: Tracker) -> str | None:
    return parse_phone(tracker.sender_id) if channel_of(tracker) == "sms" else None


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        method = tracker.get_slot("contact_method")
        wanted = ["contact_method"]
        if method in ("text", "call") and not _sms_phone(tracker):
            wanted.append("contact_phone")
        if method in ("text", "call"):
            wanted.append("contact_time")
        return wanted + ["contact_name", "contact_consent"]

    async def run(self, dispatcher, tracker, domain):
        """A clear "stop" / "never mind" / "bye" ends the form without a handoff; anything else is an answer."""
        from bot.conversation.answer_flow import clear_command

        if tracker.get_slot("requested_slot") and \
                clear_command(tracker.latest_message.get("text") or "") in ("stop", "goodbye"):
            return [SlotSet(slot, SKIPPED) for slot in CONTACT_SLOTS[:-1]] + [SlotSet("contact_consent", CANCELLED)]
        return await super().run(dispatcher, tracker, domain)

    def validate_contact_method(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: dict) -> dict[str, Any]:
        method = parse_contact_method(str(value or ""))
        if method is None:
            dispatcher.utter_message(text="Sorry, I didn't catch that.")
            return {"contact_method": None}
        if method == "text" and channel_of(tracker) == "sms":
            method = "chat"  # on SMS, "this chat" already is a text conversation
        return {"contact_method": method}

    def validate_contact_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict) -> dict[str, Any]:
        text = str(value or "")
        if is_skip(text):
            dispatcher.utter_message(text="No problem - we'll reply here in this chat instead.")
            return {"contact_phone": SKIPPED, "contact_method": "chat"}
        phone = parse_phone(text)
        if phone is None:
            dispatcher.utter_message(text="That doesn't look like a phone number. Please type it with the area "
                                          "code, or say \"skip\".")
            return {"contact_phone": None}
        return {"contact_phone": phone}

    def validate_contact_time(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: dict) -> dict[str, Any]:
        text = " ".join(str(value or "").split())[:200]
        return {"contact_time": text or "any time"}

    def validate_contact_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: dict) -> dict[str, Any]:
        return {"contact_name": parse_first_name(str(value or "")) or SKIPPED}

    def validate_contact_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: dict) -> dict[str, Any]:
        answer = yes_no(tracker, str(value or ""))
        if answer is None:
            dispatcher.utter_message(text="Sorry, I need a yes or a no to that.")
            return {"contact_consent": None}
        return {"contact_consent": "yes" if answer else "no"}


class ActionAskContactMethod(AskAction):
    slot = "contact_method"
    web_text = "How would you like our team to reach you?"
    sms_text = "How should our team reach you? Reply 1 to keep texting on this number, or 3 for a phone call."
    buttons = [("Stay in this chat", "stay in this chat"), ("Text me", "text me"), ("Call me", "call me")]


class ActionAskContactPhone(AskAction):
    slot = "contact_phone"
    web_text = "What number should we use? It is only used to contact you about this. (Or say \"skip\".)"
    sms_text = web_text


class ActionAskContactTime(AskAction):
    slot = "contact_time"
    web_text = "When is a good time to reach you? For example \"weekday evenings\" or \"any time\"."
    sms_text = "When is a good time to reach you? (e.g. weekday evenings, any time)"
    buttons = [("Any time", "any time"), ("Mornings", "mornings"), ("Evenings", "evenings")]


class ActionAskContactName(AskAction):
    slot = "contact_name"
    web_text = "What first name should we use? This is optional - you can say \"skip\"."
    sms_text = "What first name should we use? Optional - reply SKIP to leave it out."
    buttons = [("Skip", "skip")]


class ActionAskContactConsent(AskAction):
    slot = "contact_consent"
    web_text = "Is it OK for our team to contact you this way about this conversation?"
    sms_text = "Is it OK for our team to contact you this way about this conversation? Reply YES or NO."
    buttons = [("Yes", "yes"), ("No", "no")]


def _next_steps(tracker: Tracker, method: str) -> str:
    conf = settings()
    way = {"chat": "reply here in this chat", "text": "text you", "call": "call you"}[method]
    if method == "chat" and channel_of(tracker) == "sms":
        way = "text you back on this number"
    if is_staffed(conf.staffed_hours):
        return (f"Thank you. I've let our team know, and a person will {way} shortly. You can also call us at "
                f"{conf.helpline_phone}.")
    return (f"Thank you. I've let our team know. They are away right now and will {way} "
            f"{reply_time_phrase(conf.staffed_hours)}. If you need to talk to someone before then, call or text "
            f"{conf.crisis_line} any time, or call {conf.emergency_number} in an emergency.")


class ActionRequestHuman(Action):
    """After handoff_form: record the handoff with the contact choice and say what happens next."""

    def name(self) -> str:
        return "action_request_human"

    async def run(self, dispatcher, tracker, domain):
        conf = settings()
        reset = [SlotSet(slot, None) for slot in CONTACT_SLOTS] + [SlotSet("requested_slot", None)]
        if tracker.get_slot("screening_status") == "in_progress":
            reset.append(SlotSet("screening_status", "paused"))
        if tracker.get_slot("contact_consent") == CANCELLED:
            dispatcher.utter_message(response="utter_handoff_cancelled")
            return reset
        if tracker.get_slot("contact_consent") != "yes":
            dispatcher.utter_message(text=f"OK, we won't contact you. You can reach a person any time at "
                                          f"{conf.helpline_phone}, or say \"talk to a person\" here. If you're in "
                                          f"crisis, call or text {conf.crisis_line}.")
            return reset
        method = tracker.get_slot("contact_method") or "chat"
        phone = tracker.get_slot("contact_phone")
        name = tracker.get_slot("contact_name")
        urgent = bool(tracker.get_slot("crisis_active"))
        reason = "end_of_screening" if tracker.get_slot("screening_status") == "completed" else "asked_for_person"
        handoff_id = store_call(
            "create_handoff", sender_id=tracker.sender_id, channel=tracker.get_latest_input_channel(),
            urgency="urgent" if urgent else "normal", reason=reason, consent=True,
            contact_preference=method, best_time=tracker.get_slot("contact_time"),
            first_name=None if name in (None, SKIPPED) else name,
            phone=_sms_phone(tracker) if phone in (None, SKIPPED) else phone,
        )
        if handoff_id is None:
            dispatcher.utter_message(text=f"I'm sorry, I couldn't pass this on just now. Please call us at "
                                          f"{conf.helpline_phone}. If you're in crisis, call or text "
                                          f"{conf.crisis_line}.")
            return reset
        notify_handoff(conf, handoff_id, "urgent" if urgent else "normal")
        dispatcher.utter_message(text=_next_steps(tracker, method))
        return reset


class ActionRelayStaffMessages(Action):
    """Deliver pending staff replies (called by the console through Rasa's /execute endpoint)."""

    def name(self) -> str:
        return "action_relay_staff_messages"

    async def run(self, dispatcher, tracker, domain):
        pending = store_call("pending_staff_messages", tracker.sender_id) or []
        for message in pending:
            dispatcher.utter_message(text=message.text, iopbot_from="staff", staff_message_id=message.id)
        if pending:
            store_call("mark_delivered", [m.id for m in pending])
        return []
