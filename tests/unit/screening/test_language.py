"""No diagnostic or labelling language anywhere the screening writes; quotes stay verbatim sources."""

import pytest

from bot.screening import DISCLAIMER, DISCLAIMER_SHORT, find_diagnostic_language, person_message, score

from .helpers import walk_answers


def _all_texts(questionnaire, criteria):
    texts = []
    for q in questionnaire:
        texts += [q.why, q.label] + [q.text(who, ch) for who in ("self", "other") for ch in ("web", "sms")]
        texts += [c.label for c in q.choices] + [c.short for c in q.choices if c.short]
    for inst in questionnaire.instruments.values():
        texts += [inst.name, inst.note]
    for c in criteria:
        texts += [c.staff, c.person]
    for band in criteria.bands.values():
        texts += [band.label, band.web, band.sms]
    return texts + [DISCLAIMER, DISCLAIMER_SHORT]


def test_no_diagnostic_language_in_questionnaire_criteria_and_bands(questionnaire, criteria):
    texts = _all_texts(questionnaire, criteria)
    assert len(texts) > 300
    offenders = [(t, find_diagnostic_language(t)) for t in texts if find_diagnostic_language(t)]
    assert offenders == []


@pytest.mark.parametrize("overrides", [
    {}, {"suicidal_thoughts": "yes"}, {"withdrawal": "yes", "last_use": 1, "substances": ["alcohol"]},
    {"home": ["no_home"]}, {"relapse": "yes"}, {"recent_treatment": "php"}, {"mental_health": ["psychosis"]},
    {"readiness": "someone_else", "group": "uncomfortable", "attend": "hard"},
])
def test_no_diagnostic_language_in_person_messages(questionnaire, criteria, overrides):
    result = score(walk_answers(questionnaire, overrides), questionnaire, criteria)
    for channel in ("web", "sms"):
        assert find_diagnostic_language(person_message(result, channel=channel)) == []


@pytest.mark.parametrize("text", [
    "You have a substance use disorder.", "you are an addict", "He's an alcoholic", "We diagnosed you",
    "a diagnosis of depression", "you suffer from anxiety", "people suffering from addiction", "junkies",
    "drug abusers", "You've got a problem", "addiction",
])
def test_the_guard_catches_diagnostic_phrases(text):
    assert find_diagnostic_language(text)


@pytest.mark.parametrize("text", [
    "This is not medical advice or a diagnosis.", "It is not a diagnosis.", "Do you have a place to stay?",
    "How often did you have six drinks?", "someone who uses alcohol", "a screening score, not a diagnosis",
    "Screens are never a diagnosis.",
])
def test_the_guard_allows_the_notice_and_questions(text):
    assert find_diagnostic_language(text) == []


def test_seed_quotes_are_kept_verbatim_even_when_they_label(criteria):
    """Quotes cite the seeds word for word (some say "addiction"); staff see them, the person never does."""
    quotes = [s.quote for c in criteria for s in c.sources]
    assert any(find_diagnostic_language(q) for q in quotes)
    for c in criteria:
        assert not find_diagnostic_language(c.person)
