"""Low-confidence messages: rephrase once, then offer a person instead of looping."""

from __future__ import annotations

from rasa_sdk import Action

from actions.common import say
from bot.conversation.history import consecutive_fallbacks

OFFER_PERSON_AFTER = 2  # messages in a row not understood before a person is offered


class ActionHandleFallback(Action):
    def name(self) -> str:
        return "action_handle_fallback"

    async def run(self, dispatcher, tracker, domain):
        if consecutive_fallbacks(tracker.events) < OFFER_PERSON_AFTER:
            say(dispatcher, "utter_default")
            return []
        say(dispatcher, "utter_fallback_offer_person")
        return []
