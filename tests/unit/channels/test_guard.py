"""The channel guard: what the person receives when the dialogue fails, stays silent or the database is down."""

import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.guard import guarded
from tests.unit.channels.conftest import fresh_database


@pytest.fixture
def database(tmp_path, monkeypatch):
    """Point the guard at a fresh SQLite file; returns a function that makes the database unreachable."""
    from bot import config

    def break_it():  # a database file in a directory that does not exist cannot be opened
        monkeypatch.setenv("IOPBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'gone' / 'guard.db'}")
        config.get_settings.cache_clear()

    with fresh_database(tmp_path, monkeypatch):
        yield break_it


def _run(dialogue, text, app=None) -> list[str]:
    """Send ``text`` through the guard around ``dialogue``; the texts the person received."""
    output = CollectingOutputChannel()
    message = UserMessage(text, output, sender_id="guard-1", input_channel="rest")
    asyncio.run(guarded(dialogue)(message, app))
    return [m.get("text") or "" for m in output.messages]


async def _answers(message: UserMessage) -> None:
    await message.output_channel.send_text_message(message.sender_id, "Thanks. Next question: how often?")


async def _breaks(_message: UserMessage) -> None:
    raise RuntimeError("action server down")


async def _says_nothing(_message: UserMessage) -> None:
    return None


@pytest.mark.usefixtures("database")
def test_an_ordinary_reply_goes_out_unchanged():
    assert _run(_answers, "every day") == ["Thanks. Next question: how often?"]


@pytest.mark.parametrize("dialogue", [_breaks, _says_nothing])
@pytest.mark.usefixtures("database")
def test_a_failed_or_empty_dialogue_still_gives_the_crisis_numbers(dialogue):
    texts = _run(dialogue, "every day")
    assert len(texts) == 1 and "988" in texts[0] and "911" in texts[0]


def test_with_the_database_down_the_reply_carries_the_crisis_numbers(database):
    database()
    texts = _run(_answers, "every day")
    assert texts[0] == "Thanks. Next question: how often?"
    assert "988" in texts[-1] and "911" in texts[-1] and "trouble" in texts[-1]


@pytest.mark.usefixtures("database")
def test_a_crisis_the_dialogue_missed_gets_the_crisis_answer_and_an_urgent_handoff():
    from bot.store import repositories

    texts = _run(_answers, "i took all my pills an hour ago")
    assert any("988" in t or "911" in t for t in texts[1:])
    handoff = repositories.get_active_handoff("guard-1")
    assert handoff is not None and handoff.urgency == "urgent" and handoff.reason == "crisis"


@pytest.mark.usefixtures("database")
def test_the_dialogue_and_the_handoff_get_text_without_lone_surrogates():
    """"ki\\ud800ll" is a crisis; the dialogue reads (and stores) "kill", and the urgent handoff is recorded."""
    from bot.store import repositories as repo

    seen: list[str] = []

    async def _reads(message: UserMessage) -> None:
        seen.append(message.text)
        raise RuntimeError("the dialogue failed after reading")

    texts = _run(_reads, "I want to ki\ud800ll myself")
    assert seen == ["I want to kill myself"]
    assert any("988" in t for t in texts)
    from bot.store import db

    with db.session_scope() as s:
        open_one = repo.get_active_handoff(s, "guard-1")
        assert open_one is not None and open_one.urgency == "urgent"
        assert open_one.trigger_message == "I want to kill myself"


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize(("busy", "early"), [(True, True), (False, False)])
def test_a_crisis_gets_the_numbers_before_the_dialogue_when_the_conversation_is_locked(busy, early):
    """A ticket on the conversation's lock (an earlier message running, a dead node's ticket) would make the
    dialogue wait up to a minute: the numbers go out first. An idle conversation is answered by the dialogue."""
    from types import SimpleNamespace

    from rasa.core.lock_store import InMemoryLockStore

    locks = InMemoryLockStore()
    if busy:
        locks.issue_ticket("guard-1")
    sent_before: list[bool] = []

    async def _notes(message: UserMessage) -> None:
        sent_before.append(any("988" in m.get("text", "") for m in message.output_channel.inner.messages))
        await message.output_channel.send_text_message(message.sender_id, "Please call or text 988 now.")

    app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(lock_store=locks)))
    texts = _run(_notes, "i want to kill myself", app=app)
    assert sent_before == [early]
    assert any("988" in t for t in texts)


def _run_repeat(stored: list[str], text: str, app=None) -> list[str]:
    """A copy of a message handled before: the guard's ``repeat`` sends the stored replies ``stored`` straight
    to the channel's output (as the channels' ``send_again`` does, past the guard's recording)."""
    output = CollectingOutputChannel()
    message = UserMessage(text, output, sender_id="guard-1", input_channel="rest")

    async def repeat() -> list[dict]:
        for line in stored:
            await output.send_text_message(message.sender_id, line)
        return [{"recipient_id": message.sender_id, "text": line} for line in stored]

    asyncio.run(guarded(_breaks)(message, app, repeat=repeat))  # the dialogue must not run for a copy
    return [m.get("text") or "" for m in output.messages]


@pytest.mark.usefixtures("database")
def test_a_copy_gets_its_stored_answer_and_nothing_more():
    assert _run_repeat(["Thanks. Next question: how often?"], "every day") == ["Thanks. Next question: how often?"]


@pytest.mark.usefixtures("database")
def test_a_copy_whose_stored_turn_has_no_reply_gets_the_trouble_reply_not_silence():
    """The first copy got the guard's trouble reply, which is not stored: the copy gets it again."""
    texts = _run_repeat([], "every day")
    assert len(texts) == 1 and "988" in texts[0] and "911" in texts[0]


@pytest.mark.usefixtures("database")
def test_a_copy_of_a_crisis_gets_the_crisis_texts_its_stored_answer_lacks():
    texts = _run_repeat(["Thanks. Next question: how often?"], "i want to kill myself tonight")
    assert texts[0] == "Thanks. Next question: how often?"
    assert any("988" in t for t in texts[1:])


@pytest.mark.usefixtures("database")
def test_a_copy_stays_silent_while_staff_hold_the_conversation():
    from types import SimpleNamespace

    from bot.store import db
    from bot.store import repositories as repo

    with db.session_scope() as s:
        handoff_id = repo.create_handoff(s, sender_id="guard-1", channel="rest")
        repo.change_status(s, handoff_id, "in_conversation", "staff-1")
    app = SimpleNamespace(ctx=SimpleNamespace(agent=None))
    assert _run_repeat([], "every day", app=app) == []
