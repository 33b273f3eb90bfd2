"""Crisis: help at once (988 / 911 / Poison Control / a person), an urgent handoff, screening paused; and the
one direct safety question when a message may or may not mean danger."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of, settings
from bot.notify import notify_handoff
from bot.store.gateway import store
from bot.text.canonical import valid_text

log = logging.getLogger(__name__)


def crisis_details(tracker: Tracker) -> dict[str, Any]:
    """What NLU found about the crisis in the latest message: category, source, language."""
    return dict(tracker.latest_message.get("crisis") or {})


def message_language(tracker: Tracker, text: str = "") -> str:
    from bot.text.canonical import canonical
    from bot.text.language import guess_language

    return crisis_details(tracker).get("language") or guess_language(canonical(text), default="en") or "en"


def respond_to_crisis(dispatcher: CollectingDispatcher, tracker: Tracker, category: str | None,
                      trigger: str, lang: str | None = None) -> None:
    """Send the crisis texts first, then record an urgent handoff (storage failure must not block help)."""
    from bot.safety.texts import crisis_message

    lang = lang or message_language(tracker, trigger)
    for line in crisis_message(category, channel=channel_of(tracker), settings=settings(), lang=lang):
        dispatcher.utter_message(text=line)
    with store() as s:
        handoff_id = s.create_handoff(sender_id=tracker.sender_id, channel=tracker.get_latest_input_channel(),
                                      urgency="urgent", reason="crisis", trigger_message=valid_text(trigger),
                                      language=tracker.get_slot("language") or lang)
    if handoff_id is not None:
        notify_handoff(settings(), handoff_id, "urgent")


class ActionHandleCrisis(Action):
    def name(self) -> str:
        return "action_handle_crisis"

    async def run(self, dispatcher, tracker, domain):
        text = tracker.latest_message.get("text") or ""
        respond_to_crisis(dispatcher, tracker, category=crisis_details(tracker).get("category"), trigger=text)
        events = [SlotSet("requested_slot", None), SlotSet("crisis_active", True)]
        if tracker.get_slot("screening_status") == "in_progress":
            events.append(SlotSet("screening_status", "paused"))
        return events


def _check_trigger(tracker: Tracker) -> tuple[str, dict[str, Any]]:
    """The message that made us ask the safety question, and what NLU found in it."""
    from bot.conversation.history import crisis_check_message, parse_data_of, text_of

    event = crisis_check_message(tracker.events)
    if event is not None:
        return text_of(event) or "", dict(parse_data_of(event).get("crisis") or {})
    return tracker.latest_message.get("text") or "", crisis_details(tracker)


class ActionAskSafetyAnswer(Action):
    """"Are you having thoughts of ending your life, or is anyone in danger, right now?" (C-SSRS style)."""

    def name(self) -> str:
        return "action_ask_safety_answer"

    async def run(self, dispatcher, tracker, domain):
        from bot.safety.texts import safety_buttons, safety_question

        text, details = _check_trigger(tracker)
        lang = details.get("language") or message_language(tracker, text)
        question = safety_question(settings(), lang=lang)
        if channel_of(tracker) == "sms":
            dispatcher.utter_message(text=question)
        else:
            titles = safety_buttons(lang)
            dispatcher.utter_message(text=question, buttons=[{"title": titles["yes"], "payload": "/affirm"},
                                                             {"title": titles["no"], "payload": "/deny"}])
        return [SlotSet("safety_language", lang)]


class ValidateSafetyForm(FormValidationAction):
    """Yes, no, or not clear (asked once more; a second unclear reply counts as yes: safety first)."""

    def name(self) -> str:
        return "validate_safety_form"

    async def validate_safety_answer(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: dict) -> dict[str, Any]:
        from bot.screening.parsers import parse_yes_no

        intent = (tracker.latest_message.get("intent") or {}).get("name")
        typed = str(value or "")
        parsed = parse_yes_no(typed)
        if intent in ("affirm", "deny") and typed.startswith("/"):
            answer = "yes" if intent == "affirm" else "no"
        elif parsed.ok and parsed.value in ("yes", "no") and parsed.strong:
            answer = parsed.value
        elif intent in ("affirm", "deny"):
            answer = "yes" if intent == "affirm" else "no"
        elif tracker.get_slot("safety_reasks"):
            answer = "unclear"
        else:
            return {"safety_answer": None, "safety_reasks": 1.0}
        return {"safety_answer": answer, "safety_reasks": 0.0}


class ActionSafetyOutcome(Action):
    """After the safety question: help at once on yes (or twice unclear); on no, thanks and back to where we were."""

    def name(self) -> str:
        return "action_safety_outcome"

    async def run(self, dispatcher, tracker, domain):
        from bot.safety.texts import safety_no

        answer = tracker.get_slot("safety_answer")
        lang = tracker.get_slot("safety_language") or "en"
        events: list = [SlotSet("safety_answer", None), SlotSet("safety_reasks", 0.0)]
        if answer in ("yes", "unclear"):
            text, details = _check_trigger(tracker)
            respond_to_crisis(dispatcher, tracker, category=details.get("category"), trigger=text, lang=lang)
            events += [SlotSet("crisis_active", True)]
            if tracker.get_slot("screening_status") == "in_progress":
                events.append(SlotSet("screening_status", "paused"))
            return events
        dispatcher.utter_message(text=safety_no(settings(), lang=lang))
        if tracker.get_slot("screening_status") == "in_progress":
            events.append(FollowupAction("screening_form"))
        return events
