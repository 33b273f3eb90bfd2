"""Rasa server: send the action server a bounded part of the session, not every event of it.

Rasa 3.6 puts the whole session into every custom action call (``RemoteAction._action_call_format``:
``tracker.current_state(EventVerbosity.ALL)``): about 1,250 events and several hundred kB after 80 messages,
serialised by Rasa and parsed by rasa-sdk on every call, twice per message on average; the main reason a
late message cost more than an early one (``bench/PROFILE.md``).

:func:`install` replaces that method with one that builds the same request, Rasa's tracker state with every
key as before (all slots, latest message, active loop, followup action, paused, latest event time of the
whole session), except that ``events`` holds :func:`bot.conversation.history.events_for_action`: the last two
user turns whole, and before them only the events our actions' backward scans read (the last staff notice,
the last crisis-check message, the current run of fallbacks and of "didn't catch that" replies). The domain is
sent exactly as Rasa decides. Idempotent; only the Rasa server process calls it (``bot/serve.py``).
"""

from __future__ import annotations

from typing import Any

_INSTALLED = "_iopbot_bounded_events"


def _action_call_format(self: Any, tracker: Any, domain: Any) -> dict[str, Any]:
    """``RemoteAction._action_call_format`` (Rasa 3.6) with the bounded event list."""
    import rasa
    from rasa.shared.core.trackers import EventVerbosity

    from bot.conversation.history import events_for_action

    tracker_state = tracker.current_state(EventVerbosity.NONE)
    tracker_state["events"] = [event.as_dict() for event in events_for_action(tracker.events)]
    result = {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": tracker_state,
        "version": rasa.__version__,
    }
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        result["domain"] = domain.as_dict()
    return result


def install() -> None:
    """Send bounded event lists from ``RemoteAction`` (this process)."""
    from rasa.core.actions.action import RemoteAction

    from bot.nlu.rasa_patch import patch_once

    patch_once(RemoteAction, _INSTALLED, _action_call_format=_action_call_format)
