"""Engines, sessions and migrations. Nothing is created at import time.

* ``make_engine(url=None, settings=None)`` – a SQLAlchemy 1.4 ``future`` engine; SQLite by default
  (``settings.resolved_database_url``), PostgreSQL via ``postgresql+psycopg2://…`` (or ``postgresql://``).
  The engine carries the Fernet cipher used by encrypted columns.
* ``make_session_factory(engine)`` – ``sessionmaker(future=True, expire_on_commit=False)``.
* ``session_factory(settings=None)`` – the process's cached session factory for the settings' database.
* ``session_scope(settings=None)`` – context manager with a cached engine per URL; commits on success.
* ``migrate(url=None)`` / ``downgrade(url=None, rev="base")`` – Alembic, run programmatically.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.store.crypto import CIPHER_ATTR, cipher_for

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

_cache_lock = threading.Lock()
_engines: dict[tuple[str, str], tuple[Engine, sessionmaker]] = {}


def _settings(settings=None):
    if settings is not None:
        return settings
    from bot.config import get_settings

    return get_settings()


# any thread may use a pooled connection; a locked database is waited for up to 30 s
SQLITE_CONNECT_ARGS = {"check_same_thread": False, "timeout": 30}


def normalise_url(url: str) -> str:
    """Accept ``postgres://`` (Heroku style) as PostgreSQL."""
    if url.startswith("postgres://"):
        return "postgresql://" + url[len("postgres://"):]
    return url


def make_engine(url: str | None = None, settings=None, encryption_key: str | None = None) -> Engine:
    """Create an engine for ``url`` (default: the settings' database URL) carrying the encryption cipher."""
    s = None
    if url is None or encryption_key is None:
        s = _settings(settings)
    url = normalise_url(url or s.resolved_database_url)
    parsed = make_url(url)
    kwargs: dict = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = dict(SQLITE_CONNECT_ARGS)
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    key = encryption_key or s.key("encryption_key")
    setattr(engine.dialect, CIPHER_ATTR, cipher_for(key))
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker:
    """Sessions in 2.0 style; objects stay readable after commit (``expire_on_commit=False``). The audit log's
    guards (append only) are attached to this factory, so every session it makes enforces them."""
    from bot.store.audit_guard import guard_audit_log

    return guard_audit_log(sessionmaker(bind=engine, future=True, expire_on_commit=False))


def _cached(settings=None) -> tuple[Engine, sessionmaker]:
    s = _settings(settings)
    cache_key = (normalise_url(s.resolved_database_url), s.key("encryption_key"))
    with _cache_lock:
        if cache_key not in _engines:
            engine = make_engine(cache_key[0], encryption_key=cache_key[1])
            _engines[cache_key] = (engine, make_session_factory(engine))
        return _engines[cache_key]


def session_factory(settings=None) -> sessionmaker:
    """The cached session factory for ``settings``' database (default: the process settings)."""
    return _cached(settings)[1]


@contextlib.contextmanager
def session_scope(settings=None) -> Iterator[Session]:
    """``with session_scope() as s:`` – one transaction, committed on success, rolled back on error."""
    with session_factory(settings)() as session, session.begin():
        yield session


def dispose_all() -> None:
    """Close every cached engine (tests, shutdown)."""
    with _cache_lock:
        for engine, _ in _engines.values():
            engine.dispose()
        _engines.clear()


def check(engine: Engine) -> None:
    """Raise if the database cannot be reached."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def _alembic_config(connection, settings=None):
    """Alembic settings on ``connection``; the encryption key is read (or generated) only if a migration asks."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    cfg.attributes["encryption_key"] = lambda: _settings(settings).key("encryption_key")
    return cfg


def migrate(url: str | None = None, rev: str = "head", settings=None) -> None:
    """Upgrade the schema to ``rev`` (default head). Safe to run repeatedly."""
    from alembic import command

    engine = _migration_engine(url, settings)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn, settings), rev)
    finally:
        engine.dispose()


def downgrade(url: str | None = None, rev: str = "base", settings=None) -> None:
    """Downgrade the schema to ``rev`` (default: drop everything, including the tracker events)."""
    from alembic import command

    engine = _migration_engine(url, settings)
    try:
        with engine.begin() as conn:
            command.downgrade(_alembic_config(conn, settings), rev)
    finally:
        engine.dispose()


def current_revision(url: str | None = None, settings=None) -> str | None:
    """The schema revision stored in the database (None if never migrated)."""
    from alembic.runtime.migration import MigrationContext

    engine = _migration_engine(url, settings)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def _migration_engine(url: str | None, settings) -> Engine:
    """An engine for schema work; migrations never encrypt, so no key is needed (or generated)."""
    url = normalise_url(url or _settings(settings).resolved_database_url)
    parsed = make_url(url)
    kwargs: dict = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": 30}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url, **kwargs)
