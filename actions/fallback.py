"""Low-confidence messages: rephrase once, then offer a person instead of looping."""

from __future__ import annotations

from rasa_sdk import Action

from actions.common import say

OFFER_PERSON_AFTER = 2  # messages in a row not understood before a person is offered


def consecutive_fallbacks(events: list[dict]) -> int:
    """How many of the latest user messages in a row were not understood (nlu_fallback)."""
    count = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != "nlu_fallback":
            break
        count += 1
    return count


class ActionHandleFallback(Action):
    def name(self) -> str:
        return "action_handle_fallback"

    async def run(self, dispatcher, tracker, domain):
        if consecutive_fallbacks(tracker.events) < OFFER_PERSON_AFTER:
            say(dispatcher, "utter_default")
            return []
        say(dispatcher, "utter_fallback_offer_person")
        return []
