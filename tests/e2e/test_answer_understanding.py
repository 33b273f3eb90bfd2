"""Answers read the way people give them, over REST against real Rasa and action servers: the confirm-back, the
told re-ask, choose-all-that-apply buttons, and results that follow the answers (detox first)."""

import pytest

from bot.store import repositories
from tests.e2e.conversation import all_text, answer_all, asked_question, database, is_confirm_back, start

pytestmark = pytest.mark.e2e

NO_RISK = {"suicidal_thoughts": "no", "suicide_plan": "no", "suicide_behavior": "no", "harm_others": "no"}


def _reach(stack, sender, target, answers, who="self", first="for myself"):
    """Answer until ``target`` is the open question; return the replies that asked it."""
    replies = start(stack, sender, first)
    for _ in range(30):
        qid = asked_question(replies, who)
        if qid == target:
            return replies
        assert qid is not None, all_text(replies)
        replies = stack.send(sender, answers.get(qid, "not sure"))
        if is_confirm_back(replies):
            replies = stack.send(sender, "yes")
    raise AssertionError(f"{target} was never asked")


def _finish(stack, sender, replies, answers=None):
    """Answer the rest ("not sure" by default) and return the stored answers."""
    answer_all(stack, sender, replies, answers or {})
    with database(stack) as session:
        return repositories.latest_screening(session, sender).answers


WITHDRAWAL_OPEN = {**NO_RISK, "substances": "alcohol", "last_use": "yesterday"}


def test_an_answer_in_between_is_said_back_and_stored_when_confirmed(stack):
    sender = "understand-confirm"
    _reach(stack, sender, "withdrawal", WITHDRAWAL_OPEN)
    said_back = stack.send(sender, "maybe a lil")
    assert is_confirm_back(said_back), all_text(said_back)
    assert any(b.get("payload") == "/affirm" for r in said_back for b in r.get("buttons") or [])
    after = stack.send(sender, "yes")
    assert asked_question(after) == "seizure_history"
    assert _finish(stack, sender, after)["withdrawal"] in ("yes", "unsure")


def test_a_no_to_the_say_back_asks_the_question_again(stack):
    sender = "understand-confirm-no"
    _reach(stack, sender, "withdrawal", WITHDRAWAL_OPEN)
    assert is_confirm_back(stack.send(sender, "maybe a lil"))
    again = stack.send(sender, "no")
    assert "try that one again" in all_text(again) and asked_question(again) == "withdrawal"


def test_not_understood_is_said_with_examples_then_noted_as_not_sure(stack):
    sender = "understand-reask"
    _reach(stack, sender, "support", {**NO_RISK, "substances": "none of these"})
    first = all_text(stack.send(sender, "purple monkey dishwasher"))
    assert "didn't understand" in first and '"my family"' in first
    second = stack.send(sender, "purple monkey dishwasher")
    assert "note that one as not sure" in all_text(second)
    assert asked_question(second) not in (None, "support")


def test_choose_all_that_apply_with_buttons_then_done(stack):
    sender = "understand-multi"
    asked = _reach(stack, sender, "substances", NO_RISK)
    payloads = {b["title"]: b["payload"] for r in asked for b in r.get("buttons") or []}
    benzos = next(p for t, p in payloads.items() if t.startswith("Benzodiazepines"))
    ticked = stack.send(sender, payloads["Alcohol"])
    assert asked_question(ticked) == "substances"
    titles = [b["title"] for r in ticked for b in r.get("buttons") or []]
    assert titles[0].startswith("\u2713") and titles[-1] == "Done"
    stack.send(sender, benzos)
    unticked = stack.send(sender, payloads["Alcohol"])  # a second click takes it off again
    done = next(b["payload"] for r in unticked for b in r.get("buttons") or [] if b["title"] == "Done")
    replies = stack.send(sender, done)
    assert asked_question(replies) == "last_use"
    assert _finish(stack, sender, replies)["substances"] == ["benzodiazepines"]


def test_typed_numbers_choose_several(stack):
    sender = "understand-numbers"
    _reach(stack, sender, "substances", NO_RISK)
    replies = stack.send(sender, "1 and 6")
    assert asked_question(replies) == "last_use"
    assert _finish(stack, sender, replies)["substances"] == ["alcohol", "cannabis"]


# Daily Xanax with withdrawal described in the person's own words: detox first, not "IOP may fit".
XANAX_DAILY = {**NO_RISK, "substances": "xanax", "last_use": "this morning",
               "withdrawal": "I get panicky and shaky if I miss a day", "seizure_history": "no",
               "use_frequency": "every day", "medical": "no", "readiness": "ready"}


def test_daily_benzos_with_withdrawal_in_own_words_is_detox_first(stack):
    sender = "understand-xanax"
    replies, asked = answer_all(stack, sender, start(stack, sender), XANAX_DAILY)
    with database(stack) as session:
        screening = repositories.latest_screening(session, sender)
        assert screening.answers["withdrawal"] == "yes"
        assert screening.band == "detox_first"


def test_a_parent_answering_for_a_drinking_son_gets_detox_first(stack):
    sender = "understand-parent"
    answers = {**NO_RISK, "substances": "he drinks", "last_use": "last night",
               "withdrawal": "he gets the shakes in the morning till he has a beer", "alcohol_frequency": "every day",
               "alcohol_amount": "a twelve pack", "alcohol_binge": "every day"}
    replies, asked = answer_all(stack, sender, start(stack, sender, "it's for my son"), answers, who="other")
    with database(stack) as session:
        screening = repositories.latest_screening(session, sender)
        assert screening.for_whom == "other" and screening.answers["withdrawal"] == "yes"
        assert screening.band == "detox_first"
