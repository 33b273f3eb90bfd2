"""A form skips its ask action for the slot its validation action has just asked for, and only then."""

from __future__ import annotations

import pytest
from rasa.core.actions.forms import FormAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu import form_ask

DOMAIN = Domain.from_dict({
    "slots": {"screen_answer": {"type": "any", "mappings": [{"type": "from_text"}]},
              "other_answer": {"type": "any", "mappings": [{"type": "from_text"}]},
              "form_asked": {"type": "text", "influence_conversation": False, "mappings": [{"type": "custom"}]}},
    "forms": {"screening_form": {"required_slots": ["screen_answer"]}},
    "actions": ["action_ask_screen_answer", "validate_screening_form"],
})
ORIGINAL = {name: FormAction.__dict__[name] for name in ("request_next_slot", "_ask_for_slot")}


@pytest.fixture()
def asks(monkeypatch):
    """Install the patch with Rasa's ask replaced by a recorder (no action server here)."""
    calls = []

    async def rasa_ask(_form, _domain, _nlg, _output, slot_name, _tracker):
        calls.append(slot_name)
        return [BotUttered(f"what about {slot_name}?")]

    form_ask.install()
    monkeypatch.setattr(FormAction, form_ask._RASA_ASK, rasa_ask)
    yield calls
    for name, value in ORIGINAL.items():
        setattr(FormAction, name, value)
    for name in (form_ask._INSTALLED, form_ask._RASA_ASK, form_ask._RASA_REQUEST):
        if name in FormAction.__dict__:
            delattr(FormAction, name)


def _form_turn():
    tracker = DialogueStateTracker.from_events("someone", [ActiveLoop("screening_form")], slots=DOMAIN.slots)
    return FormAction("screening_form", None), tracker


async def test_no_ask_action_after_the_validator_asked(asks):
    form, tracker = _form_turn()
    events = await form.request_next_slot(tracker, DOMAIN, None, None, [SlotSet("screening_current", "use"),
                                                                        SlotSet("form_asked", "screen_answer")])
    assert asks == []
    assert events == [SlotSet("requested_slot", "screen_answer")]


@pytest.mark.parametrize("this_turn", [[], [SlotSet("screening_current", "use")],
                                       [SlotSet("form_asked", "other_answer")], [SlotSet("form_asked", None)]])
async def test_otherwise_rasa_asks_as_before(asks, this_turn):
    form, tracker = _form_turn()
    tracker.update(SlotSet("form_asked", "screen_answer"))  # an earlier turn's says nothing about this one
    events = await form.request_next_slot(tracker, DOMAIN, None, None, this_turn)
    assert asks == ["screen_answer"]
    assert events == [SlotSet("requested_slot", "screen_answer"), BotUttered("what about screen_answer?")]


async def test_a_filled_form_asks_nothing_either_way(asks):
    form, tracker = _form_turn()
    events = await form.request_next_slot(tracker, DOMAIN, None, None, [SlotSet("screen_answer", "done")])
    assert asks == [] and events == [SlotSet("requested_slot", None)]


def test_install_once_keeps_rasas_methods():
    try:
        form_ask.install()
        form_ask.install()
        assert FormAction.__dict__["_ask_for_slot"] is form_ask._ask_for_slot
        assert FormAction.__dict__[form_ask._RASA_ASK] is ORIGINAL["_ask_for_slot"]
        assert FormAction.__dict__[form_ask._RASA_REQUEST] is ORIGINAL["request_next_slot"]
    finally:
        for name, value in ORIGINAL.items():
            setattr(FormAction, name, value)
        for name in (form_ask._INSTALLED, form_ask._RASA_ASK, form_ask._RASA_REQUEST):
            if name in FormAction.__dict__:
                delattr(FormAction, name)
