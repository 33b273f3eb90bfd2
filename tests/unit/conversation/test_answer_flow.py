"""What a message typed while a question is open becomes: an answer first; a command only when it clearly is one."""

import pytest

from bot.conversation.answer_flow import DONE, State, Turn, clear_command, decide
from bot.screening.conditions import UNCLEAR
from bot.screening.examples import load_examples
from bot.screening.reading import AnswerReader


@pytest.fixture(scope="module")
def questionnaire():
    from bot.screening import load_questionnaire

    return load_questionnaire()


@pytest.fixture(scope="module")
def reader():
    return AnswerReader(load_examples())  # n-grams only: fast, and enough for these cases


@pytest.mark.parametrize("text, command", [
    ("stop", "stop"), ("can we stop", "stop"), ("pause this", "stop"), ("not now", "stop"), ("never mind", "stop"),
    ("bye", "goodbye"), ("gotta go", "goodbye"), ("go back", "go_back"), ("ya no quiero seguir", "stop"),
    ("i want to stop using", None), ("i can stop whenever", None), ("stop drinking", None), ("no", None)])
def test_clear_commands(text, command):
    assert clear_command(text) == command


def test_an_answer_shaped_message_is_an_answer_even_if_classified_as_stop(reader, questionnaire):
    turn = Turn("i want to stop using, i think im ready", intent="stop_screening", confidence=0.9)
    outcome = decide(questionnaire["readiness"], turn, State(), reader)
    assert outcome.kind in ("store", "confirm") and outcome.value == "ready_now"


def test_a_stop_classified_message_that_is_no_answer_stops(reader, questionnaire):
    outcome = decide(questionnaire["support"], Turn("gotta run, later", intent="goodbye", confidence=0.95),
                     State(), reader)
    assert outcome.kind == "command" and outcome.command == "goodbye"


def test_confirm_back_yes_stores_no_asks_again_and_a_new_answer_is_read(reader, questionnaire):
    question = questionnaire["withdrawal"]
    pending = State(pending="yes")
    assert decide(question, Turn("/affirm", intent="affirm"), pending, reader).kind == "store"
    assert decide(question, Turn("yes"), pending, reader).value == "yes"
    again = decide(question, Turn("nope"), pending, reader)
    assert again.kind == "reask" and again.state.pending is None
    new = decide(question, Turn("I feel fine when I stop, honestly nothing happens"), pending, reader)
    assert new.kind in ("store", "confirm")


def test_second_miss_gives_up_as_unclear(reader, questionnaire):
    question = questionnaire["support"]
    first = decide(question, Turn("purple"), State(), reader)
    assert first.kind == "reask" and first.state.reasks == 1
    second = decide(question, Turn("purple"), first.state, reader)
    assert second.kind == "give_up" and second.value == UNCLEAR


@pytest.mark.parametrize("question_id, text", [
    ("alcohol_amount", "idk i lose count"), ("alcohol_amount", "no se, pierdo la cuenta"),
    ("last_use", "honestly cant remember")])
def test_i_do_not_know_to_a_number_is_noted_as_not_sure_at_once(reader, questionnaire, question_id, text):
    outcome = decide(questionnaire[question_id], Turn(text), State(), reader)
    assert outcome.kind == "give_up" and outcome.value == UNCLEAR


def test_a_number_that_is_not_understood_is_still_asked_again(reader, questionnaire):
    outcome = decide(questionnaire["alcohol_amount"], Turn("purple"), State(), reader)
    assert outcome.kind == "reask"
    assert decide(questionnaire["alcohol_amount"], Turn("idk like 4"), State(), reader).value == 4


def test_choose_all_buttons_toggle_and_done(reader, questionnaire):
    question = questionnaire["home"]
    one = decide(question, Turn(clicked="stable"), State(), reader)
    two = decide(question, Turn(clicked="someone_uses"), one.state, reader)
    assert two.kind == "toggle" and list(two.state.selected) == ["stable", "someone_uses"]
    off = decide(question, Turn(clicked="stable"), two.state, reader)
    assert list(off.state.selected) == ["someone_uses"]
    done = decide(question, Turn(clicked=DONE), off.state, reader)
    assert (done.kind, done.value) == ("store", ["someone_uses"])
    assert decide(question, Turn(clicked=DONE), State(), reader).kind == "reask"  # nothing picked yet
    exclusive = decide(questionnaire["substances"], Turn(clicked="none"), State(selected=("alcohol",)), reader)
    assert (exclusive.kind, exclusive.value) == ("store", ["none"])
