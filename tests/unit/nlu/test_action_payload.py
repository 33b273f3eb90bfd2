"""The action call with the bounded event list is Rasa's own request in every other key, and the actions read
the same answers from it as from the whole session."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.conversation.history import events_for_action
from bot.nlu import action_payload
from tests.unit.conversation.test_history import READERS, random_history

ORIGINAL = RemoteAction._action_call_format
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain.yml"))


def trackers(domain, count):
    rng = random.Random(3)
    for n in range(count):
        events = [Event.from_parameters(e) for e in random_history(rng, rng.randint(0, 120))]
        tracker = DialogueStateTracker.from_events(f"s{n}", events, domain.slots)
        tracker.update(Event.from_parameters({"event": "slot", "name": "language", "value": "es"}))
        yield tracker


@pytest.mark.parametrize("action_name", ["action_handle_fallback", "validate_handoff_form",
                                         "action_relay_staff_messages", "action_safety_outcome"])
def test_request_is_rasas_own_except_for_the_bounded_events(domain, action_name):
    action = RemoteAction(action_name, EndpointConfig("http://127.0.0.1:1/webhook"))
    for tracker in trackers(domain, 40):
        ours, rasas = action_payload._action_call_format(action, tracker, domain), ORIGINAL(action, tracker, domain)
        ours_events, rasas_events = ours["tracker"].pop("events"), rasas["tracker"].pop("events")
        assert ours == rasas  # slots, latest message, active loop, latest event time ..., domain, version
        assert ours_events == [e.as_dict() for e in events_for_action(tracker.events)]
        assert ours_events == events_for_action(rasas_events)  # objects and dicts select the same events
        for reader, (_, new) in READERS.items():
            assert new(ours_events) == new(rasas_events), reader


def test_install_replaces_the_method_once():
    try:
        action_payload.install()
        action_payload.install()
        assert RemoteAction._action_call_format is action_payload._action_call_format
    finally:
        RemoteAction._action_call_format = ORIGINAL
        delattr(RemoteAction, action_payload._INSTALLED)
