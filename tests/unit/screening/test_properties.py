"""Property-based tests (hypothesis) of the scoring rules over arbitrary answer sets."""

import random

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.screening import find_diagnostic_language, load_criteria, load_questionnaire, person_message, score

QUESTIONNAIRE = load_questionnaire()
CRITERIA = load_criteria(questionnaire=QUESTIONNAIRE)
SEVERITY = ["urgent_safety", "detox_first", "more_intensive", "iop_review", "iop_good_fit",
            "standard_outpatient"]
SAFETY_QUESTIONS = ["suicidal_thoughts", "suicide_plan", "suicide_behavior", "harm_others"]
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def value_strategy(question):
    """Any well-formed stored value for ``question``, or "unclear"."""
    if question.type == "multi_choice":
        exclusive = [c.id for c in question.choices if c.exclusive]
        regular = [c.id for c in question.choices if not c.exclusive]
        values = st.one_of(st.lists(st.sampled_from(regular), min_size=1, max_size=len(regular), unique=True),
                           st.sampled_from([[e] for e in exclusive] or [[regular[0]]]))
    elif question.type in ("number",):
        values = st.integers(min_value=0, max_value=40)
    elif question.type == "last_use":
        values = st.one_of(st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=3000))
    elif question.type == "free_text":
        values = st.text(min_size=1, max_size=20).filter(str.strip)
    else:
        values = st.sampled_from([c.id for c in question.choices])
    return st.one_of(values, values, values, st.just("unclear"))


ANY_ANSWERS = st.fixed_dictionaries(
    {}, optional={q.id: value_strategy(q) for q in QUESTIONNAIRE}
)
FULL_ANSWERS = st.fixed_dictionaries({q.id: value_strategy(q) for q in QUESTIONNAIRE})


def band_index(result):
    return SEVERITY.index(result.band)


@SETTINGS
@given(answers=FULL_ANSWERS, which=st.sampled_from(SAFETY_QUESTIONS))
def test_any_safety_risk_answer_gives_the_urgent_band(answers, which):
    answers = dict(answers)
    answers[which] = "yes"
    if which == "suicide_plan":  # asked only after thoughts were reported
        answers["suicidal_thoughts"] = random.Random(len(answers)).choice(["yes", "unsure"])
    result = score(answers, QUESTIONNAIRE, CRITERIA)
    assert result.band == "urgent_safety"
    assert result.area_risks["safety"] == "high"
    assert any(r.area == "safety" for r in result.red_flags)


@SETTINGS
@given(answers=FULL_ANSWERS, symptom=st.sampled_from(["yes", "unsure", "unclear"]),
       last_use=st.integers(min_value=0, max_value=14))
def test_withdrawal_risk_never_gives_iop_good_fit(answers, symptom, last_use):
    answers = {**answers, "substances": ["alcohol"], "last_use": last_use, "withdrawal": symptom}
    result = score(answers, QUESTIONNAIRE, CRITERIA)
    assert result.band not in ("iop_good_fit", "standard_outpatient")
    if symptom == "yes":
        assert result.band in ("urgent_safety", "detox_first")


@SETTINGS
@given(answers=FULL_ANSWERS, last_use=st.integers(min_value=0, max_value=14))
def test_seizure_history_with_recent_use_means_detox_or_urgent(answers, last_use):
    answers = {**answers, "substances": ["benzodiazepines"], "last_use": last_use, "seizure_history": "yes"}
    assert score(answers, QUESTIONNAIRE, CRITERIA).band in ("urgent_safety", "detox_first")


@SETTINGS
@given(answers=ANY_ANSWERS, seed=st.integers(min_value=0, max_value=10_000))
def test_answer_order_does_not_change_the_result(answers, seed):
    items = list(answers.items())
    random.Random(seed).shuffle(items)
    first = score(answers, QUESTIONNAIRE, CRITERIA).to_dict()
    assert score(dict(items), QUESTIONNAIRE, CRITERIA).to_dict() == first
    assert score(dict(reversed(items)), QUESTIONNAIRE, CRITERIA).to_dict() == first


