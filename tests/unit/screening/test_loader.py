"""The loaders accept the real files and reject malformed ones with an error naming file and field."""

import copy
import re
from pathlib import Path

import pytest
import yaml

from bot.screening import ScreeningDataError, load_criteria, load_questionnaire, verify_quotes
from bot.screening.loader import DEFAULT_CRITERIA, DEFAULT_QUESTIONNAIRE, SOURCES_DIR

QUESTIONNAIRE = yaml.safe_load(DEFAULT_QUESTIONNAIRE.read_text(encoding="utf-8"))
CRITERIA = yaml.safe_load(DEFAULT_CRITERIA.read_text(encoding="utf-8"))


def _question(data, qid):
    return next(q for q in data["questions"] if q["id"] == qid)


def _criterion(data, cid):
    return next(c for c in data["criteria"] if c["id"] == cid)


def test_default_files_load(questionnaire, criteria):
    assert questionnaire.version and criteria.version
    assert len(questionnaire) >= 20
    assert set(questionnaire.instruments) == {"cssrs", "audit_c", "phq2"}
    assert questionnaire.instruments["audit_c"].items == ("alcohol_frequency", "alcohol_amount",
                                                          "alcohol_binge")
    assert len(criteria) >= 40


def test_load_criteria_without_arguments_checks_against_default_questionnaire():
    assert load_criteria().version == load_criteria(DEFAULT_CRITERIA, load_questionnaire()).version


def test_every_source_quote_is_verbatim_in_its_seed_file(criteria):
    assert verify_quotes(criteria) == []
    assert sorted(p.name for p in SOURCES_DIR.glob("*.txt")) == [
        "000_1066899e0da1a992.txt", "001_ebe16e7093303e8b.txt", "002_9b1ade70224b4315.txt",
        "003_101b7585de3d740d.txt", "004_d7033eaf91989fec.txt"]


def test_verify_quotes_reports_a_changed_quote(tmp_path):
    data = copy.deepcopy(CRITERIA)
    _criterion(data, "stopped_using")["sources"][0]["quote"] = "Individuals who never stopped using drugs."
    path = tmp_path / "criteria.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    problems = verify_quotes(load_criteria(path, load_questionnaire()))
    assert len(problems) == 1 and "stopped_using" in problems[0]


def test_every_seed_file_is_cited(criteria):
    cited = {s.file for c in criteria for s in c.sources}
    assert cited == {p.name for p in SOURCES_DIR.glob("*.txt")}


def _field_matches(actual: str, expected: str) -> bool:
    """``expected`` leaves list indexes out: "criteria[:x].when" matches "criteria[35:x].when",
    "questions[*].id" matches "questions[13].id"."""
    pattern = re.escape(expected).replace(r"\[:", r"\[\d+:").replace(r"\[\*\]", r"\[\d+\]")
    return re.match(pattern, actual) is not None


def _case_id(value):
    return getattr(value, "__name__", value)


def _mutations_questionnaire():
    def drop_version(d):
        del d["version"]

    def dup_id(d):
        _question(d, "harm_others")["id"] = "suicidal_thoughts"

    def bad_type(d):
        _question(d, "medical")["type"] = "slider"

    def bad_area(d):
        _question(d, "medical")["area"] = "d9"

    def no_other_text(d):
        del _question(d, "medical")["text"]["other"]

    def bad_condition_op(d):
        _question(d, "withdrawal")["ask_if"] = {"answer": "last_use", "below": 14}

    def unknown_question_in_condition(d):
        _question(d, "withdrawal")["ask_if"] = {"answer": "last_drink", "lte": 14}

    def look_ahead(d):
        _question(d, "withdrawal")["ask_if"] = {"answer": "relapse", "equals": "yes"}

    def bad_choice_value(d):
        _question(d, "alcohol_frequency")["ask_if"] = {"answer": "substances", "contains": "booze"}

    def too_few_choices(d):
        _question(d, "readiness")["choices"] = _question(d, "readiness")["choices"][:1]

    def frequency_gap(d):
        _question(d, "use_frequency")["choices"][1]["per_week"] = [1.0, 3.5]

    def missing_points(d):
        question = _question(d, "phq_mood")
        question["choices"] = copy.deepcopy(question["choices"])  # the YAML shares them with phq_interest
        del question["choices"][2]["points"]

    def diagnostic_text(d):
        _question(d, "medical")["why"] = "Because you have a substance use disorder."

    def bad_id(d):
        _question(d, "medical")["id"] = "Medical Issues"

    def unquoted_yes(d):
        _question(d, "attend")["choices"][2]["synonyms"].append(True)

    def last_use_choice_without_days(d):
        del _question(d, "last_use")["choices"][0]["days"]

    def recent_choice_question(d):
        _question(d, "support")["recent"] = True

    return [
        (drop_version, "version"),
        (dup_id, "questions[:suicidal_thoughts].id"),
        (bad_type, "questions[:medical].type"),
        (bad_area, "questions[:medical].area"),
        (no_other_text, "questions[:medical].text.other"),
        (bad_condition_op, "questions[:withdrawal].ask_if"),
        (unknown_question_in_condition, "questions[:withdrawal].ask_if.answer"),
        (look_ahead, "questions[:withdrawal].ask_if.answer"),
        (bad_choice_value, "questions[:alcohol_frequency].ask_if.contains"),
        (too_few_choices, "questions[:readiness].choices"),
        (frequency_gap, "questions[:use_frequency].choices[1].per_week"),
        (missing_points, "questions[:phq_mood].instrument"),
        (diagnostic_text, "questions[:medical].why"),
        (bad_id, "questions[*].id"),
        (unquoted_yes, "questions[:attend].choices[2].synonyms"),
        (last_use_choice_without_days, "questions[:last_use].choices[0].days"),
        (recent_choice_question, "questions[:support].recent"),
    ]


