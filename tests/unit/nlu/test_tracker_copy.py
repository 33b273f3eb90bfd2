"""Trackers copied from their current state equal the ones Rasa replays from the events."""

from __future__ import annotations

import random

import pytest
from rasa.core.actions.forms import FormAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.nlu import tracker_copy

RASA_TEMPORARY = FormAction.__dict__["_temporary_tracker"]
RASA_COPY = DialogueStateTracker.__dict__["copy"]
DOMAIN = Domain.from_dict({
    "intents": ["greet", "inform"],
    "slots": {
        "screen_answer": {"type": "any", "mappings": [{"type": "from_text"}]},
        "screening_current": {"type": "text", "mappings": [{"type": "custom"}]},
        "screening_answers": {"type": "any", "initial_value": {}, "mappings": [{"type": "custom"}]},
        "screening_reasks": {"type": "float", "initial_value": 0.0, "mappings": [{"type": "custom"}]},
        "language": {"type": "categorical", "values": ["en", "es"], "initial_value": "en",
                     "mappings": [{"type": "custom"}]},
    },
    "forms": {"screening_form": {"required_slots": ["screen_answer"]},
              "intro_form": {"required_slots": ["screen_answer"]}},
    "actions": ["validate_screening_form", "action_ask_screen_answer"],
})


def random_event(rng: random.Random):
    form = rng.choice(["screening_form", "intro_form"])
    return rng.choices([
        lambda: ActionExecuted("action_listen"),
        lambda: UserUttered("maybe", {"name": rng.choice(["greet", "inform"]), "confidence": 0.9}),
        lambda: ActionExecuted(form),
        lambda: ActiveLoop(form),
        lambda: ActiveLoop(None),
        lambda: SlotSet("screening_current", rng.choice(["mood", "use", None])),
        lambda: SlotSet("screening_answers", {"mood": rng.random()}),
        lambda: SlotSet("screen_answer", rng.choice(["yes", None])),
        lambda: SlotSet("language", rng.choice(["en", "es"])),
        lambda: BotUttered("ok", {"buttons": []}),
        lambda: FollowupAction("action_ask_screen_answer"),
        lambda: ActionExecutionRejected(form),
        lambda: LoopInterrupted(rng.random() < 0.5),
        ConversationPaused,
        ConversationResumed,
        ActionReverted,
        UserUtteranceReverted,
        Restarted,
        SessionStarted,
    ], weights=[14, 14, 12, 3, 2, 8, 4, 6, 2, 10, 1, 1, 1, 0.5, 0.5, 0.05, 0.05, 0.4, 0.4])[0]()


def state(tracker: DialogueStateTracker) -> dict:
    """Everything a tracker says about itself, without the times of the events each build made."""
    found = tracker.current_state(EventVerbosity.ALL)
    found.pop("latest_event_time", None)
    for event in found["events"]:
        event.pop("timestamp", None)
    found["slot_objects"] = {name: (type(slot), slot.value) for name, slot in tracker.slots.items()}
    found["bot"] = tracker.latest_bot_utterance.as_dict() if tracker.latest_bot_utterance else None
    found["bot"] and found["bot"].pop("timestamp")
    found["attributes"] = (tracker._paused, tracker.followup_action, tracker.latest_action, tracker.active_loop,
                           tracker.model_id, tracker.sender_source, tracker.is_rule_tracker,
                           tracker.events.maxlen)
    return found


def random_history(rng: random.Random):
    """A tracker after each step of a random conversation (the same tracker object, updated)."""
    tracker = DialogueStateTracker.from_events("someone", [], slots=DOMAIN.slots)
    tracker.model_id = "a model"
    for _ in range(rng.randint(10, 80)):
        for _ in range(rng.randint(1, 5)):
            tracker.update(random_event(rng))
        if rng.random() < 0.3:
            tracker.clear_followup_action()  # as Rasa's prediction does, without an event
        yield tracker


def reverted(events) -> bool:
    return any(isinstance(e, (ActionReverted, UserUtteranceReverted)) for e in events)


