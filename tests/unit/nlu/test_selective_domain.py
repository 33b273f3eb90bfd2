"""Rasa sends its domain only to the actions that read it: every form validator (rasa-sdk reads the form's
required slots from it) and nothing else, with the endpoints ``iopbot`` generates."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
import yaml
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config
from rasa_sdk import FormValidationAction

from bot.config import Settings
from bot.nlu import action_payload
from bot.services import write_endpoints

ROOT = Path(__file__).resolve().parents[3]


def _validators() -> set[str]:
    import actions

    found = set()
    for module in ("intro", "screening", "crisis", "handoff"):
        mod = __import__(f"{actions.__name__}.{module}", fromlist=["_"])
        for _, cls in inspect.getmembers(mod, inspect.isclass):
            if issubclass(cls, FormValidationAction) and cls is not FormValidationAction \
                    and cls.__module__ == mod.__name__:
                found.add(cls().name())
    return found


def test_exactly_the_form_validators_are_sent_the_domain():
    validators = _validators()
    assert validators == {f"validate_{form}" for form in ("intro_form", "screening_form", "safety_form",
                                                            "handoff_form")}
    declared = {name for entry in yaml.safe_load((ROOT / "domain.yml").read_text())["actions"]
                if isinstance(entry, dict) for name, config in entry.items() if config.get("send_domain")}
    assert declared == validators


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    folder = tmp_path_factory.mktemp("endpoints")
    path = write_endpoints(Settings(data_dir=folder), folder / "endpoints.yml", with_tracker_store=False)
    return read_endpoint_config(str(path), "action_endpoint")


@pytest.mark.parametrize(("action_name", "gets_domain"), [
    ("validate_screening_form", True), ("validate_handoff_form", True),
    ("action_ask_screen_answer", False), ("action_handle_fallback", False), ("action_session_start", False),
])
def test_the_request_carries_the_domain_only_for_a_validator(endpoint, action_name, gets_domain):
    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker = DialogueStateTracker.from_events("selective-1", [], domain.slots)
    request = action_payload._action_call_format(RemoteAction(action_name, endpoint), tracker, domain)
    assert ("domain" in request) is gets_domain
    if gets_domain:
        assert request["domain"]["forms"]["screening_form"]["required_slots"]
