"""What the SMS channel remembers between webhooks.

* ``OptOuts`` — who sent STOP. Kept in ``<data_dir>/sms_opt_outs.json`` so a restart does not start texting
  someone who opted out. The file holds HMAC-SHA256 digests of phone numbers (keyed with the settings'
  ``secret_key``), never the numbers themselves.
* ``SeenMessages`` — MessageSids already handled (Twilio may deliver a webhook twice). In memory, bounded,
  24 hours: a duplicate after a restart would be processed again.
* ``ShownOptions`` — per sender, the buttons [(title, payload)] of the last bot turn that showed buttons,
  so "1"/"2" can be mapped back to the payload. In memory: after a restart a bare "1" goes to the bot as
  typed, where the screening form's own parser still reads option numbers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path


class OptOuts:
    def __init__(self, path: Path, secret: str) -> None:
        self._path = path
        self._secret = secret.encode()
        self._lock = threading.Lock()
        self._digests: set[str] | None = None

    def _digest(self, number: str) -> str:
        return hmac.new(self._secret, number.strip().encode(), hashlib.sha256).hexdigest()

    def _load(self) -> set[str]:
        if self._digests is None:
            try:
                self._digests = set(json.loads(self._path.read_text()).get("opted_out", []))
            except FileNotFoundError:
                self._digests = set()
        return self._digests

    def _save(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"opted_out": sorted(self._digests or ())}))
        os.chmod(tmp, 0o600)
        tmp.replace(self._path)

    def is_opted_out(self, number: str) -> bool:
        with self._lock:
            return self._digest(number) in self._load()

    def opt_out(self, number: str) -> None:
        with self._lock:
            self._load().add(self._digest(number))
            self._save()

    def opt_in(self, number: str) -> None:
        with self._lock:
            self._load().discard(self._digest(number))
            self._save()


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
        if options:
            self._options[sender] = list(options)
            while len(self._options) > self._max:
                self._options.popitem(last=False)
