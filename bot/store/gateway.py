"""The storage gateway the actions and the SMS opt-out list use: a typed unit of work that keeps database trouble
from reaching a person.

    from bot.store.gateway import store

    with store() as s:
        handoff_id = s.create_handoff(sender_id=..., channel=..., urgency="urgent", reason="crisis")

Each call takes the same arguments as the repository function it names (without the session) and runs in
its own transaction on the block's session, committed before the call returns, so an id it hands back is
stored. When the database fails (unreachable, locked, a constraint), the call logs "storage call <name>
failed" with the traceback (no arguments, so no health information; bot/redact.py keeps only the
exception's wording) and returns None: the conversation, and above all the crisis path, carries on. The
next call in the block tries again on a fresh session.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from typing import Any, Callable, Concatenate, Iterator, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from bot.store import db, sms_opt_outs, sms_outbox
from bot.store import repositories as repo

__all__ = ["Store", "store"]

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


def _call(fn: Callable[Concatenate[Session, P], R]) -> Callable[Concatenate[Store, P], R | None]:
    """A ``Store`` method for the repository function ``fn``: same arguments, None when storage fails."""

    @functools.wraps(fn)
    def method(self: Store, *args: P.args, **kwargs: P.kwargs) -> R | None:
        return self._run(fn, *args, **kwargs)

    return method


class Store:
    """One session for a ``with store()`` block; each method is one committed transaction (see the module)."""

    def __init__(self, settings=None):
        self._settings = settings
        self._session: Session | None = None

    def _run(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R | None:
        """``fn(session, *args, **kwargs)`` in a transaction; None (logged) when the database fails."""
        try:
            if self._session is None:
                self._session = db.session_factory(self._settings)()
            with self._session.begin():
                return fn(self._session, *args, **kwargs)
        except Exception:  # noqa: BLE001 - a person in crisis must still get an answer
            log.exception("storage call " + getattr(fn, "__name__", "?") + " failed")  # a code name: kept by redaction
            self.close()
            return None

    def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            try:
                session.close()
            except Exception:  # noqa: BLE001 - closing a broken connection must not raise either
                log.exception("closing a storage session failed")

    create_handoff = _call(repo.create_handoff)
    save_screening = _call(repo.save_screening)
    pending_staff_messages = _call(repo.pending_staff_messages)
    mark_delivered = _call(repo.mark_delivered)
    sms_opted_out = _call(sms_opt_outs.is_opted_out)
    sms_opt_out = _call(sms_opt_outs.opt_out)
    sms_opt_in = _call(sms_opt_outs.opt_in)
    sms_wait = _call(sms_outbox.add)
    sms_waiting = _call(sms_outbox.has_waiting)
    sms_due = _call(sms_outbox.due_digests)
    sms_lease = _call(sms_outbox.lease)
    sms_sent = _call(sms_outbox.remove)
    sms_retry_at = _call(sms_outbox.retry_at)
    sms_give_up = _call(sms_outbox.give_up)


@contextlib.contextmanager
def store(settings=None) -> Iterator[Store]:
    """``with store() as s:`` – the gateway on the settings' database (default: the process settings)."""
    gateway = Store(settings)
    try:
        yield gateway
    finally:
        gateway.close()
