"""SMS waiting for a later try, kept in the database (``bot.store.sms_outbox``) so a node that stops or dies
loses none and any node can send them. Database calls go through the storage gateway: a failing database gives
None (logged), and ``SmsSender`` then keeps the SMS in memory as before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

LEASE_SECONDS = 300.0  # a node holds a number's waiting SMS this long; a dead node's hold runs out after it


class Outbox:
    """The shared outbox of one SMS channel; ``settings`` None means the process settings (read at first use)."""

    def __init__(self, settings=None) -> None:
        self._settings = settings

    def _resolved(self):
        if self._settings is None:
            from bot.config import get_settings

            self._settings = get_settings()
        return self._settings

    def digest(self, number: str) -> str:
        from bot.channels.sms_state import number_digest

        return number_digest(self._resolved().key("secret_key"), number)

    def _call(self, name: str, *args: Any) -> Any:
        from bot.store.gateway import store

        with store(self._resolved()) as s:
            return getattr(s, name)(*args)

    def waiting(self, number: str) -> bool:
        """True when SMS to ``number`` wait (a new one must go behind them); False also when the database fails."""
        return bool(self._call("sms_waiting", self.digest(number)))

    def add(self, number: str, body: str, delay: float) -> bool:
        """Keep an SMS for a try in ``delay`` seconds; False when it could not be stored."""
        due = _now() + dt.timedelta(seconds=delay)
        return self._call("sms_wait", self.digest(number), number, body, due) is not None

    def due(self) -> list[str]:
        return self._call("sms_due") or []

    def lease(self, digest: str) -> list:
        return self._call("sms_lease", digest, LEASE_SECONDS) or []

    def sent(self, sms_id: int) -> None:
        self._call("sms_sent", sms_id)

    def retry_in(self, digest: str, head_id: int, tries: int, delay: float) -> None:
        self._call("sms_retry_at", digest, head_id, tries, _now() + dt.timedelta(seconds=delay))

    def give_up(self, digest: str) -> int:
        return self._call("sms_give_up", digest) or 0


def _now() -> dt.datetime:
    from bot.store.models import utcnow

    return utcnow()
