"""What the console's routers share: dependencies, page rendering, flash messages and the error handlers.

Dependencies (FastAPI ``Depends``; the ``Annotated`` aliases read ``user: CurrentUser``):

    settings(request)      the app's settings                                  -> ``Settings``
    db_sessions(request)   the app's session factory, for routes that need
                           more than one transaction                           -> ``DbSessions``
    db_session(request)    one session in one transaction for the whole route
                           (committed when the route returns, rolled back when it raises)   -> ``DbSession``
    current_user(request)  the logged-in staff user, else ``NotAuthenticated``  -> ``CurrentUser``
    admin_user             ... with the admin role, else ``Forbidden``          -> ``AdminUser``
    reports_user           ... who may see the Overview, else ``Forbidden``     -> ``ReportsUser``
    csrf                   ``Depends(require_csrf)`` for every POST

Errors: ``NotFound`` (``bot.store.repositories.NotFound``, also raised by the repositories for a missing
handoff) is answered in one place: a page for a browser GET, "No such handoff." as text otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Iterator

from fastapi import Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from sqlalchemy.orm import Session, sessionmaker

from bot.console.security import CsrfError, Forbidden, NotAuthenticated, csrf_token, require_csrf, session_token
from bot.console.snapshot import channel_label, local_time
from bot.store import console_sessions
from bot.store import repositories as repo
from bot.store.models import StaffUser, utcnow
from bot.store.repositories import NotFound

__all__ = [
    "AdminUser",
    "CurrentUser",
    "DbSession",
    "DbSessions",
    "NotFound",
    "ReportsUser",
    "admin_user",
    "back_to",
    "csrf",
    "current_user",
    "db_session",
    "db_sessions",
    "flash",
    "install_error_handlers",
    "make_templates",
    "render",
    "reports_user",
    "settings",
]

HERE = Path(__file__).resolve().parent
FRAGMENT_SUFFIXES = ("/rows", "/transcript", ".csv", ".json")
MINUTES_SHOWN = 60  # a wait under an hour reads "12 min"
HOURS_SHOWN = 48  # under two days "5 h 3 min", then "3 days"


# ---- dependencies --------------------------------------------------------------------------------------


def settings(request: Request):
    return request.app.state.settings


def db_sessions(request: Request) -> sessionmaker:
    return request.app.state.sessions


def db_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions.begin() as session:
        yield session


def current_user(request: Request) -> StaffUser:
    conf = request.app.state.settings
    token = session_token(request)
    with request.app.state.sessions.begin() as s:
        uid = console_sessions.check_session(s, token, conf.console_session_minutes, conf.console_session_max_hours)
        user = repo.get_staff(s, uid) if uid is not None else None
        if user is not None and not user.active:
            console_sessions.revoke_user_sessions(s, user.id)
            user = None
    if user is None:
        if token is not None:  # a dead session: forget it (an anonymous one keeps its CSRF token)
            request.session.clear()
        raise NotAuthenticated()
    request.state.user = user  # for the error pages
    return user


def admin_user(user: StaffUser = Depends(current_user)) -> StaffUser:
    if not user.is_admin:
        raise Forbidden()
    return user


def reports_user(user: StaffUser = Depends(current_user)) -> StaffUser:
    if not user.sees_reports:
        raise Forbidden()
    return user


DbSessions = Annotated[sessionmaker, Depends(db_sessions)]
# closed when the route returns, before the response is sent (a commit error is the route's error)
DbSession = Annotated[Session, Depends(db_session, scope="function")]
CurrentUser = Annotated[StaffUser, Depends(current_user)]
AdminUser = Annotated[StaffUser, Depends(admin_user)]
ReportsUser = Annotated[StaffUser, Depends(reports_user)]
csrf = Depends(require_csrf)


# ---- pages ---------------------------------------------------------------------------------------------


def _fmt_waiting(value) -> str:
    if value is None:
        return ""
    minutes = max(0, int((utcnow() - value).total_seconds() // 60))
    if minutes < MINUTES_SHOWN:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < HOURS_SHOWN:
        return f"{hours} h {minutes} min"
    return f"{hours // 24} days"


def make_templates(tz: str = "UTC") -> Jinja2Templates:
    """Jinja2 templates; ``when`` shows a stored (naive UTC) time in the clinic's time zone ``tz``."""
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True)
    env.filters["when"] = lambda value: local_time(value, tz)
    env.filters["channel"] = channel_label
    env.filters["waiting"] = _fmt_waiting
    env.filters["label"] = lambda v: str(v or "").replace("_", " ")
    return Jinja2Templates(env=env)


def render(request: Request, name: str, user: StaffUser | None, status_code: int = 200, **ctx: Any):
    """Render template ``name``; a page (not a ``_fragment``) also shows and clears the flash messages."""
    conf = request.app.state.settings
    is_page = not name.startswith("_")
    flashes = request.session.pop("flash", []) if is_page else []
    context = dict(
        user=user,
        csrf=csrf_token(request),
        flashes=flashes,
        clinic_name=conf.clinic_name,
        session_minutes=conf.console_session_minutes,
        **ctx,
    )
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)


def flash(request: Request, kind: str, text: str) -> None:
    request.session.setdefault("flash", [])
    request.session["flash"] = [*request.session["flash"], {"kind": kind, "text": text}][-5:]


def back_to(handoff_id: int) -> RedirectResponse:
    return RedirectResponse(f"/handoffs/{handoff_id}", status_code=303)


# ---- errors --------------------------------------------------------------------------------------------


def _wants_page(request: Request) -> bool:
    return request.method == "GET" and not request.url.path.endswith(FRAGMENT_SUFFIXES)


async def _not_authenticated(request: Request, _exc: NotAuthenticated):
    if _wants_page(request):
        return RedirectResponse("/login", status_code=303)
    return PlainTextResponse("Login required.", status_code=401)


async def _forbidden(_request: Request, _exc: Forbidden):
    return PlainTextResponse("Your role does not allow this.", status_code=403)


async def _csrf(_request: Request, _exc: CsrfError):
    return PlainTextResponse("This form has expired or is invalid. Reload the page and try again.", status_code=403)


async def _not_found(request: Request, exc: NotFound):
    message = f"No such {exc.what}."
    if _wants_page(request):
        return render(request, "error.html", getattr(request.state, "user", None), status_code=404, message=message)
    return PlainTextResponse(message, status_code=404)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(NotAuthenticated, _not_authenticated)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(CsrfError, _csrf)
    app.add_exception_handler(NotFound, _not_found)
