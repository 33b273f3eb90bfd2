"""Intro: notice, consent, and who the screening is for."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import say, yes_no
from bot.conversation.parsing import parse_for_whom


class ValidateIntroForm(FormValidationAction):
    def name(self) -> str:
        return "validate_intro_form"

    def validate_consent_answer(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: dict) -> dict[str, Any]:
        consent = yes_no(tracker, str(value or ""))
        if consent is None:
            say(dispatcher, "utter_need_yes_or_no")
            return {"consent_answer": None}
        if not consent:
            # ends the form: finish_intro says goodbye kindly, nothing is stored
            return {"consent_answer": str(value), "consent_given": False, "screening_for": "declined"}
        return {"consent_answer": str(value), "consent_given": True}

    def validate_screening_for(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict) -> dict[str, Any]:
        who = parse_for_whom(str(value or ""))
        if who is None:
            say(dispatcher, "utter_not_caught")
            return {"screening_for": None}
        return {"screening_for": who}


class ActionAskConsentAnswer(Action):
    """The notice (not medical advice, not for emergencies, crisis numbers) comes before the first question."""

    def name(self) -> str:
        return "action_ask_consent_answer"

    async def run(self, dispatcher, tracker, domain):
        say(dispatcher, "utter_notice")
        say(dispatcher, "utter_consent_question")
        return []


class ActionFinishIntro(Action):
    """After intro_form: start the screening, or end kindly when consent was declined."""

    def name(self) -> str:
        return "action_finish_intro"

    async def run(self, dispatcher, tracker, domain):
        if not tracker.get_slot("consent_given"):
            say(dispatcher, "utter_consent_declined")
            return [SlotSet("consent_answer", None), SlotSet("screening_for", None),
                    SlotSet("consent_given", None)]
        say(dispatcher, "utter_intro_done_other" if tracker.get_slot("screening_for") == "other"
            else "utter_intro_done_self")
        return [SlotSet("screening_status", "in_progress"), SlotSet("screening_reasks", 0.0),
                SlotSet("screening_current", None)]
