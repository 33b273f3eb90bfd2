"""Staff console web app. Start with ``uvicorn --factory bot.console.app:create_app``.

Routes (all but ``/healthz``, ``/login`` and ``/static`` need a logged-in staff user; every POST needs the
session's CSRF token; ``/export.csv`` and ``/audit`` need the admin role):

    GET  /healthz                      {"status": "ok"} after a database check
    GET  /health                       each process's status and restart count, from `iopbot run`'s /healthz
    GET  /login, POST /login, POST /logout
    GET  /queue  (+ /queue/rows)       open handoffs, filtered and paged (bot/console/queue_view.py)
    GET  /alerts.json                  ids/times for the page's new-urgent and new-message alerts
    GET  /handoffs/{id} (+ /transcript) summary, transcript, notes, status, reply box
    POST /handoffs/{id}/status|assign|notes|reply|deliver
    GET  /search, GET /export.csv      filters: date_from, date_to, band, channel, status, urgency
    GET  /audit                        the audit log (admins)
    GET  /overview (+ .csv, .json)     figures and charts for a period (admins; bot/console/overview.py)
    GET  /handoffs/{id}/typing.json, POST /handoffs/{id}/typing   live-chat typing (bot/console/typing_routes.py)

Each page view, transcript view, search and export is written to the audit log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.middleware.sessions import SessionMiddleware

from bot.console import relay
from bot.console.exports import handoffs_csv
from bot.console.overview import overview_router
from bot.console.queue_view import queue_router
from bot.console.security import (
    CsrfError,
    Forbidden,
    LoginThrottle,
    NotAuthenticated,
    SecurityHeaders,
    csrf_token,
    require_csrf,
    session_token,
    start_session,
)
from bot.console.snapshot import channel_label, local_time, partial_summary, snapshot
from bot.console.summary import partial_view, summary_view
from bot.console.typing_routes import typing_router
from bot.health import fetch as fetch_health
from bot.store import console_sessions, db
from bot.store import repositories as repo
from bot.store.models import STATUSES, URGENCIES, StaffUser, utcnow
from bot.store.passwords import burn_time, hash_password, needs_rehash, verify_password
from bot.store.slots import latest_slot
from bot.store.transcript import conversation_language, load_transcript
from bot.texts import staff_language_name

HERE = Path(__file__).resolve().parent
FRAGMENT_SUFFIXES = ("/rows", "/transcript", ".csv", ".json")
ACTION_LABELS = {
    "claim": "Claim",
    "in_conversation": "Mark in conversation",
    "release": "Release back to the bot",
    "close": "Close",
    "reopen": "Reopen",
}


def _fmt_waiting(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    minutes = max(0, int((utcnow() - value).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min"
    return f"{hours // 24} days"


def _templates(tz: str = "UTC") -> Jinja2Templates:
    """Jinja2 templates; ``when`` shows a stored (naive UTC) time in the clinic's time zone ``tz``."""
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True)
    env.filters["when"] = lambda value: local_time(value, tz)
    env.filters["channel"] = channel_label
    env.filters["waiting"] = _fmt_waiting
    env.filters["label"] = lambda v: str(v or "").replace("_", " ")
    return Jinja2Templates(env=env)


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _filters(request: Request) -> dict[str, Any]:
    q = request.query_params
    filters: dict[str, Any] = {
        "date_from": _parse_date(q.get("date_from")),
        "date_to": _parse_date(q.get("date_to")),
        "band": (q.get("band") or "")[:64] or None,
        "channel": (q.get("channel") or "")[:32] or None,
        "status": q.get("status") if q.get("status") in STATUSES else None,
        "urgency": q.get("urgency") if q.get("urgency") in URGENCIES else None,
    }
    return filters


def _filters_for_audit(filters: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in filters.items() if v}


