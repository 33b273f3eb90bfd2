"""The SMS opt-out list (table ``sms_opt_outs``), shared by every node through the database.

Callers pass digests (``bot.channels.sms_state.OptOuts`` computes them), never phone numbers.
``is_opted_out(s, digest)``, ``opt_out(s, digest) -> bool`` (True when newly added), ``opt_in(s, digest) -> bool``
(True when a row was removed), ``count_between(s, start, end)`` (opt-outs dated in ``[start, end)``) and
``import_file(s, path) -> int``: the digests of the old per-machine ``sms_opt_outs.json``, dated now;
``import_legacy_file(data_dir, settings)`` does that in its own transaction and then renames the file to
``sms_opt_outs.json.imported``, so it is imported once and no opt-out is lost on upgrade.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path
from typing import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.store.models import SmsOptOut, utcnow

LEGACY_FILE = "sms_opt_outs.json"
DIGEST_CHARS = 64  # hex HMAC-SHA256


def is_opted_out(session: Session, digest: str) -> bool:
    return session.get(SmsOptOut, digest) is not None


def opt_out(session: Session, digest: str, at: dt.datetime | None = None) -> bool:
    """Add ``digest`` (dated ``at``, default now) unless present: one atomic INSERT .. ON CONFLICT DO NOTHING,
    so the same STOP stored by two nodes at once is one row and neither fails."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(SmsOptOut).values(digest=digest, opted_out_at=at or utcnow()).on_conflict_do_nothing()
    return session.execute(stmt).rowcount > 0


def opt_in(session: Session, digest: str) -> bool:
    return session.execute(delete(SmsOptOut).where(SmsOptOut.digest == digest)).rowcount > 0


def count_between(session: Session, start: dt.datetime, end: dt.datetime) -> int:
    stmt = select(func.count()).select_from(SmsOptOut).where(SmsOptOut.opted_out_at >= start,
                                                             SmsOptOut.opted_out_at < end)
    return session.execute(stmt).scalar_one()


def _valid(digests: Iterable) -> set[str]:
    return {d for d in digests if isinstance(d, str) and len(d) == DIGEST_CHARS
            and all(c in "0123456789abcdef" for c in d)}


def import_file(session: Session, path: Path) -> int:
    """Add the digests listed in an old opt-out file, dated now; returns how many were new. Raises ``ValueError``
    on a file that is not the old format (it is then left where it is)."""
    data = json.loads(path.read_text())
    if not isinstance(data, dict) or not isinstance(data.get("opted_out"), list):
        raise ValueError(f"{path.name}: not an opt-out list")
    now = utcnow()
    return sum(opt_out(session, digest, now) for digest in sorted(_valid(data["opted_out"])))


def imported_name(path: Path) -> Path:
    """Where an imported file is moved to (kept, not deleted: it holds only digests)."""
    return path.with_name(path.name + ".imported")


def import_legacy_file(data_dir: Path, settings=None) -> int:
    """Import ``<data_dir>/sms_opt_outs.json`` if there is one, commit, then rename it; returns how many were new.
    Database errors propagate (the file then stays, to be imported next time)."""
    path = data_dir / LEGACY_FILE
    if not path.exists():
        return 0
    from bot.store import db

    with db.session_scope(settings) as session:
        added = import_file(session, path)
    with contextlib.suppress(FileNotFoundError):  # another process on this machine imported it just now
        path.replace(imported_name(path))
    return added
