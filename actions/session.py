"""Session start: carry earlier answers over (they were given with consent) and offer to resume."""

from __future__ import annotations

from rasa_sdk import Action
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet

_KEEP = ("consent_given", "screening_for", "screening_answers", "screening_status", "screening_result",
         "screening_current")


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher, tracker, domain):
        events = [SessionStarted()]
        if tracker.get_slot("language"):  # the person's language carries over, with or without consent
            events.append(SlotSet("language", tracker.get_slot("language")))
        if tracker.get_slot("consent_given"):
            events += [SlotSet(name, tracker.get_slot(name)) for name in _KEEP
                       if tracker.get_slot(name) is not None]
            if tracker.get_slot("screening_status") == "in_progress":
                events.append(SlotSet("screening_status", "paused"))
        events.append(ActionExecuted("action_listen"))
        return events
