"""What the SMS channel remembers between webhooks.

* ``OptOuts`` — who sent STOP: the database table ``sms_opt_outs`` (``bot.store.sms_opt_outs``), shared by every
  node and read on each check (no copy in memory), so a STOP taken by one node holds on all others at once.
  Rows hold HMAC-SHA256 digests of phone numbers (keyed with the settings' ``secret_key``), never the numbers.
  The first use in a process imports an old ``<data_dir>/sms_opt_outs.json`` and renames it.
* ``SeenMessages`` — MessageSids already handled (Twilio may deliver a webhook twice). In memory, bounded,
  24 hours: the first, cheap check. A duplicate this process has not seen (a restart, another node) is caught
  by the MessageSid stored on the conversation's user message (``bot.channels.sms``).
* ``ShownOptions`` — per sender, the buttons [(title, payload)] of the last bot turn this process sent: used
  only when the stored conversation cannot be read (the SMS channel maps "1"/"2" with the last bot turn stored
  there, which is right whichever node sent it).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from collections import OrderedDict
from pathlib import Path

log = logging.getLogger(__name__)


def number_digest(secret: str | bytes, number: str) -> str:
    """A phone number's HMAC-SHA256 (keyed with the settings' ``secret_key``): what the database keeps of it."""
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, number.strip().encode(), hashlib.sha256).hexdigest()


class OptOuts:
    """The shared opt-out list. ``is_opted_out`` returns None when the database cannot say (see ``sms.py`` for
    what the channel then does); ``opt_out`` / ``opt_in`` return False when nothing could be stored."""

    def __init__(self, secret: str, settings=None, data_dir: Path | None = None) -> None:
        self._secret = secret.encode()
        self._settings = settings  # None: the process settings' database
        self._data_dir = data_dir  # where an old opt-out file may be; None: nothing to import
        self._lock = threading.Lock()

    def digest(self, number: str) -> str:
        return number_digest(self._secret, number)

    def _import_old_file(self) -> None:
        """Import ``sms_opt_outs.json`` once per process (retried while the database fails)."""
        if self._data_dir is None:
            return
        from bot.store.sms_opt_outs import import_legacy_file

        with self._lock:
            if self._data_dir is None:
                return
            try:
                added = import_legacy_file(self._data_dir, self._settings)
            except ValueError:
                log.error("the old SMS opt-out file is unreadable and was not imported")
            except Exception:  # noqa: BLE001 - database trouble: try again on the next message
                log.exception("importing the old SMS opt-out file failed")
                return
            else:
                if added:
                    log.info("imported %d SMS opt-out(s) from the old opt-out file", added)
            self._data_dir = None

    def _call(self, name: str, number: str):
        from bot.store.gateway import store

        self._import_old_file()
        with store(self._settings) as s:
            return getattr(s, name)(self.digest(number))

    def is_opted_out(self, number: str) -> bool | None:
        return self._call("sms_opted_out", number)

    def opt_out(self, number: str) -> bool:
        return self._call("sms_opt_out", number) is not None

    def opt_in(self, number: str) -> bool:
        return self._call("sms_opt_in", number) is not None


class SeenMessages:
    def __init__(self, max_items: int = 20000, ttl_seconds: float = 24 * 3600) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._max = max_items
        self._ttl = ttl_seconds

    def first_time(self, message_sid: str) -> bool:
        """True the first time a MessageSid is offered (and remembers it), False for a duplicate."""
        now = time.monotonic()
        while self._seen and (len(self._seen) >= self._max or next(iter(self._seen.values())) < now - self._ttl):
            self._seen.popitem(last=False)
        if message_sid in self._seen:
            return False
        self._seen[message_sid] = now
        return True


class ShownOptions:
    def __init__(self, max_senders: int = 20000) -> None:
        self._options: OrderedDict[str, list[tuple[str, str]]] = OrderedDict()
        self._max = max_senders

    def get(self, sender: str) -> list[tuple[str, str]]:
        return list(self._options.get(sender, []))

    def set(self, sender: str, options: list[tuple[str, str]]) -> None:
        self._options.pop(sender, None)
        self._options[sender] = list(options)
        while len(self._options) > self._max:
            self._options.popitem(last=False)
