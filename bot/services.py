"""Commands and files for the three processes (action server, Rasa server, staff console).

Used by `iopbot run`, by the test fixtures and by the benchmarks, so all start the product the same way.
Each runs through ``python -m bot.serve`` (log redaction, private files; the Rasa API token is added to Rasa's
arguments inside the process, never on the command line).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT, Settings

BIN = Path(sys.executable).parent
SERVE = [str(BIN / "python"), "-m", "bot.serve"]
TRAINING_DATA = ["data/nlu", "data/rules", "data/stories"]


@dataclass
class Service:
    name: str
    argv: list[str]
    health_url: str
    url: str
    env: dict[str, str] = field(default_factory=dict)
    stop_rank: int = 0  # stopping goes from low to high: channels first, then actions, then the console
    reload_on_hup: bool = True  # restarted by SIGHUP to re-read settings (not Rasa: its model takes a minute)
    tier: int = 0  # started once every service of a lower tier is up (databases before the nodes)


def child_env(settings: Settings, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONUNBUFFERED="1",
        IOPBOT_DATA_DIR=str(settings.data_dir),
        IOPBOT_DATABASE_URL=settings.resolved_database_url,
        IOPBOT_RASA_PORT=str(settings.rasa_port),
        IOPBOT_ACTION_PORT=str(settings.action_port),
        IOPBOT_CONSOLE_PORT=str(settings.console_port),
        IOPBOT_HOST=settings.host,
    )
    if settings.redis_url:  # several nodes: the widget's rooms and typing state are shared through Redis
        env["IOPBOT_REDIS_URL"] = settings.redis_url
    for name in ("rasa_token", "encryption_key", "secret_key"):
        if getattr(settings, name):  # explicit values reach every process; generated ones live in data_dir
            env[f"IOPBOT_{name.upper()}"] = getattr(settings, name)
    env.update(extra or {})
    return env


def tracker_store_config(settings: Settings) -> dict:
    return {"type": "bot.store.tracker_store.EncryptedSQLTrackerStore", "url": settings.resolved_database_url}


def write_endpoints(settings: Settings, path: Path, with_tracker_store: bool = True) -> Path:
    """Rasa's endpoints file, generated from settings so ports and database come from one place."""
    # the domain only to the actions that declare send_domain in domain.yml (the form validators)
    endpoints: dict = {"action_endpoint": {"url": f"http://{settings.host}:{settings.action_port}/webhook",
                                           "enable_selective_domain": True}}
    if with_tracker_store:
        endpoints["tracker_store"] = tracker_store_config(settings)
    if settings.redis_url:  # several nodes: one lock per conversation across them
        from bot.cluster.local import lock_store_config

        endpoints["lock_store"] = lock_store_config(settings.redis_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(endpoints, sort_keys=False))
    return path


def action_server(settings: Settings) -> Service:
    base = f"http://{settings.host}:{settings.action_port}"
    return Service(
        "action server",
        [*SERVE, "actions", "--actions", "actions", "--port", str(settings.action_port)],
        f"{base}/health",
        f"{base}/webhook",
        stop_rank=1,
    )


def rasa_server(settings: Settings, model_path: Path, endpoints: Path, credentials: Path) -> Service:
    base = f"http://{settings.host}:{settings.rasa_port}"
    argv = [*SERVE, "rasa", "run", "--model", str(model_path), "--endpoints", str(endpoints),
            "--credentials", str(credentials), "--port", str(settings.rasa_port), "--interface", settings.host]
    # the HTTP API is needed only for staff takeover replies; bot.serve adds the token (never on argv)
    argv += ["--enable-api"]
    return Service("Rasa server", argv, f"{base}/webhooks/rest/", base, reload_on_hup=False)


def console(settings: Settings) -> Service:
    base = f"http://{settings.host}:{settings.console_port}"
    return Service(
        "staff console",
        [*SERVE, "console", "--factory", "bot.console.app:create_app", "--host", settings.host,
         "--port", str(settings.console_port), "--log-level", "warning",
         "--ws", "none"],  # Rasa pins an old websockets that uvicorn's websocket support cannot import
        f"{base}/healthz",
        base,
        stop_rank=2,
    )


def credentials_path(settings: Settings | None = None) -> Path:
    """The channels' settings file: ``settings.credentials_file`` when set, else the project's credentials.yml."""
    chosen = settings.credentials_file if settings is not None else ""
    return Path(chosen) if chosen else PROJECT_ROOT / "credentials.yml"
