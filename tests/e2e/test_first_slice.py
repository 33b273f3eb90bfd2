"""The foundation slice over REST against real Rasa and action servers: notice, consent, a question, goodbye."""

import pytest

from tests.support.stack import texts

pytestmark = pytest.mark.e2e


def test_greeting_notice_consent_question_goodbye(stack):
    sender = "slice-1"
    first = texts(stack.send(sender, "hi"))
    assert "not medical advice" in first
    assert "988" in first and "911" in first
    assert "ok to go ahead" in first or "store your answers" in first

    who = texts(stack.send(sender, "yes"))
    assert "yourself or for someone you care about" in who

    question = stack.send(sender, "for myself")
    assert question, "the screening form must ask its first question"
    first_question = question[-1]["text"]
    assert first_question.strip().endswith("?") or "reply" in first_question.lower()

    bye = texts(stack.send(sender, "bye"))
    assert "take care" in bye
    assert "continue" in bye  # progress is kept and the person is told how to resume


def test_declining_consent_ends_kindly_with_help(stack):
    sender = "slice-2"
    stack.send(sender, "hello")
    reply = texts(stack.send(sender, "no"))
    assert "nothing you told me has been stored" in reply
    assert "988" in reply and "911" in reply
