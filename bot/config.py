"""All configuration in one place: environment variables over ``data/clinic.yml`` over safe local defaults.

Every setting can be given as an environment variable ``IOPBOT_<NAME>`` (upper case). Clinic-facing
values (phone numbers, staffed hours, texts) normally live in the YAML file named by ``IOPBOT_SETTINGS``
(default ``data/clinic.yml``). Nothing here touches the network or a database; ``get_settings()`` reads
files only when first called.
"""

from __future__ import annotations

import functools
import os
import secrets
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseSettings, Field

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class StaffedHours(BaseSettings):
    """When people answer the helpline/chat. Days are 0=Monday … 6=Sunday; times are local HH:MM."""

    timezone: str = "America/New_York"
    days: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4, 5, 6])
    start: str = "00:00"
    end: str = "24:00"

    class Config:
        env_prefix = "IOPBOT_HOURS_"


class Settings(BaseSettings):
    # where local state lives (SQLite file, generated keys, logs)
    data_dir: Path = PROJECT_ROOT / "var"
    database_url: str = ""  # default: sqlite:///<data_dir>/iopbot.db
    # Fernet key for transcripts at rest; generated into data_dir for local use when unset
    encryption_key: str = ""
    # console session signing key; generated into data_dir for local use when unset
    secret_key: str = ""

    host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_port: int = 5055
    console_port: int = 8000
    # `iopbot run`'s supervisor: aggregated /healthz and /livez served on this port
    health_port: int = 8001
    # seconds each process gets to stop after SIGTERM before it is killed
    stop_timeout: float = 10.0
    # a process that fails this many times in a row, never staying up a minute, stops the whole bot
    restart_limit: int = 5
    # token for Rasa's HTTP API (only the console uses it, to relay staff replies); generated locally when unset
    rasa_token: str = ""
    # bearer token for the REST channel (partners, tests); generated into data_dir/rest_token.txt when unset
    rest_token: str = ""
    model_dir: Path = PROJECT_ROOT / "models"

    # several nodes (`iopbot run --nodes N`, deploy/): Redis for Rasa's lock store, e.g.
    # redis://:password@127.0.0.1:6380/1 (empty: one process, in-memory locks)
    redis_url: str = ""
    # ports of the Rasa and action nodes behind the balancer (which takes rasa_port and action_port);
    # empty: rasa_port + 101, + 102 ... and action_port + 101, + 102 ...
    rasa_node_ports: list[int] = Field(default_factory=list)
    action_node_ports: list[int] = Field(default_factory=list)
    # the local Redis and PostgreSQL that `iopbot run --nodes N` starts when redis_url / database_url are unset
    redis_port: int = 6380
    postgres_port: int = 5433
    # the input channels' settings (rate limits, widget token age); default: credentials.yml in the project
    credentials_file: str = ""
    # public base URL of the staff console, used in notification links
    console_url: str = ""
    # staff console sessions end after this many idle minutes, and this many hours after login at the latest
    console_session_minutes: int = 30
    console_session_max_hours: float = 12.0

    # clinic-facing values
    clinic_name: str = "our clinic"
    helpline_phone: str = "(555) 010-0000"
    crisis_line: str = "988"
    emergency_number: str = "911"
    poison_control: str = "1-800-222-1222"
    staffed_hours: StaffedHours = Field(default_factory=StaffedHours)

    # notifications carry no health details, only a console link
    handoff_webhook_url: str = ""
    # a handoff still waiting is announced again after this many minutes (new and newly urgent ones at once)
    handoff_renotify_minutes: float = 15.0
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    notify_email_to: str = ""

    # SMS (Twilio)
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_number: str = ""
    twilio_api_base: str = "https://api.twilio.com"
    # public base URL Twilio calls (e.g. https://chat.clinic.org), for signature checks behind a proxy
    public_url: str = ""

    # the action server builds the answer models of the questions everyone is asked in a background thread as
    # it starts (about 15 s of CPU, the memory one screening uses anyway), so the first person after a start
    # does not wait 1-2 s on each of those answers; the test suite turns it off (it starts dozens of servers)
    warm_up_answers: bool = True

    # conversation sessions
    session_expiration_minutes: int = 240
    retention_days: int = 365
    # console Overview: counts of fewer than this many people are shown as "< N" (never below 5)
    overview_min_cell: int = Field(5, ge=5)

    class Config:
        env_prefix = "IOPBOT_"

    # ---- derived values -------------------------------------------------------------------------
    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'iopbot.db'}"

    @property
    def resolved_console_url(self) -> str:
        return self.console_url or f"http://{self.host}:{self.console_port}"

    @property
    def local_health_url(self) -> str:
        """Where this machine reaches the supervisor's /healthz (a wildcard HOST is reached on loopback)."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host  # noqa: S104 - not a bind
        return f"http://{host}:{self.health_port}/healthz"

    def key(self, name: str) -> str:
        """A secret setting (``encryption_key``, ``rasa_token`` ...) or, unset, one generated into data_dir."""
        value = getattr(self, name, "")
        if value:
            return value
        path = self.data_dir / f"{name}.txt"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if name == "encryption_key":
            from cryptography.fernet import Fernet

            value = Fernet.generate_key().decode()
        else:
            value = secrets.token_urlsafe(48)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others
        except FileExistsError:  # another process generated it just now: use that one
            return path.read_text().strip()
        with os.fdopen(fd, "w") as fh:
            fh.write(value)
        return value


def _yaml_values(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of settings at the top level")
    return data


def load_settings(settings_file: Path | None = None, **overrides: Any) -> Settings:
    """Build settings: explicit overrides > environment > YAML file > defaults."""
    path = settings_file or Path(os.environ.get("IOPBOT_SETTINGS", PROJECT_ROOT / "data" / "clinic.yml"))
    file_values = _yaml_values(Path(path))
    env_names = {k[len("IOPBOT_"):].lower() for k in os.environ if k.startswith("IOPBOT_")}
    values = {k: v for k, v in file_values.items() if k not in env_names}
    values.update(overrides)
    return Settings(**values)


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings, read once on first use."""
    return load_settings()
