"""Corrections phrased as answers are told apart from answers that merely mention what was said."""

import pytest

from bot.conversation.navigation import is_correction, question_to_change
from bot.screening import load_questionnaire


@pytest.mark.parametrize("text", [
    "i said weekly but its daily", "i said i drink on weekends but honestly its most nights",
    "correction, i last used 3 days ago not a week ago", "i said i live alone but i actually live with my sister",
    "i put evenings but mornings work better", "i said no to treatment before but i did rehab in 2020",
    "oops i meant yes", "wait, i said no but it's yes", "Earlier I said never but it's actually weekly",
])
def test_corrections_are_recognised(text):
    assert is_correction(text)


@pytest.mark.parametrize("text", [
    "i said i would go to aa but i never went", "my doctor said i should cut back", "every day",
    "i told you already, mostly beer", "no", "", "i meant it when i said i want help",
])
def test_answers_are_not_corrections(text):
    assert not is_correction(text)


def test_the_correction_points_at_the_question_it_names():
    questionnaire = load_questionnaire()
    answers = {"suicidal_thoughts": "no", "home": ["alone"], "support": "unclear"}
    target = question_to_change("i said i live alone but i actually live with my sister", questionnaire, answers)
    assert target.id == "home"
