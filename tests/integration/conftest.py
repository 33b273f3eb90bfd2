"""Real databases for integration tests.

``postgres_server`` / ``pg_url`` (tests/support/postgres.py, registered in tests/conftest.py) give a real
PostgreSQL server and a fresh database per test.

``db_url`` is parametrised over SQLite and PostgreSQL; every test gets an empty database of its own.
``store_settings`` gives Settings pointing at a migrated ``db_url`` with fresh keys.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'iopbot.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


def make_settings(tmp_path: Path, database_url: str, **overrides):
    from cryptography.fernet import Fernet

    from bot.config import load_settings

    values = dict(
        data_dir=tmp_path / "var",
        database_url=database_url,
        encryption_key=Fernet.generate_key().decode(),
        secret_key=uuid.uuid4().hex + uuid.uuid4().hex,
    )
    values.update(overrides)
    return load_settings(settings_file=tmp_path / "no-clinic.yml", **values)


@pytest.fixture
def store_settings(tmp_path, db_url):
    """Settings on a migrated database (SQLite and PostgreSQL), with their own keys."""
    from bot.store import db

    settings = make_settings(tmp_path, db_url)
    db.migrate(db_url)
    yield settings
    db.dispose_all()


@pytest.fixture
def process_settings(monkeypatch, store_settings):
    """Make ``get_settings()`` (used where no settings are passed, e.g. in Rasa) return ``store_settings``."""
    from bot.config import get_settings

    for name in ("database_url", "encryption_key", "secret_key", "data_dir"):
        monkeypatch.setenv(f"IOPBOT_{name.upper()}", str(getattr(store_settings, name)))
    monkeypatch.setenv("IOPBOT_SETTINGS", str(store_settings.data_dir / "no-clinic.yml"))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()
