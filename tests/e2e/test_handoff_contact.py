"""Asking for a person before the screening, over REST against real Rasa and action servers: how to reach them
is understood from a typed phone number, and an answer the bot cannot read is asked at most three times."""

import pytest

from tests.support.stack import texts

pytestmark = pytest.mark.e2e


def _to_contact_question(stack, sender: str) -> str:
    stack.send(sender, "hi")
    stack.send(sender, "yes")
    return texts(stack.send(sender, "i want to talk to a person"))


def test_a_method_it_cannot_read_is_asked_three_times_then_the_chat_stays_open(stack):
    sender = "contact-loop"
    assert "how would you like our team to reach you" in _to_contact_question(stack, sender)
    first = texts(stack.send(sender, "Sam"))
    assert "didn't catch that" in first and "reach you" in first
    second = texts(stack.send(sender, "whenever works"))
    assert "didn't catch that" in second and "reach you" in second
    third = texts(stack.send(sender, "continue"))
    assert "reply to you right here" in third
    assert "reach you" not in third and "first name" in third  # the form moves on


def test_a_typed_phone_number_means_call_me_there(stack):
    sender = "contact-phone"
    _to_contact_question(stack, sender)
    reply = texts(stack.send(sender, "555 010 4242"))
    assert "good time to reach you" in reply  # method and number taken; the number is not asked again
    assert "what number" not in reply and "didn't catch" not in reply
