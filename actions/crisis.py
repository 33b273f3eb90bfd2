"""Crisis: help at once (988 / 911 / Poison Control / a person), an urgent handoff, screening paused."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of, settings, store_call
from bot.notify import notify_handoff

log = logging.getLogger(__name__)


def _category(text: str) -> str:
    try:
        from bot.safety import detect_crisis

        signal = detect_crisis(text)
        return signal.category if signal else "suicide"
    except Exception:  # noqa: BLE001 - never let detection trouble block the crisis answer
        log.exception("crisis detector failed")
        return "suicide"


def respond_to_crisis(dispatcher: CollectingDispatcher, tracker: Tracker, category: str | None,
                      trigger: str) -> None:
    """Send the crisis texts first, then record an urgent handoff (storage failure must not block help)."""
    from bot.safety.texts import crisis_message

    category = category or _category(trigger)
    for line in crisis_message(category, channel=channel_of(tracker), settings=settings()):
        dispatcher.utter_message(text=line)
    handoff_id = store_call("create_handoff", sender_id=tracker.sender_id,
                            channel=tracker.get_latest_input_channel(), urgency="urgent", reason="crisis",
                            trigger_message=trigger)
    if handoff_id is not None:
        notify_handoff(settings(), handoff_id, "urgent")


class ActionHandleCrisis(Action):
    def name(self) -> str:
        return "action_handle_crisis"

    async def run(self, dispatcher, tracker, domain):
        text = tracker.latest_message.get("text") or ""
        respond_to_crisis(dispatcher, tracker, category=None, trigger=text)
        events = [SlotSet("requested_slot", None), SlotSet("crisis_active", True)]
        if tracker.get_slot("screening_status") == "in_progress":
            events.append(SlotSet("screening_status", "paused"))
        return events
