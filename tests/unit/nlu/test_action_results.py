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
