"""Spanish: fear of a seizure while already in withdrawal (stopped at once, days without, shaking) is dangerous
withdrawal, not a hypothesis; the same fear about quitting later ("si dejo", "cuando deje") is not a crisis."""

import pytest

from bot.safety import assess


@pytest.mark.parametrize("text", [
    "deje el klonopin de golpe hace 3 dias y tengo miedo de convulsionar, estoy temblando mucho",
    "tengo miedo de convulsionar, deje las pastillas de golpe",
    "me da miedo tener una convulsion, llevo 2 dias sin tomar y tiemblo",
])
def test_fear_of_a_seizure_in_withdrawal_now_is_a_crisis(text):
    assessment = assess(text, use_model=False)
    assert (assessment.level, assessment.category) == ("crisis", "dangerous_withdrawal"), text


@pytest.mark.parametrize("text", [
    "me da miedo convulsionar si dejo de tomar de golpe",
    "tengo miedo de convulsionar cuando deje el alcohol de golpe",
    "quiero dejar el clonazepam pero tengo miedo de las convulsiones",
])
def test_fear_of_a_seizure_when_quitting_later_is_not(text):
    assert assess(text, use_model=False).level != "crisis", text
