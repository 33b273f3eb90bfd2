"""The cached check of action server replies accepts and rejects exactly what Rasa's own check does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.nlu import action_results

ORIGINAL = RemoteAction._validate_action_result

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "screening_current", "value": "phq_mood", "timestamp": None}],
     "responses": [{"text": "Over the last 2 weeks…", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]},
    {"events": [{"event": "followup", "name": "action_listen"}, {"event": "active_loop", "name": None}]},
    {},
]
INVALID = [
    {"events": [{"event": "slot"}]},  # a slot event without its name
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": [42]},
    [],
]


@pytest.fixture()
def remote_action():
    return RemoteAction("action_finish_intro", None)


def test_install_replaces_the_check_once_and_keeps_the_class_usable():
    try:
        action_results.install()
        action_results.install()
        assert RemoteAction._validate_action_result is action_results._validate_action_result
    finally:
        RemoteAction._validate_action_result = ORIGINAL
        delattr(RemoteAction, action_results._INSTALLED)


@pytest.mark.parametrize("reply", VALID)
def test_valid_replies_pass_both_checks(remote_action, reply):
    assert ORIGINAL(remote_action, reply) is True
    assert action_results._validate_action_result(remote_action, reply) is True


@pytest.mark.parametrize("reply", INVALID)
def test_invalid_replies_fail_with_rasas_error(remote_action, reply):
    with pytest.raises(ValidationError) as rasa_error:
        ORIGINAL(remote_action, reply)
    with pytest.raises(ValidationError) as our_error:
        action_results._validate_action_result(remote_action, reply)
    assert our_error.value.message == rasa_error.value.message
    assert list(our_error.value.path) == list(rasa_error.value.path)
    assert "Failed to validate Action server response" in our_error.value.message


def _random_event(rng):
    """An event as an action server could send it: usually well formed, sometimes broken in one place."""
    import copy

    event = copy.deepcopy(rng.choice([
        {"event": "slot", "name": "screening_current", "value": "phq_mood", "timestamp": None},
        {"event": "slot", "name": "screening_answers", "value": {"use": 3}},
        {"event": "followup", "name": "action_listen"},
        {"event": "active_loop", "name": None},
        {"event": "bot", "text": "hello", "data": {"buttons": []}, "metadata": {}},
        {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet", "confidence": 0.9}}},
        {"event": "action", "name": "utter_greet", "policy": None, "confidence": 1.0},
        {"event": "reset_slots"}, {"event": "restart"}, {"event": "pause"}, {"event": "undo"},
        {"event": "action_execution_rejected", "name": "screening_form"},
        {"event": "loop_interrupted", "is_interrupted": True},
        {"event": "entities", "entities": [{"entity": "substance", "value": "alcohol", "start": 0, "end": 7}]},
        {"event": "session_started", "metadata": None},
    ]))
    if rng.random() < 0.35:
        broken = rng.choice([
            lambda e: e.pop("event"),
            lambda e: e.update(event=rng.choice(["no_such_event", 7, None, ["slot"]])),
            lambda e: e.update(timestamp=rng.choice(["yesterday", [], {}])),
            lambda e: e.update(metadata=rng.choice(["x", [1], 3])),
            lambda e: e.pop("name", None),
            lambda e: e.update(name=rng.choice([3, [], {"a": 1}])),
            lambda e: e.update(text=rng.choice([5, []])),
            lambda e: e.update(entities=rng.choice(["alcohol", [{"entity": 1}], [{"value": "x"}]])),
            lambda e: e.update(parse_data=rng.choice(["hi", {"intent": "greet"}, {"intent_ranking": [3]}])),
            lambda e: e.update(is_interrupted="yes"),
        ])
        broken(event)
    return event if rng.random() > 0.02 else rng.choice(["slot", 3, None, []])


@pytest.mark.parametrize("seed", range(400))
def test_random_replies_get_rasas_verdict(remote_action, seed):
    import random

    rng = random.Random(seed)
    reply = {"events": [_random_event(rng) for _ in range(rng.randint(0, 6))],
             "responses": [{"text": "ok"} for _ in range(rng.randint(0, 2))]}
    if rng.random() < 0.05:
        reply[rng.choice(["events", "responses"])] = rng.choice([None, "x", {"event": "slot"}, [3]])
    try:
        ORIGINAL(remote_action, reply)
        rasa = None
    except ValidationError as error:
        rasa = error
    assert action_results._valid(reply) is (rasa is None)
    if rasa is None:
        assert action_results._validate_action_result(remote_action, reply) is True
    else:
        with pytest.raises(ValidationError) as ours:
            action_results._validate_action_result(remote_action, reply)
        assert ours.value.message == rasa.message
