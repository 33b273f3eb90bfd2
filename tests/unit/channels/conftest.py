"""Shared set-up for the channel tests: the guard reads settings and the database from the environment."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest


@contextlib.contextmanager
def fresh_database(folder: Path, monkeypatch: pytest.MonkeyPatch):
    """Point settings at a new, migrated SQLite file in ``folder``; yields its URL; disposes it afterwards."""
    from bot import config
    from bot.store import db

    url = f"sqlite:///{folder / 'guard.db'}"
    monkeypatch.setenv("IOPBOT_DATA_DIR", str(folder))
    monkeypatch.setenv("IOPBOT_DATABASE_URL", url)
    config.get_settings.cache_clear()
    db.migrate(url)
    try:
        yield url
    finally:
        config.get_settings.cache_clear()
        db.dispose_all()
