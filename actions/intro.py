"""Intro: notice, consent, and who the screening is for."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import AskAction, channel_of, settings, yes_no
from bot.conversation import texts
from bot.conversation.parsing import parse_for_whom


class ValidateIntroForm(FormValidationAction):
    def name(self) -> str:
        return "validate_intro_form"

    def validate_consent_answer(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: dict) -> dict[str, Any]:
        consent = yes_no(tracker, str(value or ""))
        if consent is None:
            dispatcher.utter_message(text="Sorry, I need a yes or a no to that.")
            return {"consent_answer": None}
        if not consent:
            # ends the form: finish_intro says goodbye kindly, nothing is stored
            return {"consent_answer": str(value), "consent_given": False, "screening_for": "declined"}
        return {"consent_answer": str(value), "consent_given": True}

    def validate_screening_for(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict) -> dict[str, Any]:
        who = parse_for_whom(str(value or ""))
        if who is None:
            dispatcher.utter_message(text="Sorry, I didn't catch that.")
            return {"screening_for": None}
        return {"screening_for": who}


class ActionAskConsentAnswer(AskAction):
    """The notice (not medical advice, not for emergencies, crisis numbers) comes before the first question."""

    slot = "consent_answer"
    buttons = [("Yes, go ahead", "Yes"), ("No thanks", "No")]

    def text(self, channel: str) -> str:
        return texts.consent_question(channel)

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=texts.notice(settings(), channel_of(tracker)))
        return await super().run(dispatcher, tracker, domain)


class ActionAskScreeningFor(AskAction):
    slot = "screening_for"
    buttons = [("For myself", "For myself"), ("For someone I care about", "For someone I care about")]

    def text(self, channel: str) -> str:
        return texts.for_whom_question(channel)


class ActionFinishIntro(Action):
    """After intro_form: start the screening, or end kindly when consent was declined."""

    def name(self) -> str:
        return "action_finish_intro"

    async def run(self, dispatcher, tracker, domain):
        if not tracker.get_slot("consent_given"):
            dispatcher.utter_message(text=texts.consent_declined(settings()))
            return [SlotSet("consent_answer", None), SlotSet("screening_for", None),
                    SlotSet("consent_given", None)]
        if tracker.get_slot("screening_for") == "other":
            dispatcher.utter_message(text="Thank you for looking out for them. I'll ask about them, and "
                                          "\"not sure\" is always an OK answer.")
        else:
            dispatcher.utter_message(text="Thank you. Answer in your own words - \"not sure\" is always OK, "
                                          "and you can ask me \"why?\" or say \"talk to a person\" any time.")
        return [SlotSet("screening_status", "in_progress"), SlotSet("screening_reasks", 0.0),
                SlotSet("screening_current", None)]
