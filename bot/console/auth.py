"""Signing in and out: ``GET /login``, ``POST /login``, ``POST /logout`` (the policy is in ``security``)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from bot.console.deps import CurrentUser, DbSession, DbSessions, csrf, render
from bot.console.security import LoginRefused, log_in, session_token, start_session
from bot.store import console_sessions
from bot.store import repositories as repo

router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request):
    return render(request, "login.html", None)


@router.post("/login", dependencies=[csrf])
def login(request: Request, sessions: DbSessions, username: str = Form(""), password: str = Form("")):
    try:
        token = log_in(request, sessions, request.app.state.throttle, username.strip()[:150], password)
    except LoginRefused as refused:
        return render(request, "login.html", None, status_code=refused.status_code, error=refused.message)
    start_session(request, token)
    return RedirectResponse("/queue", status_code=303)


@router.post("/logout", dependencies=[csrf])
def logout(request: Request, user: CurrentUser, s: DbSession):
    console_sessions.revoke_session(s, session_token(request))
    repo.audit(s, user.username, "logout", f"staff:{user.username}")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
