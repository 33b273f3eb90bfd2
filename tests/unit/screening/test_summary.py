"""Structured summary, staff text, person messages and the clinician explain table."""

import json

from bot.screening import (
    DISCLAIMER,
    build_summary,
    explain_table,
    find_diagnostic_language,
    person_message,
    score,
    staff_text,
)

from .helpers import walk_answers

URGENT = {"harm_others": "yes", "substances": ["alcohol"], "last_use": 1, "withdrawal": "yes",
          "alcohol_frequency": "4_plus_week", "alcohol_amount": 8, "alcohol_binge": "weekly"}


def _scored(questionnaire, criteria, overrides):
    answers = walk_answers(questionnaire, overrides)
    return answers, score(answers, questionnaire, criteria)


def test_summary_is_json_and_complete(questionnaire, criteria):
    answers, result = _scored(questionnaire, criteria, URGENT)
    summary = build_summary(result, answers, questionnaire, for_whom="other",
                            contact={"phone": "+15550100", "best_time": "evenings"}, channel="sms")
    assert json.loads(json.dumps(summary)) == summary
    assert summary["band"] == "urgent_safety" and summary["urgent"] is True
    assert {r["criterion_id"] for r in summary["red_flags"]} == {"harm_others", "withdrawal_symptoms"}
    assert summary["for_whom"] == "other" and summary["channel"] == "sms"
    assert summary["contact"]["phone"] == "+15550100"
    assert summary["criteria_version"] == criteria.version
    assert summary["questionnaire_version"] == questionnaire.version
    assert summary["disclaimer"] == DISCLAIMER
    areas = [block["area"] for block in summary["answers_by_area"]]
    assert areas[0] == "safety" and "withdrawal" in areas
    safety = summary["answers_by_area"][0]
    assert safety["risk"] == "high"
    assert {"question_id": "harm_others", "question": questionnaire["harm_others"].label, "answer": "Yes",
            "value": "yes"} in safety["answers"]
    assert summary["scores"]["audit_c"]["score"] == 4 + 3 + 3


def test_summary_of_partial_answers_lists_what_is_missing(questionnaire, criteria):
    answers = {"suicidal_thoughts": "no", "suicide_behavior": "unclear"}
    summary = build_summary(score(answers, questionnaire, criteria), answers, questionnaire)
    assert summary["complete"] is False
    assert summary["unanswered"][0] == "harm_others"
    assert summary["unclear"] == ["suicide_behavior"]
    assert "Incomplete" in staff_text(summary)


def test_staff_text_puts_red_flags_first_and_cites_sources(questionnaire, criteria):
    answers, result = _scored(questionnaire, criteria, URGENT)
    text = staff_text(build_summary(result, answers, questionnaire, contact="call after 6pm"))
    lines = text.splitlines()
    assert "not medical advice or a diagnosis" in lines[0]
    assert lines.index("RED FLAGS (2):") < next(i for i,
                                                line in enumerate(lines) if line.startswith("Result band"))
    assert "(urgent_safety)" in text and "** URGENT **" in text
    assert "source 004_d7033eaf91989fec.txt" in text
    assert "Contact preference: call after 6pm" in text
    assert "ANSWERS BY AREA:" in text
    assert "Thoughts of seriously hurting someone else (past month): Yes" in text
    assert text.rstrip().endswith(DISCLAIMER)


def test_staff_text_marks_source_conflicts(questionnaire, criteria):
    answers, result = _scored(questionnaire, criteria, {"relapse": "yes"})
    text = staff_text(build_summary(result, answers, questionnaire))
    assert "[SOURCES CONFLICT]" in text
    assert "003_101b7585de3d740d.txt" in text and "002_9b1ade70224b4315.txt" in text
    assert "RED FLAGS" not in text


def test_person_message_web_and_sms(questionnaire, criteria):
    _, result = _scored(questionnaire, criteria, URGENT)
    web = person_message(result, channel="web", crisis_line="988", emergency_number="911")
    sms = person_message(result, channel="sms", crisis_line="988", emergency_number="911")
    for message in (web, sms):
        assert "988" in message and "911" in message
        assert "This is not medical advice or a diagnosis" in message
        assert find_diagnostic_language(message) == []
    assert "What stood out:" in web and "hurting someone else" in web
    assert len(sms) <= 320 and "\n" not in sms


def test_person_message_uses_clinic_numbers(questionnaire, criteria):
    _, result = _scored(questionnaire, criteria, {"suicidal_thoughts": "yes"})
    assert "(555) 123" in person_message(result, crisis_line="(555) 123", emergency_number="112")


def test_person_message_good_fit_names_the_needs_not_fit_factors(questionnaire, criteria):
    _, result = _scored(questionnaire, criteria, {"recent_treatment": "residential"})
    assert result.band == "iop_good_fit"
    web = person_message(result)
    assert "looks like a good fit to discuss" in web
    assert "residential or day treatment" in web
    assert "Feeling ready to start" not in web


def test_every_band_has_person_texts_with_the_notice(criteria):
    for band in criteria.bands.values():
        for text in (band.web, band.sms, band.label):
            assert find_diagnostic_language(text) == []
        assert "clinician" in band.web or band.id == "urgent_safety"


def test_explain_table_lists_questions_and_criteria_with_sources(questionnaire, criteria):
    table = explain_table(questionnaire, criteria)
    for question in questionnaire:
        assert question.id in table
    for criterion in criteria:
        assert criterion.id in table
    for name in ("000_1066899e0da1a992.txt", "001_ebe16e7093303e8b.txt", "002_9b1ade70224b4315.txt",
                 "003_101b7585de3d740d.txt", "004_d7033eaf91989fec.txt"):
        assert name in table
    assert "CONFLICT" in table
    assert "AUDIT-C" in table and "PHQ-2" in table and "C-SSRS" in table
    assert "withdrawal" in table and "last_use <= 14" in table
    assert max(len(line) for line in table.splitlines()) <= 125
    assert "SOURCE CHECK: all" in table


def test_explain_table_flags_missing_sources(questionnaire, criteria, tmp_path):
    table = explain_table(questionnaire, criteria, sources_dir=tmp_path)
    assert "NOT found verbatim" in table and "stopped_using: source file 000_1066899e0da1a992.txt" in table
