"""Questionnaire model: order, skip logic, wording for self/other and web/SMS, stored values."""

import re

import pytest

from bot.screening import AREAS

from .helpers import LOW_RISK, walk_answers

SUBSTANCE_IDS = ["alcohol", "opioids", "benzodiazepines", "stimulants", "cocaine", "cannabis",
                 "hallucinogens",
                 "other"]


def test_safety_questions_come_first(questionnaire):
    first = questionnaire.next_question({})
    assert first.id == "suicidal_thoughts" and first.area == "safety"
    areas = [q.area for q in questionnaire]
    assert areas[:4] == ["safety"] * 4 and "safety" not in areas[4:]


def test_every_area_of_the_design_table_is_asked_about(questionnaire):
    assert {q.area for q in questionnaire} == set(AREAS)


def test_ids_are_short_stable_slot_suffixes(questionnaire):
    for question in questionnaire:
        assert re.fullmatch(r"[a-z][a-z0-9_]{1,24}", question.id)
        assert len(f"screen_{question.id}") <= 32


def test_get_and_getitem(questionnaire):
    assert questionnaire.get("medical").area == "medical"
    assert questionnaire.get("nope") is None
    with pytest.raises(KeyError):
        questionnaire["nope"]


def test_next_question_follows_order_and_counts_unclear_as_answered(questionnaire):
    answers = {"suicidal_thoughts": "no"}
    assert questionnaire.next_question(answers).id == "suicide_behavior"
    answers["suicide_behavior"] = "unclear"
    assert questionnaire.next_question(answers).id == "harm_others"


def test_plan_question_only_after_thoughts(questionnaire):
    assert not questionnaire.is_applicable("suicide_plan", {"suicidal_thoughts": "no"})
    assert questionnaire.is_applicable("suicide_plan", {"suicidal_thoughts": "yes"})
    assert questionnaire.is_applicable("suicide_plan", {"suicidal_thoughts": "unsure"})


def test_withdrawal_follow_ups_only_when_currently_using(questionnaire):
    base = {"substances": ["opioids"]}
    assert questionnaire.is_applicable("withdrawal", {**base, "last_use": 3})
    assert questionnaire.is_applicable("withdrawal", {**base, "last_use": 14})
    assert questionnaire.is_applicable("withdrawal", {**base, "last_use": "unclear"})
    assert not questionnaire.is_applicable("withdrawal", {**base, "last_use": 15})
    assert not questionnaire.is_applicable("withdrawal", {"substances": ["none"]})


def test_seizure_history_only_for_alcohol_or_benzodiazepines(questionnaire):
    assert questionnaire.is_applicable("seizure_history", {"substances": ["alcohol"], "last_use": 1})
    assert questionnaire.is_applicable("seizure_history", {"substances": ["benzodiazepines"], "last_use": 1})
    assert not questionnaire.is_applicable("seizure_history", {"substances": ["opioids"], "last_use": 1})
    assert not questionnaire.is_applicable("seizure_history", {"substances": ["alcohol"], "last_use": 200})


def test_opioid_follow_up_only_for_opioids(questionnaire):
    assert questionnaire.is_applicable("opioid_medication", {"substances": ["opioids", "alcohol"]})
    assert not questionnaire.is_applicable("opioid_medication", {"substances": ["alcohol"]})


def test_audit_c_only_for_alcohol_and_items_2_3_only_when_drinking(questionnaire):
    assert not questionnaire.is_applicable("alcohol_frequency", {"substances": ["cannabis"]})
    drinks = {"substances": ["alcohol"], "alcohol_frequency": "never"}
    assert questionnaire.is_applicable("alcohol_frequency", drinks)
    assert not questionnaire.is_applicable("alcohol_amount", drinks)
    assert questionnaire.is_applicable("alcohol_binge", {**drinks, "alcohol_frequency": "2_3_week"})


def test_daily_functioning_only_with_mood_or_other_concerns(questionnaire):
    calm = {"phq_interest": "not_at_all", "phq_mood": "several_days", "mental_health": ["none"]}
    assert not questionnaire.is_applicable("daily_functioning", calm)
    assert questionnaire.is_applicable("daily_functioning", {**calm, "phq_interest": "more_than_half"})
    assert questionnaire.is_applicable("daily_functioning", {**calm, "mental_health": ["trauma"]})


def test_changed_answer_makes_follow_ups_stale(questionnaire):
    answers = {"suicidal_thoughts": "yes", "suicide_plan": "no"}
    assert "suicide_plan" in questionnaire.effective_answers(answers)
    answers["suicidal_thoughts"] = "no"
    assert "suicide_plan" not in questionnaire.effective_answers(answers)