@pytest.mark.parametrize(("mutate", "field"), _mutations_questionnaire(), ids=_case_id)
def test_malformed_questionnaire_names_file_and_field(tmp_path, mutate, field):
    data = copy.deepcopy(QUESTIONNAIRE)
    mutate(data)
    path = tmp_path / "broken_questionnaire.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    with pytest.raises(ScreeningDataError) as err:
        load_questionnaire(path)
    assert err.value.file == str(path)
    assert _field_matches(err.value.field, field), err.value
    assert str(path) in str(err.value) and err.value.field in str(err.value)


def _mutations_criteria():
    def bad_effect(d):
        _criterion(d, "no_support")["effect"] = "block"

    def no_source(d):
        _criterion(d, "no_support")["sources"] = []

    def no_quote(d):
        del _criterion(d, "stopped_using")["sources"][0]["quote"]

    def bad_source_file(d):
        _criterion(d, "stopped_using")["sources"][0]["file"] = "seed.txt"

    def red_flag_outside_safety_or_detox(d):
        _criterion(d, "no_support")["effect"] = "red_flag"

    def wrong_risk(d):
        _criterion(d, "no_support")["risk"] = "low"

    def bad_value(d):
        _criterion(d, "no_support")["when"] = {"answer": "support", "equals": "nobody"}

    def numeric_on_choice(d):
        _criterion(d, "no_support")["when"] = {"answer": "support", "gte": 2}

    def contains_on_single(d):
        _criterion(d, "no_support")["when"] = {"answer": "support", "contains": "none"}

    def unknown_score(d):
        _criterion(d, "audit_c_positive")["when"] = {"score": "audit", "gte": 4}

    def two_keys(d):
        _criterion(d, "no_support")["when"] = {"all": [{"answer": "support", "equals": "none"}], "any": []}

    def missing_band(d):
        del d["bands"]["iop_review"]

    def bad_placeholder(d):
        d["bands"]["urgent_safety"]["person"]["sms"] = "Call {hotline} now."

    def conflict_single_source(d):
        _criterion(d, "no_support")["conflict"] = True

    def duplicate(d):
        d["criteria"].append(copy.deepcopy(_criterion(d, "no_support")))

    def labelling_person_text(d):
        _criterion(d, "no_support")["person"] = "As an alcoholic you need more support."

    def missing_when(d):
        del _criterion(d, "no_support")["when"]

    return [
        (bad_effect, "criteria[:no_support].effect"),
        (no_source, "criteria[:no_support].sources"),
        (no_quote, "criteria[:stopped_using].sources[0].quote"),
        (bad_source_file, "criteria[:stopped_using].sources[0].file"),
        (red_flag_outside_safety_or_detox, "criteria[:no_support].area"),
        (wrong_risk, "criteria[:no_support].risk"),
        (bad_value, "criteria[:no_support].when.equals"),
        (numeric_on_choice, "criteria[:no_support].when.gte"),
        (contains_on_single, "criteria[:no_support].when.contains"),
        (unknown_score, "criteria[:audit_c_positive].when.score"),
        (two_keys, "criteria[:no_support].when"),
        (missing_band, "bands"),
        (bad_placeholder, "bands.urgent_safety.sms"),
        (conflict_single_source, "criteria[:no_support].conflict"),
        (duplicate, "criteria[:no_support].id"),
        (labelling_person_text, "criteria[:no_support].person"),
        (missing_when, "criteria[:no_support].when"),
    ]


@pytest.mark.parametrize(("mutate", "field"), _mutations_criteria(), ids=_case_id)
def test_malformed_criteria_names_file_and_field(tmp_path, mutate, field, questionnaire):
    data = copy.deepcopy(CRITERIA)
    mutate(data)
    path = tmp_path / "broken_criteria.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    with pytest.raises(ScreeningDataError) as err:
        load_criteria(path, questionnaire)
    assert err.value.file == str(path)
    assert _field_matches(err.value.field, field), err.value


@pytest.mark.parametrize(("content", "field"), [
    ("version: 1\nquestions: [\n", "line"),
    ("- just\n- a list\n", "(top level)"),
    ("", "(top level)"),
])
def test_unreadable_yaml(tmp_path, content, field):
    path = tmp_path / "q.yml"
    path.write_text(content)
    with pytest.raises(ScreeningDataError) as err:
        load_questionnaire(path)
    assert err.value.field.startswith(field) and err.value.file == str(path)


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(ScreeningDataError) as err:
        load_criteria(tmp_path / "nope.yml")
    assert err.value.file.endswith("nope.yml")


def test_criteria_structure_only_without_questionnaire(tmp_path):
    """With an explicit path and no questionnaire, only the structure is checked."""
    data = copy.deepcopy(CRITERIA)
    _criterion(data, "no_support")["when"] = {"answer": "not_a_question", "equals": "x"}
    path = Path(tmp_path) / "c.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    assert load_criteria(path).get("no_support") is not None
    with pytest.raises(ScreeningDataError):
        load_criteria(path, load_questionnaire())
