"""Widget conversation tokens: the server issues a conversation id together with a signed, expiring token.

A token is ``<conversation id>.<timestamp>.<signature>`` (itsdangerous ``TimestampSigner``, HMAC-SHA1 over
the id and the time, keyed by ``settings.key("secret_key")`` with a salt of its own). The widget keeps the
whole token as its "session id" (rasa-webchat stores it and sends it back in ``session_request`` and with
every message), so the vendored bundle needs no change. Only the 32-hex conversation id is used as the
Rasa sender id.
"""

from __future__ import annotations

import hmac
import re
import time
import uuid
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

SALT = "iopbot.widget-conversation"
CONVERSATION_ID = re.compile(r"^[0-9a-f]{32}$")
DEFAULT_MAX_AGE = 24 * 3600  # seconds a token stays valid; reconnecting after half of it renews the token
MAX_TOKEN_LENGTH = 200  # longer than any token we issue: refused before the signature is checked


def same_token(given: object, expected: str) -> bool:
    """Constant-time comparison of a token a client sent with the one expected (any input, never raises)."""
    if not isinstance(given, str) or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))


@dataclass(frozen=True)
class Session:
    conversation_id: str
    token: str
    resumed: bool  # True: the token was valid and the conversation continues


class ConversationTokens:
    def __init__(self, secret: str, max_age: int = DEFAULT_MAX_AGE) -> None:
        self.signer = TimestampSigner(secret, salt=SALT)
        self.max_age = max_age

    def issue(self, conversation_id: str | None = None) -> str:
        return self.signer.sign(conversation_id or uuid.uuid4().hex).decode()

    def conversation_of(self, token: object) -> str | None:
        """The conversation id a valid, unexpired token names; None for anything else (never raises)."""
        found = self._unsign(token)
        return found[0] if found else None

    def session_for(self, token: object) -> Session:
        """Resume the conversation of a valid token (renewed after half its life), else start a new one."""
        found = self._unsign(token)
        if found is None:
            conversation_id = uuid.uuid4().hex
            return Session(conversation_id, self.issue(conversation_id), resumed=False)
        conversation_id, age = found
        renewed = token if age < self.max_age / 2 else self.issue(conversation_id)
        return Session(conversation_id, str(renewed), resumed=True)

    def _unsign(self, token: object) -> tuple[str, float] | None:
        if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
            return None
        try:
            value, stamp = self.signer.unsign(token, max_age=self.max_age, return_timestamp=True)
            conversation_id = value.decode()
        except (BadSignature, SignatureExpired, ValueError, UnicodeError):
            return None
        if not CONVERSATION_ID.match(conversation_id):
            return None
        return conversation_id, time.time() - stamp.timestamp()
