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


@pytest.mark.parametrize("text,expected", [
    ("i've been giving my stuff away", "suicide"),
    ("cant do this anymore gonna end it", "suicide"),
    ("im so sorry for everything. this is goodbye", "suicide"),
    ("this is my last message", "suicide"),
    ("i'm sitting in the garage with the car running", "suicide"),
    ("idk how much longer i can keep myself safe", "suicide"),
    ("i'm gonna do it tonight, i already decided", "suicide"),
    ("nobody needs to worry about me after tonight", "suicide"),
    ("i'm going to drink until i don't wake up", "suicide"),
    ("i don't want to wake up tomorrow", "suicide"),
    ("i dont wanna be on this earth anymore", "suicide"),
    ("i'm a burden to everyone and tonight im fixing that", "suicide"),
    ("i feel like i'm going to do something to myself tonight", "suicide"),
    ("i've got the pills counted out, i don't think i'll make it to monday", "suicide"),
    ("i'm not safe right now", "suicide"),
    ("might as well be dead", "suicide"),
    ("going to drive my car off the road", "suicide"),
    ("my roommate drank a ton and is throwing up while passed out, i can't wake him", "overdose"),
    ("my mom took her whole prescription and she's slurring", "overdose"),
    ("i shot up way too much and feel like i'm dying", "overdose"),
    ("lips r blue", "medical_emergency"),
    ("emergency", "medical_emergency"),
    ("i'm in danger", "medical_emergency"),
    ("i think i'm getting the dts, i'm so scared", "dangerous_withdrawal"),
    ("i feel a seizure coming on, it's been a day without booze", "dangerous_withdrawal"),
])
def test_crises_added_2026_12_01(text, expected):
    assert category(text) == expected


@pytest.mark.parametrize("text", [
    "my phone is about to die",
    "i said goodbye to my old job",
    "this is my last message before i head to work, ttyl",
    "this is goodbye to drinking",
    "i'm giving my old clothes away to goodwill",
    "i'm in danger of failing math",
    "i'm not safe to drive after taking my meds",
    "emergency contact is my mom",
    "he's passed out on the couch after a long shift lol",
    "i don't want to wake up for work tomorrow",
    "i hope i don't wake up with a hangover",
    "i don't think i'll make it to monday's group, can i reschedule",
    "i'm going to do it tonight, i already decided to sign up",
    "you don't need to worry about me after tonight, i'll be in detox",
    "i'm a burden to my family and i'm going to fix that by getting help",
    "i counted out my pills for the week",
    "this hangover has me feeling like i'm dying",
    "i'm so dopesick i feel like i'm dying",
    "i ate way too much at thanksgiving",
])
def test_hard_negatives_added_2026_12_01(text):
    assert detect_crisis(text) is None


def test_mixed_lemma_and_word_alternatives_keep_every_word():
    # "=think|like|sure|scared": the words without "=" used to lose their first letter ("ike")
    assert category("i feel like i'm dying") == "medical_emergency"
