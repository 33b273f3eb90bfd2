import datetime as dt

import pytest
import sqlalchemy as sa

from bot.store import db
from bot.store import repositories as repo
from bot.store.models import Handoff, StaffUser, utcnow


@pytest.fixture
def session_factory(store_settings):
    engine = db.make_engine(settings=store_settings)
    yield db.make_session_factory(engine)
    engine.dispose()


def _raw(store_settings, sql):
    engine = sa.create_engine(store_settings.database_url, future=True)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).all()
    finally:
        engine.dispose()


def _staff(s, name="alice", role="staff"):
    user = StaffUser(username=name, password_hash="x", role=role, active=True)
    s.add(user)
    s.flush()
    return user


def test_screening_round_trip_is_encrypted_at_rest(session_factory, store_settings):
    answers = {"substances": ["alcohol", "opioids"], "safety": "no thoughts of self-harm"}
    reasons = [{"criterion": "multiple_substances", "source": "003_101b7585de3d740d.txt"}]
    with session_factory.begin() as s:
        sid = repo.save_screening(
            s,
            sender_id="p1",
            channel="web",
            answers=answers,
            band="iop_good_fit",
            reasons=reasons,
            criteria_version="2026.1",
            summary={"red_flags": []},
            for_whom="self",
        )
    with session_factory() as s:
        row = repo.get_screening(s, sid)
        assert row.answers == answers and row.reasons == reasons and row.summary == {"red_flags": []}
        assert repo.latest_screening(s, "p1").id == sid
    raw = _raw(store_settings, "SELECT answers, reasons, summary, band FROM screenings")
    assert "opioids" not in raw[0][0] and "multiple_substances" not in raw[0][1]
    assert raw[0][0].startswith("gAAAA") and raw[0][3] == "iop_good_fit"


def test_create_handoff_is_idempotent_and_upgrades_urgency(session_factory, store_settings):
    with session_factory.begin() as s:
        first = repo.create_handoff(
            s,
            sender_id="p2",
            channel="sms",
            reason="asked_for_person",
            trigger_message="can I talk to someone",
        )
        again = repo.create_handoff(
            s,
            sender_id="p2",
            channel="sms",
            urgency="urgent",
            reason="crisis",
            contact_preference="call",
            phone="555-0101",
            first_name="Sam",
            consent=True,
            trigger_message="I want to end it",
        )
        other = repo.create_handoff(s, sender_id="p3", channel="web")
    assert first == again != other
    with session_factory() as s:
        h = repo.get_active_handoff(s, "p2")
        assert (h.urgency, h.reason, h.status, h.contact_preference, h.phone, h.first_name, h.consent) == (
            "urgent",
            "crisis",
            "waiting",
            "call",
            "555-0101",
            "Sam",
            True,
        )
        assert h.trigger_message == "I want to end it"
        # urgency is never lowered
        repo.create_handoff(s, sender_id="p2", channel="sms", urgency="normal")
        assert repo.get_handoff(s, first).urgency == "urgent"
    raw = _raw(
        store_settings, "SELECT trigger_message, phone, first_name FROM handoffs WHERE sender_id = 'p2'"
    )
    assert all(v.startswith("gAAAA") for v in raw[0])
    assert "end it" not in raw[0][0]


def test_create_handoff_rejects_unknown_values(session_factory):
    with session_factory.begin() as s, pytest.raises(ValueError):
        repo.create_handoff(s, sender_id="p", channel="web", urgency="very")
    with session_factory.begin() as s, pytest.raises(ValueError):
        repo.create_handoff(s, sender_id="p", channel="web", contact_preference="pigeon")


def test_status_changes_drive_takeover_and_are_audited(session_factory):
    with session_factory.begin() as s:
        alice = _staff(s)
        hid = repo.create_handoff(s, sender_id="p4", channel="web")
    with session_factory.begin() as s:
        assert not repo.is_taken_over(s, "p4")
        repo.change_status(s, hid, "claim", repo.get_staff(s, alice.id))
        assert repo.is_taken_over(s, "p4")
        assert repo.get_handoff(s, hid).assignee.username == "alice"
        repo.change_status(s, hid, "in_conversation", "alice")
        assert repo.is_taken_over(s, "p4")
        repo.change_status(s, hid, "release", "alice")
        h = repo.get_handoff(s, hid)
        assert not repo.is_taken_over(s, "p4") and h.status == "waiting" and h.assignee_id is None
        with pytest.raises(repo.InvalidTransition):
            repo.change_status(s, hid, "release", "alice")
        repo.change_status(s, hid, "close", "alice")
        assert repo.get_active_handoff(s, "p4") is None
        # a closed handoff does not block a new one for the same person
        assert repo.create_handoff(s, sender_id="p4", channel="web") != hid
    with session_factory() as s:
        actions = [a.action for a in repo.list_audit(s)]
        assert actions[:4] == ["handoff.close", "handoff.release", "handoff.in_conversation", "handoff.claim"]


def test_queue_sorted_by_urgency_then_waiting_time(session_factory):
    now = utcnow()
    with session_factory.begin() as s:
        ids = {}
        for name, urgency, age in [
            ("n_old", "normal", 50),
            ("u_new", "urgent", 1),
            ("n_new", "normal", 5),
            ("u_old", "urgent", 30),
            ("closed", "urgent", 90),
        ]:
            ids[name] = repo.create_handoff(s, sender_id=name, channel="web", urgency=urgency)
            repo.get_handoff(s, ids[name]).created_at = now - dt.timedelta(minutes=age)
        repo.change_status(s, ids["closed"], "close", "bob")
    with session_factory() as s:
        assert [h.sender_id for h in repo.queue(s)] == ["u_old", "u_new", "n_old", "n_new"]


