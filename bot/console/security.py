"""Console sessions, CSRF tokens, the login policy (lockout and password checks) and security headers."""

from __future__ import annotations

import hmac
import secrets
import threading
import time

from fastapi import Request
from sqlalchemy.orm import sessionmaker
from starlette.middleware.base import BaseHTTPMiddleware

from bot.store import console_sessions
from bot.store import repositories as repo
from bot.store.models import utcnow
from bot.store.passwords import burn_time, hash_password, needs_rehash, verify_password

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class NotAuthenticated(Exception):
    """No valid console session."""


class Forbidden(Exception):
    """Authenticated, but the role does not allow this."""


class CsrfError(Exception):
    """A POST without the session's CSRF token."""


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def require_csrf(request: Request) -> None:
    """FastAPI dependency for every POST: the form's ``csrf_token`` must match the session's token."""
    expected = request.session.get("csrf")
    try:
        form = await request.form()
        given = form.get("csrf_token")
    except Exception:  # noqa: BLE001 - unparsable body is simply a missing token
        given = None
    if not expected or not isinstance(given, str) or not hmac.compare_digest(expected, given):
        raise CsrfError()


def start_session(request: Request, token: str) -> None:
    """New session after login (drops anything from before: no session fixation). ``token`` comes from
    ``bot.store.console_sessions.open_session``; the signed cookie carries it, the database its hash."""
    request.session.clear()
    request.session["sid"] = token
    request.session["csrf"] = secrets.token_urlsafe(32)


def session_token(request: Request) -> str | None:
    token = request.session.get("sid")
    return token if isinstance(token, str) else None


class LoginThrottle:
    """Refuse logins after ``user_limit`` failures for one username, or ``ip_limit`` failures from one client
    address (higher: a clinic's staff often share one address), within ``window`` seconds."""

    def __init__(self, user_limit: int = 5, ip_limit: int = 30, window: int = 900):
        self.limits = {"user": user_limit, "ip": ip_limit}
        self.window = window
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        self._failures[key] = times
        return times

    def blocked(self, username: str, ip: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(
                len(self._recent(key, now)) >= self.limits[key[0]] for key in (("user", username), ("ip", ip))
            )

    def failed(self, username: str, ip: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in (("user", username), ("ip", ip)):
                self._recent(key, now).append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(("user", username), None)


class LoginRefused(Exception):
    """A login that did not succeed: ``status_code`` and the ``message`` to show on the login page."""

    def __init__(self, status_code: int, message: str):
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def log_in(request: Request, sessions: sessionmaker, throttle: LoginThrottle, username: str, password: str) -> str:
    """Check a login from ``request``'s client against the lockout and the stored password and open a console
    session.

    Returns the new session's token (this browser's earlier session is revoked). Raises ``LoginRefused`` (429
    while locked out, 401 for a wrong name or password). Every attempt is audited; an unknown username costs as
    much time as a wrong password.
    """
    client = request.client.host if request.client else "?"
    if throttle.blocked(username, client):
        with sessions.begin() as s:
            repo.audit(s, username or "?", "login.blocked", f"staff:{username}")
        raise LoginRefused(429, "Too many failed attempts. Wait 15 minutes and try again.")
    token = None
    with sessions.begin() as s:
        user = repo.get_staff_by_username(s, username) if username else None
        if user is None:
            burn_time()
        elif user.active and verify_password(user.password_hash, password):
            user.last_login_at = utcnow()
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            repo.audit(s, user.username, "login", f"staff:{user.username}")
            console_sessions.revoke_session(s, session_token(request))
            token = console_sessions.open_session(s, user.id)
        if token is None:
            repo.audit(s, username or "?", "login.failed", f"staff:{username}")
    if token is None:
        throttle.failed(username, client)
        raise LoginRefused(401, "Wrong username or password.")
    throttle.succeeded(username)
    return token


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response
