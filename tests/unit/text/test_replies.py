"""One reader of short replies: option numbers, yes / no / not sure, consent agreement."""

import pytest

from bot.text.normalise import answer_form
from bot.text.replies import agreement, option_index, option_number, polarity_only, yes_no_value


@pytest.mark.parametrize("typed,number", [
    ("2", 2), (" #2 ", 2), ("2.", 2), ("3)", 3), ("option 1", 1), ("Option 1", 1), ("number 4", 4),
    ("No. 2", 2), ("choice 3", 3), ("answer 1", 1), ("12", 12),
    ("", None), ("two", None), ("2 times", None), ("1 and 3", None), ("123", None), ("yes", None),
])
def test_option_number(typed, number):
    assert option_number(typed) == number


def test_option_index_marks_missing_options():
    assert option_index("1", 3) == 0
    assert option_index("#3", 3) == 2
    assert option_index("4", 3) == -1
    assert option_index("0", 3) == -1
    assert option_index("maybe", 3) is None


@pytest.mark.parametrize("typed,value,strong", [
    ("yeah", "yes", True), ("nope", "no", True), ("idk", "unsure", True), ("absolutely not", "no", True),
    ("not that i know of", "no", True), ("yes a lot", "yes", True), ("kinda", "yes", True),
    ("i havent showered in a week", "no", False),
])
def test_yes_no_value_reads_the_answer_form(typed, value, strong):
    words = answer_form(typed)
    assert yes_no_value(words) == value
    assert polarity_only(words) is strong


def test_yes_and_no_together_is_no_answer():
    assert yes_no_value(answer_form("yes and no")) is None
    assert yes_no_value(answer_form("the weather")) is None


@pytest.mark.parametrize("typed,agreed", [
    ("ok", True), ("Sure!", True), ("go ahead", True), ("dale", True), ("Sí", True),
    ("no thanks", False), ("not now", False), ("I don't agree", False), ("mejor no", False),
    ("what is IOP?", None), ("", None),
])
def test_agreement(typed, agreed):
    assert agreement(typed) is agreed