def create_app(settings=None) -> FastAPI:
    """Build the console for ``settings`` (default: ``get_settings()``). Does not migrate the database."""
    if settings is None:
        from bot.config import get_settings

        settings = get_settings()
    engine = db.make_engine(settings=settings)
    sessions = db.make_session_factory(engine)
    clinic_tz = settings.staffed_hours.timezone
    templates = _templates(clinic_tz)
    throttle = LoginThrottle()

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        engine.dispose()

    app = FastAPI(title="Staff console", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.key("secret_key"),
        session_cookie="iopbot_console",
        max_age=int(settings.console_session_max_hours * 3600),  # the database decides when a session ends
        same_site="strict",
        https_only=settings.resolved_console_url.startswith("https://"),
    )
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    # ---- helpers ---------------------------------------------------------------------------------------

    def current_user(request: Request) -> StaffUser:
        token = session_token(request)
        with sessions.begin() as s:
            uid = console_sessions.check_session(s, token, settings.console_session_minutes,
                                                 settings.console_session_max_hours)
            user = repo.get_staff(s, uid) if uid is not None else None
            if user is not None and not user.active:
                console_sessions.revoke_user_sessions(s, user.id)
                user = None
        if user is None:
            if token is not None:  # a dead session: forget it (an anonymous one keeps its CSRF token)
                request.session.clear()
            raise NotAuthenticated()
        return user

    def admin_user(user: StaffUser = Depends(current_user)) -> StaffUser:
        if not user.is_admin:
            raise Forbidden()
        return user

    def reports_user(user: StaffUser = Depends(current_user)) -> StaffUser:
        if not user.sees_reports:
            raise Forbidden()
        return user

    def render(request: Request, name: str, user: StaffUser | None, status_code: int = 200, **ctx: Any):
        is_page = not name.startswith("_")
        flashes = request.session.pop("flash", []) if is_page else []
        context = dict(
            user=user,
            csrf=csrf_token(request),
            flashes=flashes,
            clinic_name=settings.clinic_name,
            session_minutes=settings.console_session_minutes,
            **ctx,
        )
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    def flash(request: Request, kind: str, text: str) -> None:
        request.session.setdefault("flash", [])
        request.session["flash"] = [*request.session["flash"], {"kind": kind, "text": text}][-5:]

    def back_to(handoff_id: int) -> RedirectResponse:
        return RedirectResponse(f"/handoffs/{handoff_id}", status_code=303)

    # ---- errors ----------------------------------------------------------------------------------------

    @app.exception_handler(NotAuthenticated)
    async def _not_authenticated(request: Request, _exc: NotAuthenticated):
        if request.method == "GET" and not request.url.path.endswith(FRAGMENT_SUFFIXES):
            return RedirectResponse("/login", status_code=303)
        return PlainTextResponse("Login required.", status_code=401)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, _exc: Forbidden):
        return PlainTextResponse("Your role does not allow this.", status_code=403)

    @app.exception_handler(CsrfError)
    async def _csrf(request: Request, _exc: CsrfError):
        return PlainTextResponse("This form has expired or is invalid. Reload the page and try again.",
                                 status_code=403)

    # ---- health and login ------------------------------------------------------------------------------

    @app.get("/healthz")
    def healthz():
        try:
            db.check(engine)
        except Exception:  # noqa: BLE001 - health check reports, never raises
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return {"status": "ok"}

    @app.get("/health", response_class=HTMLResponse)
    def health_page(request: Request, user: StaffUser = Depends(current_user)):
        """The supervisor's /healthz as a page: status and restart count of each process, where its log is."""
        report = fetch_health(settings.local_health_url)
        return render(request, "health.html", user, report=report, log_dir=settings.data_dir / "logs",
                      health_port=settings.health_port)

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request):
        return render(request, "login.html", None)

    @app.post("/login", dependencies=[Depends(require_csrf)])
    def login(request: Request, username: str = Form(""), password: str = Form("")):
        username = username.strip()[:150]
        client = request.client.host if request.client else "?"
        if throttle.blocked(username, client):
            with sessions.begin() as s:
                repo.audit(s, username or "?", "login.blocked", f"staff:{username}")
            return render(request, "login.html", None, status_code=429,
                          error="Too many failed attempts. Wait 15 minutes and try again.")
        with sessions.begin() as s:
            user = repo.get_staff_by_username(s, username) if username else None
            if user is None:
                burn_time()
                ok = False
            else:
                ok = user.active and verify_password(user.password_hash, password)
            if not ok:
                repo.audit(s, username or "?", "login.failed", f"staff:{username}")
            else:
                user.last_login_at = utcnow()
                if needs_rehash(user.password_hash):
                    user.password_hash = hash_password(password)
                repo.audit(s, user.username, "login", f"staff:{user.username}")
                console_sessions.revoke_session(s, session_token(request))  # this browser's earlier login
                token = console_sessions.open_session(s, user.id)
        if not ok:
            throttle.failed(username, client)
            return render(request, "login.html", None, status_code=401, error="Wrong username or password.")
        throttle.succeeded(username)
        start_session(request, token)
        return RedirectResponse("/queue", status_code=303)

    @app.post("/logout", dependencies=[Depends(require_csrf)])
    def logout(request: Request, user: StaffUser = Depends(current_user)):
        with sessions.begin() as s:
            console_sessions.revoke_session(s, session_token(request))
            repo.audit(s, user.username, "logout", f"staff:{user.username}")
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    # ---- queue -----------------------------------------------------------------------------------------

    @app.get("/")
    def home(user: StaffUser = Depends(current_user)):
        return RedirectResponse("/queue", status_code=303)

    # ---- one handoff -----------------------------------------------------------------------------------

    def load_handoff(s, handoff_id: int):
        handoff = repo.get_handoff(s, handoff_id)
        if handoff is None:
            return None
        screening = handoff.screening or repo.latest_screening(s, handoff.sender_id)
        return handoff, screening

    @app.get("/handoffs/{handoff_id}", response_class=HTMLResponse)
    def handoff_page(request: Request, handoff_id: int, user: StaffUser = Depends(current_user)):
        with sessions.begin() as s:
            found = load_handoff(s, handoff_id)
            if found is None:
                return render(request, "error.html", user, status_code=404, message="No such handoff.")
            handoff, screening = found
            partial = None if screening is not None else \
                partial_summary(latest_slot(s, handoff.sender_id, "screening_answers"))
            transcript = load_transcript(handoff.sender_id, session=s)
            staff = [u for u in repo.list_staff(s) if u.active]
            notes = repo.list_notes(s, handoff_id)
            replies = repo.list_staff_messages(s, handoff_id)
            actions = [a for a, (allowed, _new) in repo.STATUS_ACTIONS.items() if handoff.status in allowed]
            if "reopen" in actions and repo.get_active_handoff(s, handoff.sender_id) is not None:
                actions.remove("reopen")
            repo.audit(s, user.username, "handoff.view", f"handoff:{handoff_id}",
                       {"screening_id": screening.id if screening else None})
        stored = screening.summary if screening is not None and isinstance(screening.summary, dict) else None
        return render(
            request, "handoff.html", user, snap=snapshot(handoff, stored or partial, clinic_tz), staff=staff,
            channel_label=channel_label, partial=partial is not None,
            handoff=handoff, screening=screening, transcript=transcript,
            summary=summary_view(screening) if screening is not None else (partial and partial_view(partial)),
            language=staff_language_name(conversation_language(transcript)), notes=notes, replies=replies,
            actions=[(a, ACTION_LABELS[a]) for a in actions],
        )

    @app.get("/handoffs/{handoff_id}/transcript", response_class=HTMLResponse)
    def transcript_fragment(request: Request, handoff_id: int, user: StaffUser = Depends(current_user)):
        with sessions.begin() as s:
            handoff = repo.get_handoff(s, handoff_id)
            if handoff is None:
                return PlainTextResponse("No such handoff.", status_code=404)
            transcript = load_transcript(handoff.sender_id, session=s)
            repo.audit_throttled(s, user.username, "transcript.refresh", f"handoff:{handoff_id}")
        return render(request, "_transcript.html", user, transcript=transcript, handoff=handoff)

    @app.post("/handoffs/{handoff_id}/status", dependencies=[Depends(require_csrf)])
    def change_status(request: Request, handoff_id: int, action: str = Form(""),
                      user: StaffUser = Depends(current_user)):
        try:
            with sessions.begin() as s:
                staff = repo.get_staff(s, user.id)
                handoff = repo.change_status(s, handoff_id, action, staff)
                status = handoff.status
        except LookupError:
            return PlainTextResponse("No such handoff.", status_code=404)
        except repo.InvalidTransition as exc:
            flash(request, "error", str(exc))
            return back_to(handoff_id)
        messages = {
            "release": "Released: the bot answers this person again.",
            "close": "Handoff closed.",
        }
        flash(request, "ok", messages.get(action, f"Status is now {status.replace('_', ' ')}."))
        return back_to(handoff_id)

    @app.post("/handoffs/{handoff_id}/assign", dependencies=[Depends(require_csrf)])
    def assign(request: Request, handoff_id: int, staff_id: str = Form(""),
               user: StaffUser = Depends(current_user)):
        target = int(staff_id) if staff_id.isdigit() else None
        try:
            with sessions.begin() as s:
                row = repo.reassign(s, handoff_id, target, repo.get_staff(s, user.id))
                name = row.assignee.username if row.assignee else None
        except LookupError:
            return PlainTextResponse("No such handoff.", status_code=404)
        except repo.InvalidTransition as exc:
            flash(request, "error", str(exc))
            return back_to(handoff_id)
        flash(request, "ok", f"Assigned to {name}." if name else "Nobody is assigned now; the bot answers again.")
        return back_to(handoff_id)

    @app.post("/handoffs/{handoff_id}/notes", dependencies=[Depends(require_csrf)])
    def add_note(
        request: Request, handoff_id: int, text: str = Form(""), user: StaffUser = Depends(current_user)
    ):
        try:
            with sessions.begin() as s:
                repo.add_note(s, handoff_id, user.username, text)
        except LookupError:
            return PlainTextResponse("No such handoff.", status_code=404)
        except ValueError as exc:
            flash(request, "error", str(exc))
            return back_to(handoff_id)
        flash(request, "ok", "Note saved.")
        return back_to(handoff_id)

    def attempt_delivery(request: Request, handoff_id: int, sender_id: str, actor: str) -> None:
        result = relay.deliver(settings, sender_id)
        with sessions.begin() as s:
            pending = [m.id for m in repo.pending_staff_messages(s, sender_id)]
            repo.record_delivery_attempt(s, pending, result.error)
            detail = {"ok": result.ok, "pending": len(pending)}
            repo.audit(s, actor, "reply.deliver", f"handoff:{handoff_id}", detail)
        if result.ok:
            flash(request, "ok", "Reply sent to the chat server for delivery.")
        else:
            flash(request, "error", f"Not delivered yet: {result.error}. The reply is saved and stays "
                                    "pending; use “Retry delivery” when the chat server is back.")

    @app.post("/handoffs/{handoff_id}/reply", dependencies=[Depends(require_csrf)])
    def reply(
        request: Request, handoff_id: int, text: str = Form(""), user: StaffUser = Depends(current_user)
    ):
        try:
            with sessions.begin() as s:
                handoff = repo.get_handoff(s, handoff_id)
                if handoff is None:
                    return PlainTextResponse("No such handoff.", status_code=404)
                if not handoff.is_open:
                    flash(request, "error", "This handoff is closed; reopen it to reply.")
                    return back_to(handoff_id)
                if handoff.status != "in_conversation":
                    repo.change_status(s, handoff_id, "in_conversation", repo.get_staff(s, user.id))
                repo.add_staff_message(s, handoff_id, user.username, text)
                sender_id = handoff.sender_id
        except ValueError as exc:
            flash(request, "error", str(exc))
            return back_to(handoff_id)
        attempt_delivery(request, handoff_id, sender_id, user.username)
        return back_to(handoff_id)

    @app.post("/handoffs/{handoff_id}/deliver", dependencies=[Depends(require_csrf)])
    def retry_delivery(request: Request, handoff_id: int, user: StaffUser = Depends(current_user)):
        with sessions() as s:
            handoff = repo.get_handoff(s, handoff_id)
        if handoff is None:
            return PlainTextResponse("No such handoff.", status_code=404)
        attempt_delivery(request, handoff_id, handoff.sender_id, user.username)
        return back_to(handoff_id)

    # ---- search, export, audit -------------------------------------------------------------------------

    @app.get("/search", response_class=HTMLResponse)
    def search(request: Request, user: StaffUser = Depends(current_user)):
        filters = _filters(request)
        with sessions.begin() as s:
            rows = repo.search_handoffs(s, **filters)
            known = repo.known_values(s)
            detail = {**_filters_for_audit(filters), "count": len(rows)}
            repo.audit(s, user.username, "search", "handoffs", detail)
        return render(request, "search.html", user, rows=rows, filters=filters, known=known,
                      statuses=STATUSES, urgencies=URGENCIES, query=request.url.query)

    @app.get("/export.csv")
    def export(request: Request, user: StaffUser = Depends(admin_user)):
        filters = _filters(request)
        with sessions.begin() as s:
            rows = repo.search_handoffs(s, **filters, limit=100_000)
            body = handoffs_csv(rows)
            detail = {**_filters_for_audit(filters), "count": len(rows)}
            repo.audit(s, user.username, "export", "handoffs", detail)
        stamp = utcnow().strftime("%Y%m%d-%H%M")
        return Response(body, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="handoffs-{stamp}.csv"'})

    @app.get("/audit", response_class=HTMLResponse)
    def audit_page(request: Request, user: StaffUser = Depends(admin_user)):
        action = (request.query_params.get("action") or "")[:64] or None
        actor = (request.query_params.get("actor") or "")[:150] or None
        with sessions.begin() as s:
            entries = repo.list_audit(s, action=action, actor=actor, limit=500)
            repo.audit(s, user.username, "audit.view", "audit_log", {"action": action, "actor": actor})
        return render(request, "audit.html", user, entries=entries, action=action or "", actor=actor or "")

    app.include_router(queue_router(sessions=sessions, render=render, current_user=current_user))
    app.include_router(typing_router(settings=settings, sessions=sessions, current_user=current_user))
    app.include_router(overview_router(settings=settings, sessions=sessions, render=render, reports_user=reports_user))
    return app
