"""Rasa server: a tracker's applied events computed once per new event, not from scratch on every call.

``DialogueStateTracker.applied_events()`` (the events minus reverted ones and minus the repeated turns of an
active form) is recomputed from the first event of the session on every call: about seven times per message
(session check, each policy's featurization, serialisation), and each pass copies the whole list again for
every turn of an active form (``_undo_till_previous_loop_execution``). With the screening form open for a
long conversation that made a message at turn 80 several times slower than one at turn 5
(``bench/PROFILE.md``).

:func:`install` keeps Rasa's own rules and changes only the bookkeeping: the result is remembered on the
tracker with the events it was computed from, and a later call folds in only the events appended since
(exactly Rasa's loop, continued), unless anything else changed: a different ``events`` deque, another first
or last-seen event, fewer events, or a form name the earlier pass did not know (Rasa decides with the names
of *all* forms in the tracker), in which case it computes from scratch. The two "undo" helpers delete from
the end in place instead of iterating over a copy of the whole list. Callers get a new list, as before.
Idempotent; only the Rasa server process calls it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_INSTALLED = "_iopbot_applied_events"
_CACHE = "_iopbot_applied"


@dataclass
class _Memo:
    events: Any  # the deque the result was computed from
    count: int
    first: Any
    last: Any
    loop_names: frozenset[str]
    applied: list


def _loop_names(events) -> set[str]:
    from rasa.shared.core.events import ActiveLoop

    return {event.name for event in events if isinstance(event, ActiveLoop) and event.name}


def _fold(tracker: Any, events, loop_names, applied: list) -> list:
    """Rasa 3.6's ``applied_events`` loop over ``events``, continuing from ``applied``."""
    from rasa.shared.core.events import (
        ActionExecuted,
        ActionReverted,
        Restarted,
        SessionStarted,
        UserUtteranceReverted,
        UserUttered,
    )

    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied = []
        elif isinstance(event, ActionReverted):
            _undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            _undo_till_previous(UserUttered, applied)
            _undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            _undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    return applied


def applied_events(self: Any) -> list:
    """Same result as Rasa's ``DialogueStateTracker.applied_events``."""
    events = self.events
    count = len(events)
    memo: _Memo | None = self.__dict__.get(_CACHE)
    if (memo is not None and memo.events is events and 0 < memo.count <= count
            and events[0] is memo.first and events[memo.count - 1] is memo.last):
        new = [events[i] for i in range(memo.count, count)] if count > memo.count else []
        if _loop_names(new) <= memo.loop_names:
            applied = _fold(self, new, memo.loop_names, list(memo.applied))
            self.__dict__[_CACHE] = _Memo(events, count, events[0], events[-1], memo.loop_names, applied)
            return list(applied)
    loop_names = frozenset(_loop_names(events))
    applied = _fold(self, events, loop_names, [])
    self.__dict__[_CACHE] = _Memo(events, count, events[0], events[-1], loop_names, applied) if count else None
    return list(applied)


def _undo_till_previous(event_type: type, done_events: list) -> None:
    """Rasa's helper: remove events from the end up to and including the last ``event_type``."""
    while done_events:
        if isinstance(done_events.pop(), event_type):
            break


def _undo_till_previous_loop_execution(loop_action_name: str, done_events: list) -> None:
    """Rasa's helper: back to the loop's previous execution, remove the featurized events after it."""
    from rasa.shared.core.events import ActionExecuted, DefinePrevUserUtteredFeaturization, UserUttered

    for index in range(len(done_events) - 1, -1, -1):
        event = done_events[index]
        if isinstance(event, ActionExecuted) and event.action_name == loop_action_name:
            break
        if isinstance(event, (ActionExecuted, UserUttered, DefinePrevUserUtteredFeaturization)):
            del done_events[index]


def install() -> None:
    """Use the remembered, incremental version in ``DialogueStateTracker`` (this process)."""
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.nlu.rasa_patch import patch_once

    patch_once(DialogueStateTracker, _INSTALLED, applied_events=applied_events,
               _undo_till_previous=staticmethod(_undo_till_previous),
               _undo_till_previous_loop_execution=staticmethod(_undo_till_previous_loop_execution))
