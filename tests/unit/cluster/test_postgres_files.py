"""The local cluster's PostgreSQL files as root live outside the data folder (/var/lib/postgresql/iopbot-<id>),
so a data folder made anew (deleted, or a test's temporary folder whose path came back) met files made with its
old password: every start then failed with "password authentication failed". Such files are set aside (never
deleted) and new ones made; files from before the password digest was kept are taken to match."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cluster import local
from bot.config import load_settings


@pytest.fixture()
def cluster_files(tmp_path, monkeypatch):
    """``postgres_dir`` in tmp_path; initdb replaced by one that writes PG_VERSION and the password it got."""
    data = tmp_path / "pg" / "iopbot-test"
    made: list[str] = []

    def initdb(_pg_bin, folder: Path, password: str, _as_postgres) -> None:
        folder.mkdir(parents=True)
        (folder / "PG_VERSION").write_text("15")
        (folder / "made_with").write_text(password)
        made.append(password)

    monkeypatch.setattr(local, "postgres_dir", lambda _settings: data)
    monkeypatch.setattr(local, "_initdb", initdb)
    monkeypatch.setattr(local, "_pg_bin", lambda: Path("/usr/lib/postgresql/15/bin"))
    return data, made


def _settings(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    return load_settings(data_dir=folder)


def test_files_made_with_the_data_folders_password_are_used_again(cluster_files, tmp_path):
    data, made = cluster_files
    settings = _settings(tmp_path / "data")
    local._postgres_argv(settings)  # noqa: SLF001
    local._postgres_argv(settings)  # noqa: SLF001
    assert made == [settings.key("postgres_password")]
    assert not list(data.parent.glob("*.replaced-*"))


def test_files_made_with_another_password_are_set_aside_and_made_anew(cluster_files, tmp_path, capsys):
    data, made = cluster_files
    old = _settings(tmp_path / "old-data")
    local._postgres_argv(old)  # noqa: SLF001
    new = _settings(tmp_path / "new-data")  # a data folder made anew: a new password
    argv = local._postgres_argv(new)  # noqa: SLF001
    assert made == [old.key("postgres_password"), new.key("postgres_password")]
    assert (data / "made_with").read_text() == new.key("postgres_password")
    aside = list(data.parent.glob("iopbot-test.replaced-*"))
    assert len(aside) == 1 and (aside[0] / "made_with").read_text() == old.key("postgres_password")
    assert str(data) in argv
    assert "made with another password" in capsys.readouterr().out


def test_files_from_before_the_digest_was_kept_are_taken_to_match(cluster_files, tmp_path):
    data, made = cluster_files
    data.mkdir(parents=True)
    (data / "PG_VERSION").write_text("15")
    settings = _settings(tmp_path / "data")
    local._postgres_argv(settings)  # noqa: SLF001
    assert made == [] and not list(data.parent.glob("*.replaced-*"))
    local._postgres_argv(settings)  # noqa: SLF001 - the digest kept on the first start now matches
    assert made == []