@pytest.mark.parametrize("seed", range(60))
def test_same_copy_as_rasas_replay(seed):
    rng = random.Random(seed)
    copies = 0
    for tracker in random_history(rng):
        ours = tracker_copy.copy(tracker)
        assert state(ours) == state(RASA_COPY(tracker))
        assert ours.events is not tracker.events and list(ours.events) == list(tracker.events)
        copies += not reverted(tracker.events)
    assert copies >= 5 or reverted(list(tracker.events)[:30])  # copied, unless a revert came early (replayed)


@pytest.mark.parametrize("seed", range(60))
def test_same_form_tracker_as_rasas_replay(seed):
    rng = random.Random(seed)
    form = FormAction("screening_form", None)
    copies = 0
    for tracker in random_history(rng):
        additional = [random_event(rng) for _ in range(rng.randint(0, 3))]
        rasa = RASA_TEMPORARY(form, tracker, list(additional), DOMAIN)
        ours = tracker_copy.temporary_tracker(form, tracker, list(additional), DOMAIN)
        assert state(ours) == state(rasa)
        copies += not reverted(tracker.events_after_latest_restart())
    assert copies >= 5  # most turns are built by copying (a revert since the last restart replays)


def test_the_current_tracker_is_not_changed_by_changing_a_copy():
    form = FormAction("screening_form", None)
    tracker = DialogueStateTracker.from_events("someone", [ActionExecuted("action_listen"), UserUttered("hi"),
                                                            SlotSet("screening_answers", {"mood": 1})],
                                               slots=DOMAIN.slots)
    before = state(tracker)
    temporary = tracker_copy.temporary_tracker(form, tracker, [SlotSet("screening_current", "use")], DOMAIN)
    temporary.update(SlotSet("screening_answers", {"use": 2}))
    copied = tracker_copy.copy(tracker)
    copied.update(ActiveLoop("screening_form"))
    copied.update(SlotSet("language", "es"))
    assert state(tracker) == before
    assert tracker.get_slot("screening_current") is None


def test_slots_of_another_domain_are_replayed_as_rasa_does(monkeypatch):
    form = FormAction("screening_form", None)
    other = Domain.from_dict({"slots": {"language": {"type": "text", "mappings": [{"type": "custom"}]}}})
    tracker = DialogueStateTracker.from_events("someone", [SlotSet("language", "es")], slots=other.slots)
    replayed = []
    monkeypatch.setattr(FormAction, tracker_copy._RASA_TEMPORARY, lambda *args: replayed.append(args) or "replayed",
                        raising=False)
    assert tracker_copy.temporary_tracker(form, tracker, [], DOMAIN) == "replayed"
    assert len(replayed) == 1


def test_install_replaces_rasas_methods_once_and_keeps_them_for_the_replay():
    try:
        tracker_copy.install()
        tracker_copy.install()
        assert FormAction.__dict__["_temporary_tracker"] is tracker_copy.temporary_tracker
        assert FormAction.__dict__[tracker_copy._RASA_TEMPORARY] is RASA_TEMPORARY
        assert DialogueStateTracker.__dict__["copy"] is tracker_copy.copy
        assert DialogueStateTracker.__dict__[tracker_copy._RASA_COPY] is RASA_COPY
        form = FormAction("screening_form", None)
        tracker = DialogueStateTracker.from_events("someone", [UserUtteranceReverted()], slots=DOMAIN.slots)
        assert state(form._temporary_tracker(tracker, [], DOMAIN)) == state(RASA_TEMPORARY(form, tracker, [], DOMAIN))
        assert state(tracker.copy()) == state(RASA_COPY(tracker))
    finally:
        FormAction._temporary_tracker = RASA_TEMPORARY
        DialogueStateTracker.copy = RASA_COPY
        for cls, names in ((FormAction, (tracker_copy._RASA_TEMPORARY, tracker_copy._INSTALLED)),
                           (DialogueStateTracker, (tracker_copy._RASA_COPY, tracker_copy._INSTALLED))):
            for name in names:
                if name in cls.__dict__:
                    delattr(cls, name)