def test_invalid_stored_values_count_as_unclear(questionnaire):
    effective = questionnaire.effective_answers({"suicidal_thoughts": "perhaps", "substances": "alcohol",
                                                 "last_use": 3.0})
    assert effective["suicidal_thoughts"] == "unclear"
    assert effective["substances"] == "unclear"


def test_slot_floats_become_ints(questionnaire):
    effective = questionnaire.effective_answers({"substances": ["alcohol"], "last_use": 3.0})
    assert effective["last_use"] == 3 and isinstance(effective["last_use"], int)


def test_texts_for_self_and_other_differ_and_sms_is_short(questionnaire):
    for question in questionnaire:
        assert question.text("self") != question.text("other"), question.id
        sms = question.text("self", channel="sms")
        assert len(sms) <= 320, (question.id, len(sms))
        assert len(question.text("other", channel="sms")) <= 320
        if question.choices:
            assert "Reply" in sms and " 1 " in sms, question.id
        assert question.why.endswith(".") and len(question.why) < 160


def test_sms_yes_no_options(questionnaire):
    assert questionnaire["medical"].text(channel="sms").endswith("Reply 1 Yes, 2 No or 3 Not sure.")
    assert "(e.g. 1,3)" in questionnaire["substances"].text(channel="sms")
    assert questionnaire["alcohol_amount"].text(channel="sms").endswith("Reply with a number.")


def test_unknown_for_whom_falls_back_to_self(questionnaire):
    assert questionnaire["medical"].text("someone") == questionnaire["medical"].text("self")


def test_street_name_synonyms_live_in_the_data(questionnaire):
    synonyms = {c.id: c.synonyms for c in questionnaire["substances"].choices}
    for word, cid in [("oxy", "opioids"), ("percs", "opioids"), ("fent", "opioids"), ("bars",
                                                                                      "benzodiazepines"),
                      ("xans", "benzodiazepines"), ("molly", "hallucinogens"), ("booze", "alcohol"),
                      ("dope", "opioids"), ("meth", "stimulants"), ("coke", "cocaine"), ("crack", "cocaine"),
                      ("weed", "cannabis")]:
        assert word in synonyms[cid]


def test_display_values(questionnaire):
    assert questionnaire["last_use"].display(0) == "today"
    assert questionnaire["last_use"].display(12) == "about 12 days ago"
    assert questionnaire["substances"].display(["alcohol", "cannabis"]) == "Alcohol, Cannabis (marijuana)"
    assert questionnaire["medical"].display("unsure") == "Not sure"
    assert questionnaire["medical"].display("unclear").startswith("(unclear")


def test_instrument_scores(questionnaire):
    answers = walk_answers(questionnaire, {"substances": ["alcohol"], "alcohol_frequency": "4_plus_week",
                                           "alcohol_amount": 7, "alcohol_binge": "monthly",
                                           "phq_interest": "nearly_every_day", "phq_mood": "several_days"})
    scores = questionnaire.scores(answers)
    assert (scores["audit_c"].value, scores["audit_c"].complete) == (4 + 3 + 2, True)
    assert scores["phq2"].value == 4
    assert "cssrs" not in scores  # triage items, no total
    partial = questionnaire.scores({"substances": ["alcohol"], "alcohol_frequency": "4_plus_week"})
    assert (partial["audit_c"].value, partial["audit_c"].complete) == (4, False)
    never = questionnaire.scores({"substances": ["alcohol"], "alcohol_frequency": "never"})
    assert (never["audit_c"].value, never["audit_c"].complete) == (0, True)


@pytest.mark.parametrize("substances", [["cannabis"], ["alcohol"], ["opioids"], ["none"],
                                        SUBSTANCE_IDS, ["alcohol", "benzodiazepines"]])
def test_walk_finishes_and_stays_within_25_questions(questionnaire, substances):
    answers = walk_answers(questionnaire, {"substances": substances, "last_use": 1})
    assert questionnaire.next_question(answers) is None
    assert len(answers) <= 25


def test_longest_possible_path_is_at_most_25(questionnaire):
    """Everything that can open a follow-up does: thoughts, all substances, recent use, mood concerns."""
    worst = {**LOW_RISK, "suicidal_thoughts": "yes", "substances": SUBSTANCE_IDS, "last_use": 1,
             "alcohol_frequency": "4_plus_week", "phq_interest": "nearly_every_day",
             "mental_health": ["anxiety"]}
    assert len(walk_answers(questionnaire, worst)) <= 25


def test_questions_and_reasons_are_hashable(questionnaire, criteria):
    """Usable as dict keys / in caches by the actions."""
    assert len({q for q in questionnaire}) == len(questionnaire)
    assert len(set(criteria.criteria)) == len(criteria)
