"""The action server's warm-up: the example models of the questions everyone is asked are built in a
background thread at start, the others on their first answer; a failure leaves answers working."""

from __future__ import annotations

import logging

from actions.common import screening_data, warm_up_in_background
from bot.screening.reading import _EXAMPLE_TYPES, AnswerReader, default_reader


def test_the_models_of_the_questions_everyone_is_asked_are_built_in_the_background():
    reader = AnswerReader(default_reader().examples)  # n-grams only: no sentence encoder in a unit test
    thread = warm_up_in_background(reader)
    thread.join(timeout=300)
    assert not thread.is_alive() and thread.daemon
    questionnaire, _ = screening_data()
    always = {q.id for q in questionnaire if not q.ask_if and q.type in _EXAMPLE_TYPES}
    assert always and set(reader._models) == always  # noqa: SLF001 - which models exist is the point
    conditional = next(q for q in questionnaire if q.ask_if and q.type == "yes_no_unsure")
    assert conditional.id not in reader._models  # noqa: SLF001
    assert reader.read(conditional, "yes").value == "yes"  # built on first use, as before


def test_a_failed_warm_up_is_logged_and_answers_still_work(caplog):
    class Broken(AnswerReader):
        def warm_up(self, _questions):
            raise RuntimeError("encoder file missing")

    reader = Broken(default_reader().examples)
    with caplog.at_level(logging.ERROR, logger="actions.common"):
        warm_up_in_background(reader).join(timeout=60)
    assert "warming up the answer models failed" in caplog.text
    questionnaire, _ = screening_data()
    first = next(iter(questionnaire))
    assert reader.read(first, "no").value is not None
