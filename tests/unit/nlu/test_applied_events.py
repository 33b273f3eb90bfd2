"""The remembered applied events are exactly Rasa's, however the events arrive."""

from __future__ import annotations

import random

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu import applied_events as patch

ORIGINAL = {name: DialogueStateTracker.__dict__[name] for name in
            ("applied_events", "_undo_till_previous", "_undo_till_previous_loop_execution")}
FORMS = ["screening_form", "intro_form", "handoff_form"]


def random_event(rng: random.Random):
    """Events of a form-heavy conversation, with the rarer reverts, restarts and rejections mixed in."""
    form = rng.choice(FORMS)
    return rng.choices([
        lambda: ActionExecuted("action_listen"),
        lambda: UserUttered("hi", {"name": "greet"}),
        lambda: ActionExecuted(form),
        lambda: ActiveLoop(form),
        lambda: ActiveLoop(None),
        lambda: SlotSet("screening_current", "phq_mood"),
        lambda: BotUttered("ok"),
        lambda: ActionExecuted("utter_faq"),
        lambda: DefinePrevUserUtteredFeaturization(False),
        lambda: ActionExecutionRejected(form),
        ActionReverted,
        UserUtteranceReverted,
        Restarted,
        SessionStarted,
    ], weights=[14, 14, 14, 3, 2, 12, 12, 4, 3, 1, 1, 1, 0.3, 0.3])[0]()


def rasa_applied(tracker: DialogueStateTracker) -> list:
    return ORIGINAL["applied_events"](tracker)


@pytest.fixture()
def installed():
    patch.install()
    yield
    for name, value in ORIGINAL.items():
        setattr(DialogueStateTracker, name, value)
    delattr(DialogueStateTracker, patch._INSTALLED)


@pytest.mark.parametrize("seed", range(40))
def test_same_events_as_rasa_after_every_new_event(installed, seed):  # noqa: ARG001 - fixture
    rng = random.Random(seed)
    tracker = DialogueStateTracker("someone", [])
    for _ in range(rng.randint(20, 160)):
        for _ in range(rng.randint(1, 4)):
            tracker.events.append(random_event(rng))
        ours = tracker.applied_events()
        assert [id(e) for e in ours] == [id(e) for e in rasa_applied(tracker)]
        assert tracker.applied_events() == ours  # a second call without new events


def test_a_new_form_name_or_a_replaced_history_is_computed_again(installed):  # noqa: ARG001 - fixture
    tracker = DialogueStateTracker("someone", [])
    tracker.events.extend([ActionExecuted("action_listen"), UserUttered("hi"), ActionExecuted("other_form"),
                           SlotSet("a", 1), ActionExecuted("action_listen"), UserUttered("x"),
                           ActionExecuted("other_form")])
    first = tracker.applied_events()
    assert len(first) == 7
    tracker.events.append(ActiveLoop("other_form"))  # now "other_form" is a form: earlier turns fold away
    assert [id(e) for e in tracker.applied_events()] == [id(e) for e in rasa_applied(tracker)]
    tracker.events = tracker._create_events([ActionExecuted("action_listen")])
    assert tracker.applied_events() == rasa_applied(tracker)


def test_callers_get_their_own_list(installed):  # noqa: ARG001 - fixture
    tracker = DialogueStateTracker("someone", [])
    tracker.events.extend([ActionExecuted("action_listen"), UserUttered("hi")])
    tracker.applied_events().clear()
    assert len(tracker.applied_events()) == 2


def test_undo_helpers_match_rasas():
    rng = random.Random(7)
    for _ in range(300):
        events = [random_event(rng) for _ in range(rng.randint(0, 30))]
        for name, args in (("_undo_till_previous", (ActionExecuted,)), ("_undo_till_previous", (UserUttered,)),
                           ("_undo_till_previous_loop_execution", ("screening_form",))):
            theirs, ours = list(events), list(events)
            ORIGINAL[name].__func__(*args, theirs)
            getattr(patch, name)(*args, ours)
            assert [id(e) for e in ours] == [id(e) for e in theirs]
