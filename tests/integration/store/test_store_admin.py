import datetime as dt

import pytest
import sqlalchemy as sa

from bot.store import activity, admin, db
from bot.store import repositories as repo
from bot.store.models import ConversationActivity, tracker_events, utcnow
from bot.store.passwords import verify_password


def test_create_staff_hashes_with_argon2_and_audits(store_settings):
    uid = admin.create_staff("alice", "correct horse battery", role="admin", settings=store_settings)
    with db.session_scope(store_settings) as s:
        user = repo.get_staff(s, uid)
        assert user.role == "admin" and user.active
        assert user.password_hash.startswith("$argon2id$")
        assert verify_password(user.password_hash, "correct horse battery")
        assert not verify_password(user.password_hash, "wrong password!")
        assert repo.list_audit(s, action="staff.create")[0].target == "staff:alice"
    with pytest.raises(ValueError, match="already exists"):
        admin.create_staff("alice", "another long password", settings=store_settings)
    with pytest.raises(ValueError):
        admin.create_staff("bob", "short", settings=store_settings)
    with pytest.raises(ValueError):
        admin.create_staff("bob", "long enough password", role="root", settings=store_settings)
    with pytest.raises(ValueError):
        admin.create_staff("<b>", "long enough password", settings=store_settings)
    admin.set_staff_active("alice", False, settings=store_settings)
    admin.set_staff_password("alice", "a new long password", settings=store_settings)
    with db.session_scope(store_settings) as s:
        user = repo.get_staff(s, uid)
        assert not user.active and verify_password(user.password_hash, "a new long password")


def test_purge_deletes_old_data_keeps_recent_and_audits(store_settings):
    old = utcnow() - dt.timedelta(days=40)
    old_epoch = old.replace(tzinfo=dt.timezone.utc).timestamp()
    new_epoch = utcnow().replace(tzinfo=dt.timezone.utc).timestamp()
    with db.session_scope(store_settings) as s:
        old_sc = repo.save_screening(
            s, sender_id="old", channel="web", answers={"a": 1}, band="x", reasons=[], criteria_version="1"
        )
        new_sc = repo.save_screening(
            s, sender_id="new", channel="web", answers={}, band="x", reasons=[], criteria_version="1"
        )
        old_h = repo.create_handoff(s, sender_id="old", channel="web", screening_id=old_sc)
        repo.add_note(s, old_h, "alice", "old note")
        repo.add_staff_message(s, old_h, "alice", "old reply")
        # a recent handoff that still points at an old screening keeps working after the purge
        new_h = repo.create_handoff(s, sender_id="new", channel="web", screening_id=old_sc)
        repo.add_note(s, new_h, "alice", "new note")
        s.flush()
        repo.get_screening(s, old_sc).created_at = old
        s.execute(
            sa.update(repo.Handoff).where(repo.Handoff.id == old_h).values(updated_at=old, created_at=old)
        )
        rows = [("old", old_epoch), ("old", old_epoch), ("new", old_epoch), ("new", new_epoch)]
        for sender, ts in rows:
            s.execute(
                tracker_events.insert().values(
                    sender_id=sender, type_name="user", timestamp=ts, data='{"event": "user", "text": "hi"}'
                )
            )
        for sender, started in (("old", old), ("new", old)):
            activity.record(s, activity.Activity(sender_id=sender, started_at=started, channel="web",
                                                 last_active_at=started))
    counts = admin.purge(30, actor="tester", settings=store_settings)
    assert counts == {
        "conversations": 1,
        "tracker_events": 2,
        "conversation_activity": 1,
        "notes": 1,
        "staff_messages": 1,
        "handoffs": 1,
        "screenings": 1,
        "console_sessions": 0,
    }
    with db.session_scope(store_settings) as s:
        assert repo.get_handoff(s, old_h) is None
        kept = repo.get_handoff(s, new_h)
        assert kept is not None and kept.screening_id is None
        assert repo.get_screening(s, new_sc) is not None
        senders = s.execute(sa.select(tracker_events.c.sender_id)).scalars().all()
        assert senders == ["new", "new"]  # an active conversation is kept whole
        assert s.execute(sa.select(ConversationActivity.sender_id)).scalars().all() == ["new"]
        entry = repo.list_audit(s, action="purge")[0]
        assert entry.actor == "tester" and entry.detail["counts"] == counts
    assert admin.purge(30, settings=store_settings)["handoffs"] == 0
    with pytest.raises(ValueError):
        admin.purge(0, settings=store_settings)
