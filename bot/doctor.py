"""`iopbot doctor`: is this machine ready to run the bot? One line per check, one line of advice per problem.

Checks: Python version, the four ports free, disk space, database reachable, model present and current,
Twilio settings consistent, data files load. ``iopbot run`` runs the same checks first (the model check
only informs: it trains what is missing) and stops with the advice when one fails.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import socket
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT, Settings
from bot.terminal import shown

MIN_FREE_GB = 1.0  # a model is ~10 MB, but training and the SQLite database need room to work
PYTHON = (3, 11)  # requirements.lock pins wheels for this version
TWILIO = ("twilio_account_sid", "twilio_auth_token", "twilio_number")
YAML_FILES = ("config.yml", "domain.yml", "credentials.yml", "endpoints.yml")
_INODE_COLUMN = 9  # /proc/net/tcp: the socket's inode
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster
YAML_DIRS = ("data/nlu", "data/rules", "data/stories", "data/safety", "data/texts", "data/screening")


@dataclass
class Finding:
    name: str
    ok: bool
    text: str  # what was found, or what to do about it
    blocks_run: bool = True  # False: `iopbot run` goes on (it trains a missing model itself)


def check_python(version=sys.version_info) -> Finding:
    found = ".".join(map(str, version[:3]))
    if tuple(version[:2]) == PYTHON:
        return Finding("python", True, f"Python {found}")
    return Finding("python", False, f"Python {found} runs this, but requirements.lock is for Python 3.11: "
                                    "recreate the environment with `make clean install PY=python3.11`")


def services(settings: Settings) -> list[tuple[str, str, int]]:
    return [("Rasa server", "RASA_PORT", settings.rasa_port), ("action server", "ACTION_PORT", settings.action_port),
            ("staff console", "CONSOLE_PORT", settings.console_port),
            ("health endpoint", "HEALTH_PORT", settings.health_port)]


def port_in_use(host: str, port: int) -> bool:
    """True when a server could not bind ``host:port`` (ours bind with SO_REUSEADDR, so TIME_WAIT is fine)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            return exc.errno in (errno.EADDRINUSE, errno.EACCES)
    return False


