"""Replacing methods of a Rasa class in the Rasa server process, once (``bot/serve.py`` installs our patches)."""

from __future__ import annotations

from typing import Any


def patch_once(cls: type, marker: str, **attributes: Any) -> None:
    """Set ``attributes`` on ``cls`` unless ``marker`` says this process already did."""
    if getattr(cls, marker, False):
        return
    for name, value in attributes.items():
        setattr(cls, name, value)
    setattr(cls, marker, True)


def install_all(*, bounded_action_requests: bool = True) -> None:
    """Every patch the Rasa server runs with (``bot/serve.py``; ``bench/message_profile.py`` can leave out the
    bounded action requests to measure Rasa's whole-session ones). Each makes Rasa's per-message work cheaper
    with the same results (bench/PROFILE.md)."""
    from bot.nlu import action_payload, action_results, applied_events, form_ask, tracker_copy

    action_results.install()
    applied_events.install()
    if bounded_action_requests:
        action_payload.install()  # action calls carry the events our actions read, not the whole session
    tracker_copy.install()  # trackers copied before each action and form step, not replayed from every event
    form_ask.install()  # no ask action for a slot the form's validation action has just asked for
