"""Targeted behaviour of the crisis detector: negation, past vs now, idioms, shorthand, categories."""

from __future__ import annotations

import pytest

from bot.safety import CrisisSignal, detect_all, detect_crisis


def category(text: str) -> str | None:
    signal = detect_crisis(text)
    return signal.category if signal else None


@pytest.mark.parametrize("text", [
    "I'm not suicidal",
    "never been suicidal",
    "no thoughts of hurting myself",
    "i dont want to die, i want to get clean",
    "no, i'm not thinking about killing myself",
    "i would never hurt my kids",
    "i'm not gonna kms lol",
    "no seizures, no DTs",
    "nobody's overdosing, i'm asking for my brother",
])
def test_negated_statements_are_not_crises(text):
    assert detect_crisis(text) is None


@pytest.mark.parametrize("text", [
    "I don't want to live anymore",
    "im not suicidal i just want to die",
    "I'm not suicidal but sometimes I wish I wouldn't wake up",
    "i don't want to die but i don't want to live either",
    "i dont care if i live or die",
    "i can't stop thinking about suicide",
    "no i want to die",
])
def test_negation_inside_the_meaning_still_counts(text):
    assert category(text) == "suicide"


@pytest.mark.parametrize("text,expected", [
    ("kms", "suicide"),
    ("i wanna unalive myself", "suicide"),
    ("wanna die", "suicide"),
    ("took too many pills", "overdose"),
    ("cant breathe", "medical_emergency"),
    ("hes not breathing", "medical_emergency"),
    ("seizing", "medical_emergency"),
    ("im od'ing", "overdose"),
    ("su1c1dal", "suicide"),
])
def test_sms_shorthand(text, expected):
    assert category(text) == expected


@pytest.mark.parametrize("text", [
    "I overdosed last year",
    "my brother overdosed last year",
    "i had a seizure when i quit drinking 3 years ago",
    "i tried to kill myself when i was 16, i've been okay for a long time",
    "my husband overdosed last month, he's ok now",
    "had dts the last time i detoxed",
])
def test_past_events_are_not_current_emergencies(text):
    assert detect_crisis(text) is None


@pytest.mark.parametrize("text", [
    "I attempted suicide 3 days ago",
    "i overdosed last year and now i want to do it again on purpose",
    "i used to cut, and lately i've been thinking about killing myself",
])
def test_current_suicidal_thought_counts_even_next_to_the_past(text):
    assert category(text) == "suicide"


def test_mid_form_answer_with_an_overdose():
    assert category("no but i took 40 pills an hour ago") == "overdose"


def test_bare_screening_answers_are_left_to_the_screening_engine():
    for text in ("yes", "no", "2", "every day", "HELP", "STOP"):
        assert detect_crisis(text) is None


@pytest.mark.parametrize("text,expected", [
    ("i'm going to kill my stepdad", "harm_others"),
    ("i have a gun and im going to use it on him", "harm_others"),
    ("i have a gun in my lap", "suicide"),
    ("i stopped drinking 2 days ago and now im seeing bugs on the walls", "dangerous_withdrawal"),
    ("just had a seizure, been off the bars 3 days", "dangerous_withdrawal"),
    ("my friend did fent and won't wake up", "overdose"),
    ("i think i'm having a heart attack", "medical_emergency"),
    ("i took a bunch of pills because i want to die", "suicide"),
])
def test_categories(text, expected):
    assert category(text) == expected


def test_signal_carries_the_matched_phrase_and_rule():
    signal = detect_crisis("honestly I want to die tonight")
    assert isinstance(signal, CrisisSignal)
    assert "die" in signal.phrase and signal.rule


def test_most_serious_category_first():
    signals = detect_all("i took too many pills because i want to die")
    assert [s.category for s in signals][0] == "suicide"
    assert "overdose" in {s.category for s in signals}


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", "<script>alert(1)</script>", "a" * 50_000, None, 42])
def test_bad_input_never_crashes(text):
    assert detect_crisis(text) is None


def test_crisis_at_the_end_of_a_long_message_is_found():
    text = "so about my drinking, " * 300 + "and honestly i want to kill myself"
    assert category(text) == "suicide"


@pytest.mark.parametrize("text,expected", [
    ("i'm standing on the bridge", "suicide"),
    ("im gonna jump", "suicide"),
    ("i'm going to jump, nobody cares", "suicide"),
    ("i don't feel safe with myself tonight", "suicide"),
    ("i can't keep myself safe", "suicide"),
    ("this is an emergency", "medical_emergency"),
    ("someone is hurting me right now", "medical_emergency"),
    ("he's hitting me right now", "medical_emergency"),
    ("i found my son passed out with a needle", "overdose"),
    ("why are you asking if im suicidal, because i am", "suicide"),
])
def test_crises_found_in_nlu_data(text, expected):
    assert category(text) == expected


@pytest.mark.parametrize("text", [
    "why are you asking about suicide",
    "why do you ask about suicide?",
    "what does suicide have to do with this",
    "im gonna jump in the shower",
    "gonna jump on a call",
    "i'm not going to jump",
    "he's not hitting me anymore, we split up",
    "my back is hurting me right now",
    "i have a family emergency and need to reschedule",
    "i can keep myself safe",
])
def test_questions_about_the_question_and_jump_idioms_are_not_crises(text):
    assert detect_crisis(text) is None
