"""Encryption at rest for health text (Fernet, key from ``Settings.key("encryption_key")``).

Several comma-separated keys may be configured for rotation: the first encrypts, all decrypt.
Each engine made by :func:`bot.store.db.make_engine` carries its own cipher on its dialect
(``dialect.iopbot_cipher``), so tests and processes with different keys never share state; an engine
without one falls back to the process settings.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.types import Text, TypeDecorator

CIPHER_ATTR = "iopbot_cipher"


class DecryptionError(RuntimeError):
    """Stored ciphertext could not be decrypted with any configured key."""


@functools.lru_cache(maxsize=16)
def cipher_for(key: str) -> MultiFernet:
    """Return a cipher for one key or a comma-separated list of keys (first one encrypts)."""
    keys = [k.strip() for k in key.split(",") if k.strip()]
    if not keys:
        raise ValueError("encryption key is empty")
    return MultiFernet([Fernet(k.encode()) for k in keys])


def default_cipher() -> MultiFernet:
    from bot.config import get_settings

    return cipher_for(get_settings().key("encryption_key"))


def _cipher(dialect: Any) -> MultiFernet:
    return getattr(dialect, CIPHER_ATTR, None) or default_cipher()


def encrypt_text(cipher: MultiFernet, value: str) -> str:
    return cipher.encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_text(cipher: MultiFernet, token: str) -> str:
    try:
        return cipher.decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise DecryptionError("stored value cannot be decrypted with the configured key(s)") from exc


class EncryptedText(TypeDecorator):
    """A TEXT column whose value is Fernet-encrypted in the database and plain ``str`` in Python.

    ``allow_plaintext=True`` accepts legacy unencrypted JSON rows (values starting with ``{``) on read;
    it is used only for Rasa's ``events`` table so an existing unencrypted tracker store stays readable.
    """

    impl = Text
    cache_ok = True

    def __init__(self, allow_plaintext: bool = False):
        super().__init__()
        self.allow_plaintext = allow_plaintext

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return encrypt_text(_cipher(dialect), str(value))

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        if self.allow_plaintext and value.lstrip().startswith("{"):
            return value
        return decrypt_text(_cipher(dialect), value)


class EncryptedJSON(TypeDecorator):
    """Any JSON-serialisable value, stored encrypted as TEXT."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return encrypt_text(_cipher(dialect), json.dumps(value, ensure_ascii=False, default=str))

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        if value is None:
            return None
        return json.loads(decrypt_text(_cipher(dialect), value))
