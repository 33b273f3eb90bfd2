"""Handing the conversation to a person, and relaying staff replies during a live takeover."""

from __future__ import annotations

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from actions.common import channel_of, settings, store_call
from bot.conversation.hours import is_staffed, reply_time_phrase


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(self, dispatcher, tracker, domain):
        conf = settings()
        urgent = bool(tracker.get_slot("crisis_active"))
        reason = "end_of_screening" if tracker.get_slot("screening_status") == "completed" else "asked_for_person"
        store_call("create_handoff", sender_id=tracker.sender_id, channel=tracker.get_latest_input_channel(),
                   urgency="urgent" if urgent else "normal", reason=reason,
                   trigger_message=tracker.latest_message.get("text") or "")
        if is_staffed(conf.staffed_hours):
            text = ("I've let our team know. A person will pick up this conversation here shortly. You can also "
                    f"call us at {conf.helpline_phone}.")
        else:
            text = (f"I've let our team know. Our team is away right now; someone will reply "
                    f"{reply_time_phrase(conf.staffed_hours)}. If you need to talk to someone now, call or text "
                    f"{conf.crisis_line} any time, or call {conf.emergency_number} in an emergency.")
        if channel_of(tracker) == "sms":
            text = text.replace("pick up this conversation here", "text you back on this number")
        dispatcher.utter_message(text=text)
        events = [SlotSet("requested_slot", None)]
        if tracker.get_slot("screening_status") == "in_progress":
            events.append(SlotSet("screening_status", "paused"))
        return events


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
