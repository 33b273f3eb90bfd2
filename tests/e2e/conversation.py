"""Drive whole screenings over REST: recognise which question the bot asked and answer it in free text."""

from __future__ import annotations

import functools
from contextlib import contextmanager

from bot.screening import load_questionnaire
from bot.screening.loader import DEFAULT_QUESTIONNAIRE
from bot.store import db


def asked_question(replies: list[dict], who: str = "self") -> str | None:
    """Id of the screening question among the bot's replies (web wording), or None."""
    questions = _question_ids(who, DEFAULT_QUESTIONNAIRE.stat().st_mtime_ns)
    for reply in reversed(replies):
        question = questions.get((reply.get("text") or "").strip())
        if question is not None:
            return question
    return None


@functools.lru_cache(maxsize=8)
def _question_ids(who: str, _version: int) -> dict[str, str]:
    """{question text (web wording): id}, read once per version of the file: parsing the questionnaire on every
    reply took most of a busy test process's time (the multi-node test's 100 clients share one process, and its
    fake Twilio API then answered late)."""
    return {question.text(for_whom=who, channel="web").strip(): question.id
            for question in reversed(load_questionnaire().questions)}


def start(stack, sender: str, who_answer: str = "for myself") -> list[dict]:
    stack.send(sender, "hi")
    stack.send(sender, "yes")
    return stack.send(sender, who_answer)


def answer_all(stack, sender: str, replies: list[dict], answers: dict[str, str], who: str = "self",
               max_turns: int = 40, stop_after: str | None = None) -> tuple[list[dict], list[str]]:
    """Answer every question asked (unknown ones with "not sure"), or up to and including ``stop_after``;
    return the final replies and ids asked."""
    asked: list[str] = []
    for _ in range(max_turns):
        qid = asked_question(replies, who)
        if qid is None:
            return replies, asked
        asked.append(qid)
        replies = stack.send(sender, answers.get(qid, "not sure"))
        if is_confirm_back(replies):  # "It sounds like ... - is that right?": the person agrees
            replies = stack.send(sender, "yes")
        if qid == stop_after:
            return replies, asked
    raise AssertionError(f"screening did not finish within {max_turns} turns; asked {asked}")


def is_confirm_back(replies: list[dict]) -> bool:
    return any("is that right?" in (r.get("text") or "") for r in replies)


@contextmanager
def database(stack):
    engine = db.make_engine(stack.settings.resolved_database_url, settings=stack.settings)
    session = db.make_session_factory(engine)()
    try:
        yield session
    finally:
        session.close()
        engine.dispose()


def all_text(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies).lower()
