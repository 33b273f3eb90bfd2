"""The SMS opt-out list in the database (SQLite and PostgreSQL): digests only, dated, shared by every process,
the old per-machine file imported once, migration 0007 up and down."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from bot.channels.sms_state import OptOuts
from bot.store import db
from bot.store import sms_opt_outs as opt
from bot.store.models import SmsOptOut, utcnow

NUMBER = "+15550107001"
OTHER = "+15550107002"


def _rows(url) -> list[tuple]:
    engine = sa.create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text("SELECT digest, opted_out_at FROM sms_opt_outs"))]
    finally:
        engine.dispose()


def test_repository_stores_dated_digests_and_counts_a_period(store_settings):
    digest = OptOuts(store_settings.secret_key).digest(NUMBER)
    day = dt.datetime(2026, 11, 20, 9, 0)
    with db.session_scope(store_settings) as s:
        assert opt.opt_out(s, digest, day) is True
        assert opt.opt_out(s, digest) is False  # a second STOP (or another node's) is the same row
        assert opt.opt_out(s, "b" * 64, day - dt.timedelta(days=3))
    with db.session_scope(store_settings) as s:
        assert opt.is_opted_out(s, digest) and not opt.is_opted_out(s, "c" * 64)
        assert opt.count_between(s, day, day + dt.timedelta(days=1)) == 1
        assert opt.count_between(s, day - dt.timedelta(days=3), day + dt.timedelta(days=1)) == 2
        assert opt.opt_in(s, digest) is True and opt.opt_in(s, digest) is False
    rows = _rows(store_settings.database_url)
    assert [r[0] for r in rows] == ["b" * 64]
    with db.session_scope(store_settings) as s:
        opt.opt_out(s, digest)
    assert "5550107001" not in repr(_rows(store_settings.database_url))  # the digest, never the number


def test_a_stop_taken_by_one_process_holds_at_once_in_another(store_settings):
    node_a = OptOuts(store_settings.secret_key, store_settings)
    node_b = OptOuts(store_settings.secret_key, store_settings.copy())  # another process's settings
    assert node_b.is_opted_out(NUMBER) is False  # node b has looked before the STOP
    assert node_a.opt_out(NUMBER)
    assert node_b.is_opted_out(NUMBER) is True
    assert node_b.is_opted_out(OTHER) is False
    assert node_b.opt_in(NUMBER)  # START on node b
    assert node_a.is_opted_out(NUMBER) is False
    assert _rows(store_settings.database_url) == []


def _old_file(settings, numbers) -> None:
    """The opt-out file as the previous version wrote it: HMAC digests of the numbers with the secret key."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    digests = [OptOuts(settings.secret_key).digest(n) for n in numbers]
    (settings.data_dir / "sms_opt_outs.json").write_text(json.dumps({"opted_out": [*digests, "not-a-digest"]}))


def test_an_old_opt_out_file_is_imported_once_dated_at_import_and_renamed(store_settings):
    _old_file(store_settings, [NUMBER])
    before = utcnow()
    opt_outs = OptOuts(store_settings.secret_key, store_settings, data_dir=store_settings.data_dir)
    assert opt_outs.is_opted_out(NUMBER) is True  # imported before the first check answers
    assert opt_outs.is_opted_out(OTHER) is False
    assert not (store_settings.data_dir / "sms_opt_outs.json").exists()
    assert (store_settings.data_dir / "sms_opt_outs.json.imported").exists()
    with db.session_scope(store_settings) as s:
        (row,) = s.execute(sa.select(SmsOptOut)).scalars().all()
    assert row.digest == opt_outs.digest(NUMBER) and before - dt.timedelta(seconds=1) <= row.opted_out_at <= utcnow()
    assert opt_outs.opt_in(NUMBER)  # START after the upgrade
    restarted = OptOuts(store_settings.secret_key, store_settings, data_dir=store_settings.data_dir)
    assert restarted.is_opted_out(NUMBER) is False  # the old file is not imported again


def test_with_the_database_down_the_list_says_unknown_and_keeps_the_old_file(tmp_path):
    from tests.integration.conftest import make_settings

    (tmp_path / "a-file").write_text("")  # a database under a plain file can be neither created nor opened
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'a-file' / 'iopbot.db'}")
    _old_file(settings, [NUMBER])
    opt_outs = OptOuts(settings.secret_key, settings, data_dir=settings.data_dir)
    try:
        assert opt_outs.is_opted_out(NUMBER) is None  # unknown, not an exception (see bot/channels/sms.py)
        assert opt_outs.opt_out(NUMBER) is False
    finally:
        db.dispose_all()
    assert (settings.data_dir / "sms_opt_outs.json").exists()  # imported once the database is back


def test_migration_0007_up_and_down(db_url):
    db.migrate(db_url, rev="0006")
    engine = sa.create_engine(db_url, future=True)
    try:
        assert "sms_opt_outs" not in sa.inspect(engine).get_table_names()
        db.migrate(db_url)
        inspector = sa.inspect(engine)
        assert {c["name"] for c in inspector.get_columns("sms_opt_outs")} == {"digest", "opted_out_at"}
        assert inspector.get_pk_constraint("sms_opt_outs")["constrained_columns"] == ["digest"]
        assert {i["name"]: i["column_names"] for i in inspector.get_indexes("sms_opt_outs")} == {
            "ix_sms_opt_outs_opted_out_at": ["opted_out_at"]}
        db.downgrade(db_url, rev="0006")
        assert db.current_revision(db_url) == "0006"
        assert "sms_opt_outs" not in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