def listener(port: int) -> str:
    """"pid 123: python3 -m http.server" for a process of ours listening on ``port``, or ""."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if len(cols) > _INODE_COLUMN and cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{cols[_INODE_COLUMN]}]")
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                return f"pid {proc.name}: {command[:60]}"
        except OSError:
            continue
    return ""


def another_iopbot(settings: Settings) -> bool:
    """True when an `iopbot run` answers on the health port (its /livez says "alive" or "stalled")."""
    url = settings.local_health_url.replace("/healthz", "/livez")
    try:
        with urllib.request.urlopen(url, timeout=1) as reply:  # noqa: S310 - our own local URL
            return json.loads(reply.read()).get("status") in ("alive", "stalled")
    except urllib.error.HTTPError as error:
        return error.code == HTTPStatus.SERVICE_UNAVAILABLE
    except (OSError, ValueError):
        return False


def check_ports(settings: Settings) -> list[Finding]:
    wanted = services(settings)
    seen: dict[int, str] = {}
    problems = []
    for name, setting, port in wanted:
        if port in seen:
            problems.append(Finding("ports", False, f"{name} and {seen[port]} are both set to port {port}: "
                                                    f"give one of them another port (IOPBOT_{setting})"))
        seen.setdefault(port, name)
    if problems:
        return problems
    busy = [(name, setting, port) for name, setting, port in wanted if port_in_use(settings.host, port)]
    if busy and another_iopbot(settings):
        return [Finding("ports", False, f"another `iopbot run` is already running here ({settings.local_health_url} "
                                        "answers): stop it first (Ctrl-C in its terminal, or `systemctl stop iopbot`)")]
    for name, setting, port in busy:
        owner = listener(port)
        problems.append(Finding("ports", False, f"port {port} ({name}) is already in use"
                                                f"{f' by {owner}' if owner else ''}: stop that program, or set "
                                                f"IOPBOT_{setting} to a free port"))
    if problems:
        return problems
    short = {"RASA_PORT": "Rasa", "ACTION_PORT": "actions", "CONSOLE_PORT": "console", "HEALTH_PORT": "health"}
    ports = ", ".join(f"{port} ({short[setting]})" for _, setting, port in wanted)
    return [Finding("ports", True, f"ports free on {settings.host}: {ports}")]


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_disk(settings: Settings, min_free_gb: float = MIN_FREE_GB) -> Finding:
    folders = {_existing(settings.data_dir), _existing(settings.model_dir)}
    for folder in sorted(folders):
        if not os.access(folder, os.W_OK):
            return Finding("disk", False, f"cannot write to {shown(folder)}: run as the user who owns it, or set "
                                          "IOPBOT_DATA_DIR to a folder you can write")
    free = min(shutil.disk_usage(folder).free for folder in folders) / 1e9
    if free < min_free_gb:
        return Finding("disk", False, f"only {free:.1f} GB free for {shown(settings.data_dir)} and "
                                      f"{shown(settings.model_dir)} (need {min_free_gb:g} GB): free some space "
                                      "(old models in models/ can go; the newest is the one in use)")
    return Finding("disk", True, f"{free:.0f} GB free")


def check_database(settings: Settings) -> Finding:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from bot.store.db import normalise_url

    url = make_url(normalise_url(settings.resolved_database_url))
    where = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite":
        folder = _existing(Path(url.database or ".").expanduser().resolve().parent)
        if not os.access(folder, os.W_OK):
            return Finding("database", False, f"cannot create the SQLite database {url.database} ({shown(folder)} "
                                              "is not writable): set IOPBOT_DATA_DIR or IOPBOT_DATABASE_URL")
        return Finding("database", True, f"SQLite at {shown(url.database)}")
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 5}, future=True)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure is the advice
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:160]
        return Finding("database", False, f"cannot reach the database {where} ({reason}): start it, or correct "
                                          "IOPBOT_DATABASE_URL")
    return Finding("database", True, f"reachable: {where}")


def check_model(settings: Settings) -> Finding:
    from bot.training import plan

    todo = plan(settings)
    if not todo.stages:
        return Finding("model", True, f"{shown(todo.model)}, up to date", blocks_run=False)
    if todo.rasa and not any(settings.model_dir.glob("*.tar.gz")):
        return Finding("model", False, "no model yet: `iopbot train` builds it (about 4 minutes the first time; "
                                       "`iopbot run` does it itself)", blocks_run=False)
    return Finding("model", False, f"out of date ({', '.join(todo.stages)}): `iopbot train` updates it "
                                   "(`iopbot run` does it itself)", blocks_run=False)


def check_twilio(settings: Settings) -> Finding:
    given = [name for name in TWILIO if getattr(settings, name)]
    if not given:
        return Finding("twilio", True, "Twilio: not configured (SMS off)")
    missing = [f"IOPBOT_{name.upper()}" for name in TWILIO if name not in given]
    if missing:
        return Finding("twilio", False, f"Twilio is half configured, {' and '.join(missing)} missing: set all "
                                        "three (ACCOUNT_SID, AUTH_TOKEN, NUMBER) or none")
    if not re.fullmatch(r"\+[1-9]\d{6,14}", settings.twilio_number):
        return Finding("twilio", False, "IOPBOT_TWILIO_NUMBER is not in E.164 form: write it like +15550100000")
    return Finding("twilio", True, f"Twilio: SMS on {settings.twilio_number}")


def check_data(root: Path = PROJECT_ROOT) -> Finding:
    from bot.screening import ScreeningDataError, load_criteria, load_questionnaire

    files = [root / name for name in YAML_FILES] + \
        [path for folder in YAML_DIRS for path in sorted((root / folder).rglob("*.yml"))]
    for path in files:
        try:
            yaml.load(path.read_text(encoding="utf-8"), Loader=FAST_LOADER)  # noqa: S506 - a safe loader
        except (OSError, yaml.YAMLError) as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" line {mark.line + 1}" if mark else ""
            reason = getattr(exc, "problem", None) or getattr(exc, "strerror", None) or exc
            return Finding("data", False, f"{path.relative_to(root)}{at} does not load ({reason}): fix that file")
    try:
        load_questionnaire()
        load_criteria()
    except ScreeningDataError as exc:
        return Finding("data", False, f"{exc}: fix that entry")
    return Finding("data", True, f"{len(files)} data files load")


def run_checks(settings: Settings, with_model: bool = True) -> list[Finding]:
    findings = [check_python(), *check_ports(settings), check_disk(settings), check_database(settings)]
    if with_model:
        findings.append(check_model(settings))
    return [*findings, check_twilio(settings), check_data()]