def test_search_filters(session_factory):
    with session_factory.begin() as s:
        sc1 = repo.save_screening(
            s, sender_id="a", channel="web", answers={}, band="detox_first", reasons=[], criteria_version="1"
        )
        sc2 = repo.save_screening(
            s, sender_id="b", channel="sms", answers={}, band="iop_good_fit", reasons=[], criteria_version="1"
        )
        ha = repo.create_handoff(s, sender_id="a", channel="web", screening_id=sc1)
        hb = repo.create_handoff(s, sender_id="b", channel="sms", screening_id=sc2, urgency="urgent")
        hc = repo.create_handoff(s, sender_id="c", channel="sms")
        repo.get_handoff(s, hc).created_at = dt.datetime(2025, 1, 15, 12, 0)
        repo.change_status(s, hc, "close", "bob")
    with session_factory() as s:
        ids = lambda **kw: sorted(h.id for h in repo.search_handoffs(s, **kw))  # noqa: E731
        assert ids() == sorted([ha, hb, hc])
        assert ids(band="detox_first") == [ha]
        assert ids(channel="sms") == sorted([hb, hc])
        assert ids(status="closed") == [hc]
        assert ids(urgency="urgent") == [hb]
        assert ids(date_from=dt.date(2025, 1, 15), date_to=dt.date(2025, 1, 15)) == [hc]
        assert ids(date_from=dt.date(2025, 1, 16)) == sorted([ha, hb])
        assert ids(channel="sms", band="iop_good_fit") == [hb]
        assert repo.known_values(s) == {"bands": ["detox_first", "iop_good_fit"], "channels": ["sms", "web"]}


def test_notes_and_staff_message_outbox(session_factory, store_settings):
    with session_factory.begin() as s:
        hid = repo.create_handoff(s, sender_id="p5", channel="web")
        repo.add_note(s, hid, "alice", "Called back, left voicemail")
        m1 = repo.add_staff_message(s, hid, "alice", "Hi, this is Alice from the intake team.")
        m2 = repo.add_staff_message(s, hid, "alice", "Are you safe right now?")
        with pytest.raises(ValueError):
            repo.add_note(s, hid, "alice", "   ")
    with session_factory.begin() as s:
        assert [n.text for n in repo.list_notes(s, hid)] == ["Called back, left voicemail"]
        assert [m.id for m in repo.pending_staff_messages(s, "p5")] == [m1, m2]
        repo.record_delivery_attempt(s, [m1, m2], "connection refused")
        assert repo.mark_delivered(s, [m1]) == 1
        assert repo.mark_delivered(s, [m1]) == 0
    with session_factory() as s:
        pending = repo.pending_staff_messages(s, "p5")
        assert [m.id for m in pending] == [m2]
        assert pending[0].attempts == 1 and pending[0].last_error == "connection refused"
    raw = _raw(store_settings, "SELECT text FROM notes UNION ALL SELECT text FROM staff_messages")
    assert all(r[0].startswith("gAAAA") for r in raw)


def test_audit_log_is_append_only(session_factory):
    with session_factory.begin() as s:
        aid = repo.audit(s, "alice", "handoff.view", "handoff:1", {"x": 1})
    with session_factory() as s:
        entry = repo.list_audit(s)[0]
        assert (entry.id, entry.actor, entry.detail) == (aid, "alice", {"x": 1})
        entry.actor = "mallory"
        with pytest.raises(repo.AuditLogIsAppendOnly):
            s.flush()
        s.rollback()
        s.delete(repo.list_audit(s)[0])
        with pytest.raises(repo.AuditLogIsAppendOnly):
            s.flush()
        s.rollback()
        with pytest.raises(repo.AuditLogIsAppendOnly):
            s.execute(sa.delete(repo.AuditEntry))
        with pytest.raises(repo.AuditLogIsAppendOnly):
            s.execute(sa.update(repo.AuditEntry).values(actor="x"))
    with session_factory() as s:
        assert [e.actor for e in repo.list_audit(s)] == ["alice"]


def test_throttled_audit(session_factory):
    with session_factory.begin() as s:
        assert repo.audit_throttled(s, "alice", "transcript.refresh", "handoff:1") is not None
        assert repo.audit_throttled(s, "alice", "transcript.refresh", "handoff:1") is None
        assert repo.audit_throttled(s, "bob", "transcript.refresh", "handoff:1") is not None


@pytest.mark.usefixtures("process_settings")
def test_functions_work_without_a_session_on_process_settings():
    hid = repo.create_handoff(sender_id="p6", channel=None, reason="asked_for_person")
    assert repo.get_active_handoff("p6").id == hid
    assert repo.get_active_handoff("p6").channel == "unknown"
    assert repo.is_taken_over("p6") is False
    mid = repo.add_staff_message(hid, "alice", "hello")
    assert [m.text for m in repo.pending_staff_messages("p6")] == ["hello"]
    assert repo.mark_delivered([mid]) == 1
    assert repo.pending_staff_messages("p6") == []
    with db.session_scope() as s:
        assert s.execute(sa.select(sa.func.count(Handoff.id))).scalar_one() == 1


def test_has_staff_messages_only_once_staff_wrote(session_factory):
    with session_factory() as s:
        hid = repo.create_handoff(s, sender_id="conv-staff", channel="web")
        assert repo.has_staff_messages(s, "conv-staff") is False
        repo.add_staff_message(s, hid, "dana", "Hi, this is Dana")
        assert repo.has_staff_messages(s, "conv-staff") is True
        assert repo.has_staff_messages(s, "someone-else") is False