@SETTINGS
@given(answers=ANY_ANSWERS)
def test_band_follows_the_highest_risk_area(answers):
    result = score(answers, QUESTIONNAIRE, CRITERIA)
    top = max(result.area_risks.values(), key=["low", "moderate", "high"].index)
    allowed = {
        "high": {"urgent_safety", "detox_first", "more_intensive"},
        "moderate": {"iop_review", "iop_good_fit"},
        "low": {"standard_outpatient", "iop_review"},
    }[top]
    assert result.band in allowed
    if result.band == "urgent_safety":
        assert result.area_risks["safety"] == "high"
    if result.band == "detox_first":
        assert "high" in (result.area_risks["withdrawal"], result.area_risks["medical"])


@SETTINGS
@given(answers=ANY_ANSWERS)
def test_every_reason_is_explained_and_sourced(answers):
    result = score(answers, QUESTIONNAIRE, CRITERIA)
    assert result.reasons, "a result always says why"
    assert result.criteria_version == CRITERIA.version
    for reason in result.reasons:
        assert reason.staff_text and reason.person_text
        if reason.criterion_id != "no_clear_pattern":
            assert reason.source_file and reason.source_quote
    for flag in result.red_flags:
        assert flag in result.reasons


@SETTINGS
@given(answers=FULL_ANSWERS, which=st.sampled_from(SAFETY_QUESTIONS + ["withdrawal", "medical",
                                                                       "seizure_history"]))
def test_a_worse_answer_never_lowers_the_band(answers, which):
    calm = score({**answers, which: "no"}, QUESTIONNAIRE, CRITERIA)
    worse = score({**answers, which: "yes"}, QUESTIONNAIRE, CRITERIA)
    assert band_index(worse) <= band_index(calm)


@SETTINGS
@given(answers=ANY_ANSWERS)
def test_answers_to_questions_not_asked_are_ignored(answers):
    applicable = {q.id for q in QUESTIONNAIRE.applicable(answers)}
    kept = {k: v for k, v in answers.items() if k in applicable}
    assert score(kept, QUESTIONNAIRE, CRITERIA).to_dict() == score(answers, QUESTIONNAIRE, CRITERIA).to_dict()


@SETTINGS
@given(answers=ANY_ANSWERS)
def test_person_messages_always_carry_the_notice_and_never_diagnose(answers):
    result = score(answers, QUESTIONNAIRE, CRITERIA)
    for channel in ("web", "sms"):
        message = person_message(result, channel=channel)
        assert "This is not medical advice or a diagnosis" in message
        assert find_diagnostic_language(message) == []
    assert len(person_message(result, channel="sms")) <= 320


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_any_walk_through_the_questions_ends_within_25(data):
    answers = {}
    asked = []
    while (question := QUESTIONNAIRE.next_question(answers)) is not None:
        assert question.id not in answers
        asked.append(question.id)
        answers[question.id] = data.draw(value_strategy(question))
        assert len(asked) <= 25
    assert QUESTIONNAIRE.unanswered(answers) == []
    assert score(answers, QUESTIONNAIRE, CRITERIA).complete


@SETTINGS
@given(answers=ANY_ANSWERS, junk=st.one_of(st.integers(), st.text(max_size=5), st.lists(st.integers()),
                                           st.none(), st.floats(allow_nan=True), st.booleans()))
def test_malformed_slot_values_never_crash_and_count_as_unclear(answers, junk):
    assume(junk is not None)
    for qid in ("suicidal_thoughts", "substances", "last_use"):
        broken = {**answers, qid: junk}
        result = score(broken, QUESTIONNAIRE, CRITERIA)
        question = QUESTIONNAIRE[qid]
        if QUESTIONNAIRE.is_applicable(qid, broken) and not question.check_value(junk):
            normalized = QUESTIONNAIRE.effective_answers(broken).get(qid)
            assert normalized == "unclear" or question.check_value(normalized)
        assert result.band in SEVERITY
