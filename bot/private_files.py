"""Local state readable by the bot's own user only: ``var/`` 0700, files in it 0600, new files likewise.

``make_private(data_dir)`` sets the process umask to 077 (the SQLite database, its WAL files, logs and keys
are then created 0600) and tightens what already exists under ``data_dir``: folders 0700, files 0600.
Called at the start of `iopbot` and of each of the three processes (``bot.serve``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

UMASK = 0o077


def make_private(data_dir: Path, create: bool = True) -> None:
    os.umask(UMASK)
    if create:
        data_dir.mkdir(parents=True, exist_ok=True)
    elif not data_dir.is_dir():
        return
    _chmod(data_dir, 0o700)
    for root, dirs, files in os.walk(data_dir):
        for name in dirs:
            _chmod(Path(root, name), 0o700)
        for name in files:
            _chmod(Path(root, name), 0o600)


def _chmod(path: Path, mode: int) -> None:
    try:
        if not stat.S_ISLNK(path.lstat().st_mode) and stat.S_IMODE(path.stat().st_mode) != mode:
            path.chmod(mode)
    except (FileNotFoundError, PermissionError):  # a file that went away, or one we do not own
        pass


def open_private_log(path: Path):
    """Open ``path`` for appending, created 0600 (and made 0600 if it existed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "ab")
