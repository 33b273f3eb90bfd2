"""Fixtures for action tests: the real domain, trackers built like Rasa sends them, a temporary database."""

from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain():
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "domain.yml")).as_dict()


@pytest.fixture
def dispatcher():
    return CollectingDispatcher()


@pytest.fixture(autouse=True)
def temp_database(tmp_path, monkeypatch):
    """Actions store screenings/handoffs: point them at a fresh SQLite file."""
    from bot import config
    from bot.store import db

    monkeypatch.setenv("IOPBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("IOPBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'actions.db'}")
    config.get_settings.cache_clear()
    db.migrate(f"sqlite:///{tmp_path / 'actions.db'}")
    yield tmp_path
    config.get_settings.cache_clear()


def make_tracker(text="", intent="inform", slots=None, channel="rest", active_loop=None, new_slots=None,
                 sender_id="t-1", entities=None):
    """A tracker whose last user message is ``text``; ``new_slots`` are SlotSet events after it."""
    events = [{"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}},
               "input_channel": channel}]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (new_slots or {}).items()]
    return Tracker(
        sender_id=sender_id,
        slots={**(slots or {}), **(new_slots or {})},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def texts(dispatcher, language="en", channel="rest"):
    """What the person reads: plain texts, and domain responses rendered the way Rasa renders them (the variant
    for ``language`` and ``channel``, placeholders filled from the action's values)."""
    return "\n".join(m.get("text") or "" for m in rendered(dispatcher, language, channel))


def rendered(dispatcher, language="en", channel="rest"):
    """The dispatcher's messages as the person gets them (dicts with text and buttons)."""
    from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator

    nlg = TemplatedNaturalLanguageGenerator(_domain_responses())
    out = []
    for message in dispatcher.messages:
        if message.get("response"):
            values = {k: v for k, v in message.items() if k not in ("response", "text", "buttons", "elements",
                                                                    "custom", "template", "image", "attachment")}
            response = nlg.generate_from_slots(message["response"], {"language": language}, channel, **values)
            assert response is not None, f"no variant of {message['response']} for {language}/{channel}"
            out.append(response)
        else:
            out.append(message)
    return out


def _domain_responses():
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "domain.yml")).responses


def responses(dispatcher):
    """The domain responses the dispatcher was asked to send, in order."""
    return [m.get("response") for m in dispatcher.messages if m.get("response")]
