"""Rasa server: trackers copied from their current state instead of rebuilt by replaying every event.

Rasa 3.6 replays the whole session into a new tracker each time it needs a copy: ``tracker.copy()`` before
every action it runs (``MessageProcessor._run_action``, twice per message on average), and a form's
``_temporary_tracker`` before its validation action and again before asking for the next slot (the events
since the last restart, then a ``requested_slot`` SlotSet, the form's ActionExecuted and the new events).
That work grows with the conversation (about 1,200 events late in a long one). The current tracker already
holds the state the replay rebuilds, so :func:`install` copies it: the events, the slots, the paused flag,
the active loop, the latest action and messages, and the follow-up action as the events set it (predicting
clears it without an event; the replay restores it, and so does this copy).

Rasa's replay still runs when a revert is among the events (a tracker updated event by event across a revert
can differ from its replay; our actions never revert), when the slots are not a plain dict of the tracker's
own slots, and for a form whose tracker's slots are not the domain's (another model). Equal to Rasa's results
on random histories (``tests/unit/nlu/test_tracker_copy.py``). Idempotent; only the Rasa server process calls it.
"""

from __future__ import annotations

import copy as copying
from collections import deque
from typing import Any

_INSTALLED = "_iopbot_tracker_copy"
_RASA_COPY = "_iopbot_rasa_copy"
_RASA_TEMPORARY = "_iopbot_rasa_temporary_tracker"


def _replay_needed(tracker: Any, events: Any) -> bool:
    from rasa.shared.core.events import ActionReverted, UserUtteranceReverted

    reverts = (ActionReverted, UserUtteranceReverted)
    return type(tracker.slots) is not dict or any(issubclass(kind, reverts) for kind in set(map(type, events)))


def _followup(events: Any) -> str | None:
    """``followup_action`` after replaying ``events`` into a new tracker."""
    from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
    from rasa.shared.core.events import ActionExecuted, FollowupAction, Restarted, SessionStarted, UserUttered

    for event in reversed(events):
        if isinstance(event, (ActionExecuted, UserUttered)):
            return None
        if isinstance(event, FollowupAction):
            return event.action_name
        if isinstance(event, Restarted):
            return ACTION_SESSION_START_NAME
        if isinstance(event, SessionStarted):
            return ACTION_LISTEN_NAME
    return ACTION_LISTEN_NAME


def _with_state(clone: Any, tracker: Any, events: Any) -> Any:
    """``clone`` (new, no events) given ``events`` and the state ``tracker`` reached with them."""
    clone.events = deque(events, maxlen=clone.events.maxlen)
    clone.slots = {name: copying.copy(slot) for name, slot in tracker.slots.items()}
    clone._paused = tracker._paused
    clone.followup_action = _followup(clone.events)
    clone.latest_action = copying.copy(tracker.latest_action)
    clone.latest_message = tracker.latest_message
    clone.latest_bot_utterance = tracker.latest_bot_utterance
    clone.active_loop = copying.copy(tracker.active_loop)
    return clone


def copy(self: Any) -> Any:
    """``DialogueStateTracker.copy`` with the same result, without replaying the events."""
    from rasa.shared.core.trackers import DialogueStateTracker

    if _replay_needed(self, self.events):
        return getattr(DialogueStateTracker, _RASA_COPY, DialogueStateTracker.copy)(self)
    return _with_state(self.init_copy(), self, self.events)


def _same_slots(tracker: Any, domain: Any) -> bool:
    slots = tracker.slots
    return len(slots) == len(domain.slots) and all(
        type(slots.get(slot.name)) is type(slot) and slots[slot.name].persistence_info() == slot.persistence_info()
        for slot in domain.slots)


def temporary_tracker(form: Any, current_tracker: Any, additional_events: list, domain: Any) -> Any:
    """``FormAction._temporary_tracker`` with the same result, without replaying the session."""
    from rasa.core.actions.forms import FormAction
    from rasa.shared.core.constants import REQUESTED_SLOT
    from rasa.shared.core.events import ActionExecuted, SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    events = current_tracker.events_after_latest_restart()
    if _replay_needed(current_tracker, events) or not _same_slots(current_tracker, domain):
        return getattr(FormAction, _RASA_TEMPORARY, FormAction._temporary_tracker)(
            form, current_tracker, additional_events, domain)
    tracker = _with_state(DialogueStateTracker(current_tracker.sender_id, None), current_tracker, events)
    for event in [SlotSet(REQUESTED_SLOT, form.get_slot_to_fill(current_tracker)), ActionExecuted(form.name()),
                  *additional_events]:
        tracker.update(event)
    return tracker


def install() -> None:
    """Use these copies in ``DialogueStateTracker`` and ``FormAction`` (this process)."""
    from rasa.core.actions.forms import FormAction
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.nlu.rasa_patch import patch_once

    patch_once(DialogueStateTracker, _INSTALLED, **{_RASA_COPY: DialogueStateTracker.copy, "copy": copy})
    patch_once(FormAction, _INSTALLED, **{_RASA_TEMPORARY: FormAction._temporary_tracker,
                                          "_temporary_tracker": temporary_tracker})
