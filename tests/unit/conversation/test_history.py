"""The bounded event list sent to the action server gives every history reader the same answer as the whole
session, and stays bounded however long the conversation gets."""

from __future__ import annotations

import random

import pytest
from rasa_sdk import Tracker

from bot.conversation import history
from bot.conversation.history import events_for_action

# The readers as they were before bot/conversation/history.py (copied from actions/ and live_chat at 38e5804):
# the new helpers must agree with them on any history, whole or trimmed.


def old_consecutive_fallbacks(events):
    count = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != "nlu_fallback":
            break
        count += 1
    return count


def old_misses_in_a_row(events):
    misses = 0
    for event in reversed(events):
        if event.get("event") != "bot":
            continue
        utter = (event.get("metadata") or {}).get("utter_action")
        if utter == "utter_not_caught":
            misses += 1
        elif utter != "utter_ask_contact_method":
            break
    return misses


def old_check_trigger(events):
    for event in reversed(events):
        if event.get("event") == "user" and (event.get("parse_data") or {}).get("intent", {}).get("name") \
                == "crisis_check":
            return event.get("text") or "", dict((event.get("parse_data") or {}).get("crisis") or {})
    return None


def old_announced_staff(events):
    for event in reversed(events):
        meta = event.get("metadata") or {} if event.get("event") == "bot" else {}
        notice = meta.get("iopbot_notice")
        if notice == "joined":
            return str(meta.get("staff_name") or "")
        if notice in ("left", "back"):
            return None
    return None


def new_check_trigger(events):
    event = history.crisis_check_message(events)
    if event is None:
        return None
    return history.text_of(event) or "", dict(history.parse_data_of(event).get("crisis") or {})


def sdk_view(events):
    tracker = Tracker("s", {}, {}, events, False, None, {}, None)
    return tracker.get_latest_input_channel(), tracker.slots_to_validate()


READERS = {
    "consecutive fallbacks": (old_consecutive_fallbacks, history.consecutive_fallbacks),
    "contact misses in a row": (old_misses_in_a_row, history.contact_misses_in_a_row),
    "crisis check trigger": (old_check_trigger, new_check_trigger),
    "announced staff": (old_announced_staff, history.announced_staff),
    "rasa-sdk: input channel, slots to validate": (sdk_view, sdk_view),
}

INTENTS = ["inform", "affirm", "deny", "nlu_fallback", "nlu_fallback", "crisis_check", "faq", "request_human"]
UTTERS = ["utter_not_caught", "utter_ask_contact_method", "utter_default", None, "utter_not_caught"]


def user(rng, i):
    intent = rng.choice(INTENTS)
    return {"event": "user", "text": f"message {i}", "input_channel": rng.choice(["rest", "sms", "web", None]),
            "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "text": f"message {i}",
                           **({"crisis": {"category": "suicide", "language": "en"}} if intent == "crisis_check"
                              else {})}}


def bot(rng, i):
    meta = {}
    roll = rng.random()
    if roll < 0.06:
        meta = {"iopbot_notice": rng.choice(["joined", "left", "back"]), "staff_name": rng.choice(["Dana", ""])}
    elif roll < 0.7:
        meta = {"utter_action": rng.choice(UTTERS)}
    return {"event": "bot", "text": f"reply {i}", "metadata": meta}


def other(rng, i):
    return rng.choice([{"event": "action", "name": "action_listen"}, {"event": "slot", "name": "x", "value": i},
                       {"event": "active_loop", "name": "screening_form"}, {"event": "user_featurization"}])


def random_history(rng, length):
    makers = [user, bot, bot, other, other]
    events = [{"event": "action", "name": "action_session_start"}, {"event": "session_started"}]
    events += [rng.choice(makers)(rng, i) for i in range(length)]
    if rng.random() < 0.5:  # form validation: slot candidates at the end
        events += [{"event": "slot", "name": f"s{k}", "value": k} for k in range(rng.randint(1, 3))]
    return events


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_reader_answers_the_same_on_the_trimmed_list_as_on_the_whole_session(reader):
    old, new = READERS[reader]
    rng = random.Random(18)
    for _ in range(400):
        events = random_history(rng, rng.randint(0, 150))
        trimmed = events_for_action(events)
        assert new(events) == old(events)
        assert new(trimmed) == old(events)


def test_trimmed_list_is_an_ordered_subset_ending_with_the_last_two_turns_whole():
    rng = random.Random(7)
    for _ in range(200):
        events = random_history(rng, rng.randint(0, 150))
        trimmed = events_for_action(events)
        ids = [id(e) for e in events]
        positions = [ids.index(id(e)) for e in trimmed]
        assert positions == sorted(positions)
        users = [i for i, e in enumerate(events) if e["event"] == "user"]
        start = users[-2] if len(users) >= 2 else 0
        assert positions[-(len(events) - start):] == list(range(start, len(events)))


def test_a_long_session_sends_a_bounded_list():
    """The same FAQ turn repeated: what is sent does not grow with the number of turns."""
    def turn(i):
        return [{"event": "user", "text": f"faq {i}", "parse_data": {"intent": {"name": "faq"}}},
                {"event": "action", "name": "utter_faq"}, {"event": "bot", "text": "…", "metadata": {}},
                {"event": "action", "name": "action_listen"}]

    start = [{"event": "bot", "metadata": {"iopbot_notice": "joined", "staff_name": "Dana"}},
             {"event": "user", "text": "am i ok", "parse_data": {"intent": {"name": "crisis_check"}}}]
    sizes = []
    for turns in (5, 80, 400):
        events = start + [e for i in range(turns) for e in turn(i)]
        trimmed = events_for_action(events)
        sizes.append(len(trimmed))
        assert history.announced_staff(trimmed) == "Dana"
        assert history.text_of(history.crisis_check_message(trimmed)) == "am i ok"
    assert sizes[0] == sizes[1] == sizes[2] <= 12


def test_a_short_session_is_sent_whole():
    events = [{"event": "action", "name": "action_session_start"}, {"event": "session_started"},
              {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}}]
    assert events_for_action(events) == events
    assert events_for_action([]) == []
