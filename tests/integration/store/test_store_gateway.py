"""The storage gateway the actions use: typed calls, each committed before it returns; database trouble is
logged (no arguments) and absorbed as None."""

import logging

from bot.store import db
from bot.store import repositories as repo
from bot.store.gateway import store
from tests.integration.conftest import make_settings


def test_calls_are_committed_before_they_return(store_settings):
    with store(store_settings) as s:
        hid = s.create_handoff(sender_id="gw-1", channel="web", urgency="urgent", reason="crisis")
        with db.session_scope(store_settings) as other:  # another session already sees it
            assert repo.get_handoff(other, hid).urgency == "urgent"
        assert s.pending_staff_messages("gw-1") == []
        assert s.mark_delivered([]) == 0


def test_a_failed_call_is_logged_and_the_next_one_runs(store_settings, caplog):
    with caplog.at_level(logging.ERROR, logger="bot.store.gateway"), store(store_settings) as s:
        assert s.create_handoff(sender_id="gw-2", channel="web", urgency="panic") is None
        hid = s.create_handoff(sender_id="gw-2", channel="web", trigger_message="I feel hopeless")
    assert isinstance(hid, int)
    assert [r.getMessage() for r in caplog.records] == ["storage call create_handoff failed"]


def test_an_unreachable_database_answers_none(tmp_path, caplog):
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'never-migrated.db'}")
    with caplog.at_level(logging.ERROR, logger="bot.store.gateway"), store(settings) as s:
        assert s.create_handoff(sender_id="gw-3", channel="sms", trigger_message="I took too many pills") is None
        assert s.pending_staff_messages("gw-3") is None
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["storage call create_handoff failed", "storage call pending_staff_messages failed"]
    assert "pills" not in caplog.text.split("Traceback")[0]
    db.dispose_all()
