"""Which language a short message is in, and Spanish numbers/times read by the answer parsers."""

import datetime as dt

import pytest

from bot.screening.parsers import days_per_week, days_since_last_use, parse_number, parse_yes_no
from bot.text.language import guess_language

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize("text, expected", [
    ("hace como 3 semanas", "es"), ("nomas los fines de semana", "es"), ("hola necesito ayuda", "es"),
    ("my son uses every day", "en"), ("si, like every day", "en"), ("no", None), ("ok", None)])
def test_guess_language(text, expected):
    assert guess_language(text) == expected


@pytest.mark.parametrize("text, days", [
    ("hace como 3 semanas", 21), ("hace una semana", 7), ("antier", 2), ("ayer", 1), ("anoche", 1),
    ("llevo dos semanas sin nada", 14), ("hace un año que no pruebo el guaro", 365),
    ("hace ratito, todavia ando pedo", 0), ("una semana y media", 10),
    ("ni me acuerdo, como 10 dias?", 10), ("como 4 meses, desde que sali del anexo", 120),
    ("no he tocado nada en 3 meses", 90), ("me fume uno antes de venir", 0)])
def test_spanish_last_use(text, days):
    assert days_since_last_use(text, TODAY) == days


@pytest.mark.parametrize("text, days", [("idk like 10 days", 10), ("honestly maybe 2 weeks", 14),
                                        ("drinking 3 days a week", None), ("been using for 10 years", None),
                                        ("he is 17 years old", None), ("in 3 days", None),
                                        ("3 days or 2 weeks", None)])
def test_one_bare_span_answers_when_last_used(text, days):
    """The only span in a reply to "when did you last use?" says how long ago; a rate, an age, a
    duration of use, the future or two different spans do not."""
    assert days_since_last_use(text, TODAY) == days


@pytest.mark.parametrize("text, number", [("dos o tres", 3), ("cinco o seis shots", 6), ("nomas una o dos", 2),
                                          ("mi papa unas 10 o 12", 12), ("idk like 8", 8),
                                          ("a six pack plus 3 shots", 9), ("not more than 3", 3)])
def test_numbers_in_both_languages(text, number):
    units = {"six pack": 6, "6 pack": 6}
    assert parse_number(text, units) == number


@pytest.mark.parametrize("text, rate", [("de lunes a viernes", 5.0), ("casi diario", 5.0), ("mon thru fri", 5.0),
                                        ("tues thurs sat", 3.0), ("every sunday", 1.0),
                                        ("i dont use daily, only fridays and saturdays", 2.0),
                                        ("like 6 days outta 7", 6.0), ("a few days a week, like 5", 5.0)])
def test_frequencies_in_both_languages(text, rate):
    assert days_per_week(text) == rate


@pytest.mark.parametrize("text, value, strong", [
    ("si", "yes", True), ("nel", "no", True), ("para nada", "no", True), ("no se", "unsure", True),
    ("no i can stop whenever", "no", True), ("i havent showered in a week", "no", False),
    ("nope", "no", True), ("creo q no, pero esta muy callado", "no", False)])
def test_yes_no_readings_say_how_strong_they_are(text, value, strong):
    parsed = parse_yes_no(text)
    assert (parsed.value, parsed.strong) == (value, strong)


@pytest.mark.parametrize("text, unsure", [
    ("no sé", True), ("no se, tal vez", True), ("no sé si cuenta", True), ("nose", True), ("no se q decir", True),
    # "no se" before a verb or pronoun is reflexive, not "I don't know": the reply is about the person
    ("no se droga", False), ("no se me antoja", False), ("no se lo ha dicho a nadie", False),
])
def test_no_se_is_not_knowing_only_when_nothing_or_a_clause_follows(text, unsure):
    from bot.text.normalise import answer_form

    assert ("do not know" in answer_form(text)) is unsure, answer_form(text)


@pytest.mark.parametrize("typed, same_as", [("no se baña", "no se bana"), ("mañana", "manana"), ("niño", "nino")])
def test_n_with_tilde_is_read_as_typed_without_it_not_dropped(typed, same_as):
    from bot.text.normalise import answer_form

    assert answer_form(typed) == answer_form(same_as) == same_as
