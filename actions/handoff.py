"""Handing the conversation to a person (how to reach them, with consent) and relaying staff replies."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of, language_of, say, settings, yes_no
from bot.conversation.contact import is_skip, parse_contact_method, parse_first_name, parse_phone
from bot.conversation.history import contact_misses_in_a_row
from bot.conversation.hours import is_staffed, reply_time_phrase
from bot.notify import notify_handoff
from bot.store.gateway import store

CONTACT_SLOTS = ["contact_method", "contact_phone", "contact_time", "contact_name", "contact_consent"]
SKIPPED = "-"
CANCELLED = "cancelled"  # contact_consent when the person stopped giving contact details
MAX_CONTACT_MISSES = 2  # unreadable answers to 'how should we reach you' before the chat simply stays open


def _sms_phone(tracker: Tracker) -> str | None:
    return parse_phone(tracker.sender_id) if channel_of(tracker) == "sms" else None


def _misses_in_a_row(tracker: Tracker) -> int:
    """How many times in a row the bot just said it did not catch the answer to the question it asks again."""
    return contact_misses_in_a_row(tracker.events)


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
        text = str(value or "")
        method = parse_contact_method(text)
        phone = parse_phone(text) if method is None else None
        if phone:
            return {"contact_method": "call", "contact_phone": phone}  # "555 010 4242": call me there
        if method is None and _misses_in_a_row(tracker) >= MAX_CONTACT_MISSES:
            say(dispatcher, "utter_contact_here")  # never ask the same thing a fourth time: stay in this chat
            return {"contact_method": "chat"}
        if method is None:
            say(dispatcher, "utter_not_caught")
            return {"contact_method": None}
        if method == "text" and channel_of(tracker) == "sms":
            method = "chat"  # on SMS, "this chat" already is a text conversation
        return {"contact_method": method}

    def validate_contact_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict) -> dict[str, Any]:
        text = str(value or "")
        if is_skip(text):
            say(dispatcher, "utter_phone_skipped")
            return {"contact_phone": SKIPPED, "contact_method": "chat"}
        phone = parse_phone(text)
        if phone is None:
            say(dispatcher, "utter_phone_invalid")
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
            say(dispatcher, "utter_need_yes_or_no")
            return {"contact_consent": None}
        return {"contact_consent": "yes" if answer else "no"}


# What happens now, by (staffed now?, contact method); spelled out so the data check sees each response used.
NEXT_STEPS = {
    (True, "chat"): "utter_handoff_staffed_chat", (False, "chat"): "utter_handoff_away_chat",
    (True, "text"): "utter_handoff_staffed_text", (False, "text"): "utter_handoff_away_text",
    (True, "call"): "utter_handoff_staffed_call", (False, "call"): "utter_handoff_away_call",
}


def _say_next_steps(dispatcher, tracker: Tracker, method: str) -> None:
    """What happens now: a person will reply / text / call, shortly or at the next staffed time."""
    conf = settings()
    staffed = is_staffed(conf.staffed_hours)
    response = NEXT_STEPS.get((staffed, method), NEXT_STEPS[(staffed, "chat")])
    if staffed:
        say(dispatcher, response)
    else:
        say(dispatcher, response, when=reply_time_phrase(conf.staffed_hours, lang=language_of(tracker)))


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
            say(dispatcher, "utter_handoff_cancelled")
            return reset
        if tracker.get_slot("contact_consent") != "yes":
            say(dispatcher, "utter_no_contact")
            return reset
        method = tracker.get_slot("contact_method") or "chat"
        phone = tracker.get_slot("contact_phone")
        name = tracker.get_slot("contact_name")
        urgent = bool(tracker.get_slot("crisis_active"))
        reason = "end_of_screening" if tracker.get_slot("screening_status") == "completed" else "asked_for_person"
        with store() as s:
            handoff_id = s.create_handoff(
                sender_id=tracker.sender_id, channel=tracker.get_latest_input_channel(),
                urgency="urgent" if urgent else "normal", reason=reason, consent=True,
                contact_preference=method, best_time=tracker.get_slot("contact_time"),
                first_name=None if name in (None, SKIPPED) else name,
                phone=_sms_phone(tracker) if phone in (None, SKIPPED) else phone,
            )
        if handoff_id is None:
            say(dispatcher, "utter_handoff_failed")
            return reset
        notify_handoff(conf, handoff_id, "urgent" if urgent else "normal")
        _say_next_steps(dispatcher, tracker, method)
        return reset


class ActionRelayStaffMessages(Action):
    """Deliver pending staff replies (called by the console through Rasa's /execute endpoint), each labelled
    with its author; "<name> from the intake team has joined" before the first one of a takeover."""

    def name(self) -> str:
        return "action_relay_staff_messages"

    async def run(self, dispatcher, tracker, domain):
        from bot.conversation.live_chat import announced_staff, first_name, live_text, notice

        with store() as s:
            pending = s.pending_staff_messages(tracker.sender_id) or []
        lang = language_of(tracker)
        present = announced_staff(tracker.events)
        for message in pending:
            name = first_name(message.author)
            if present is None or (name and present != name):  # say who joined before their first message
                dispatcher.utter_message(**notice(lang, "joined", name))
                present = name or ""
            dispatcher.utter_message(text=message.text, iopbot_from="staff", staff_message_id=message.id,
                                     staff_label=live_text(lang, "staff_label", name))
        if pending:
            with store() as s:
                s.mark_delivered([m.id for m in pending])
        return []
