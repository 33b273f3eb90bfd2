"""Staff console web app. Start with ``uvicorn --factory bot.console.app:create_app``.

Routes (all but ``/healthz``, ``/login`` and ``/static`` need a logged-in staff user; every POST needs the
session's CSRF token; ``/export.csv`` and ``/audit`` need the admin role), one router per area:

    auth.py        GET /login, POST /login, POST /logout
    queue_view.py  GET / , GET /queue (+ /queue/rows), GET /alerts.json
    handoffs.py    GET /handoffs/{id} (+ /transcript), POST /handoffs/{id}/status|assign|notes|reply|deliver
    admin.py       GET /search, GET /export.csv, GET /audit, GET /healthz, GET /health
    overview.py    GET /overview (+ .csv, .json)   figures and charts for a period (leads and admins)
    typing_routes.py  GET /handoffs/{id}/typing.json, POST /handoffs/{id}/typing   live-chat typing

What they share (the logged-in user, the database session, CSRF, rendering, the not-found error) is in
``deps.py``; the login policy in ``security.py``. Each page view, transcript view, search and export is
written to the audit log.
"""

from __future__ import annotations

import contextlib

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from bot.config import get_settings
from bot.console import admin, auth, handoffs, queue_view, typing_routes
from bot.console.deps import HERE, install_error_handlers, make_templates, render, reports_user
from bot.console.overview import overview_router
from bot.console.security import LoginThrottle, SecurityHeaders
from bot.store import db


def create_app(settings=None) -> FastAPI:
    """Build the console for ``settings`` (default: ``get_settings()``). Does not migrate the database."""
    if settings is None:
        settings = get_settings()
    engine = db.make_engine(settings=settings)
    sessions = db.make_session_factory(engine)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        engine.dispose()

    app = FastAPI(title="Staff console", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.templates = make_templates(settings.staffed_hours.timezone)
    app.state.throttle = LoginThrottle()
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
    install_error_handlers(app)
    for area in (admin, auth, queue_view, handoffs, typing_routes):
        app.include_router(area.router)
    app.include_router(overview_router(settings=settings, sessions=sessions, render=render, reports_user=reports_user))
    return app
