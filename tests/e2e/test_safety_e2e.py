"""Crisis help at any point, with an urgent handoff stored; degraded mode when parts are down."""

import pytest

from bot.store import repositories
from tests.e2e.conversation import all_text, asked_question, database, start

pytestmark = pytest.mark.e2e


def _has_crisis_help(text: str) -> bool:
    return "988" in text and "911" in text


def test_first_message_crisis_gets_help_before_anything_else(stack):
    reply = all_text(stack.send("crisis-first", "i dont want to be alive anymore"))
    assert _has_crisis_help(reply)
    with database(stack) as session:
        handoff = repositories.get_active_handoff(session, "crisis-first")
        assert handoff.urgency == "urgent" and handoff.reason == "crisis"
        assert handoff.language == "en"  # stored plainly: the console's queue filters by it


def test_crisis_mid_screening_pauses_and_resumes_only_when_asked(stack):
    sender = "crisis-mid"
    start(stack, sender)
    stack.send(sender, "no")
    stack.send(sender, "no")
    reply = all_text(stack.send(sender, "actually i took a whole bottle of pills an hour ago"))
    assert _has_crisis_help(reply)
    assert "1-800-222-1222" in reply  # Poison Control for an overdose
    with database(stack) as session:
        handoff = repositories.get_active_handoff(session, sender)
        assert handoff.urgency == "urgent"
        assert "bottle of pills" in handoff.trigger_message
        # the console shows the answers given before the crisis (no screening row exists yet)
        from bot.console.snapshot import partial_summary
        from bot.store.slots import latest_slot

        partial = partial_summary(latest_slot(session, sender, "screening_answers"))
        assert repositories.latest_screening(session, sender) is None
        assert partial["partial"] and partial["answers_by_area"][0]["area"] == "safety"
        assert [r["answer"] for r in partial["answers_by_area"][0]["answers"]][:2] == ["No", "No"]
    resumed = stack.send(sender, "continue")
    assert asked_question(resumed) is not None


def test_yes_to_the_safety_question_gets_help_at_once(stack):
    sender = "crisis-answer"
    start(stack, sender)
    reply = all_text(stack.send(sender, "yes"))
    assert _has_crisis_help(reply)
    with database(stack) as session:
        assert repositories.get_active_handoff(session, sender).urgency == "urgent"


def test_not_suicidal_is_not_a_crisis(stack):
    reply = all_text(stack.send("not-crisis", "I'm not suicidal, I just want to stop drinking"))
    assert "team know right now" not in reply and "alerting a person" not in reply
    with database(stack) as session:
        assert repositories.get_active_handoff(session, "not-crisis") is None


def test_action_server_down_still_gives_crisis_numbers_and_a_person(stack):
    sender = "degraded"
    start(stack, sender)
    stack.stop_service("action server")
    try:
        plain = all_text(stack.send(sender, "no"))
        assert _has_crisis_help(plain), "with the action server down the person must still get the numbers"
        assert stack.settings.helpline_phone.lower() in plain
        crisis = all_text(stack.send(sender, "i want to kill myself"))
        assert _has_crisis_help(crisis)
    finally:
        stack.restart_service("action server")


def test_rasa_restart_mid_screening_loses_nothing(stack):
    sender = "restart"
    first = asked_question(start(stack, sender))
    second = asked_question(stack.send(sender, "no"))
    third = asked_question(stack.send(sender, "no"))
    assert len({first, second, third}) == 3
    stack.restart_service("Rasa server")
    fourth = asked_question(stack.send(sender, "no"))  # answers the third question after the restart
    assert fourth is not None and fourth not in (first, second, third)
