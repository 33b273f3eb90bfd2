"""Low-confidence messages: rephrase once, then offer a person instead of looping."""

from __future__ import annotations

from rasa_sdk import Action

from actions.common import channel_of, settings


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
        if consecutive_fallbacks(tracker.events) < 2:
            dispatcher.utter_message(response="utter_default")
            return []
        text = ("I'm sorry, I'm not understanding well. Would you like me to connect you with a person from our "
                "team?")
        if channel_of(tracker) == "sms":
            dispatcher.utter_message(text=f"{text} Reply PERSON for that, or say it another way. In crisis, call or "
                                          f"text {settings().crisis_line}.")
        else:
            buttons = [{"title": "Yes, a person please", "payload": "talk to a person"},
                       {"title": "No, keep going", "payload": "continue"}]
            dispatcher.utter_message(text=text, buttons=buttons)
        return []
