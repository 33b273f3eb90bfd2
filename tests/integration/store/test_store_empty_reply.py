"""The reply to a message with no text speaks the conversation's language, read from its activity row."""

from __future__ import annotations

import datetime as dt

from bot.channels.empty_reply import empty_reply
from bot.store import activity, db
from bot.store import repositories as repo


def _activity(settings, sender: str, language: str | None, started: dt.datetime) -> None:
    with db.session_scope(settings) as s:
        activity.record(s, activity.Activity(sender_id=sender, started_at=started, channel="web",
                                             last_active_at=started, language=language))


def test_the_latest_session_language_is_used_and_unknown_conversations_get_english(process_settings):
    t0 = dt.datetime(2026, 12, 1, 10, 0)
    _activity(process_settings, "es-1", "en", t0)
    _activity(process_settings, "es-1", "es", t0 + dt.timedelta(hours=2))
    _activity(process_settings, "none-1", None, t0)
    assert repo.language_of("es-1") == "es"
    assert empty_reply("es-1").startswith("No recibí ningún texto")
    assert empty_reply("none-1").startswith("I didn't get any text")
    assert empty_reply("never-seen").startswith("I didn't get any text")


def test_without_a_database_the_reply_is_english(monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(repo, "language_of", broken)
    assert empty_reply("anyone").startswith("I didn't get any text")
