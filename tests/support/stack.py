"""Start the real product processes (action server + Rasa server, optionally the console) for tests/benchmarks."""

from __future__ import annotations

import json
import random
import socket
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot import services
from bot.config import PROJECT_ROOT, Settings, load_settings
from bot.runner import ProcessGroup
from bot.training import train

# Scripted tests and benchmarks talk far faster than a person; they measure the bot, not the rate limiter.
# tests/e2e/test_channel_security.py runs the product's own limits (credentials.yml without rate_limit).
TEST_RATE_LIMIT = {"burst": 10_000, "per_minute": 600_000, "client_burst": 10_000, "client_per_minute": 600_000}


def relaxed(credentials: dict) -> dict:
    """Channel credentials with rate limits no scripted test reaches."""
    return {name: {**(conf or {}), "rate_limit": TEST_RATE_LIMIT} for name, conf in credentials.items()}


_HANDED_OUT: set[int] = set()
_PICK = random.SystemRandom()


def free_port() -> int:
    """A local port nothing is bound to, never handed out before in this process, and below the kernel's range
    for outgoing connections' own ports: a port the kernel picks (bind to 0) can be picked again by the next call,
    or taken as the source port of one of the thousands of client connections a test makes before its server
    binds it (a restarted node rebinds its port minutes later)."""
    low = _ephemeral_low()
    for _ in range(200):
        port = _PICK.randrange(max(1024, low - 12000), low) if low > 2048 else 0  # noqa: PLR2004
        if port in _HANDED_OUT:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            port = sock.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port
    raise RuntimeError("no free local port found")


def _ephemeral_low() -> int:
    """The low end of the ports the kernel gives outgoing connections (Linux: 32768 by default)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def stack_settings(data_dir: Path, **overrides) -> Settings:
    return load_settings(data_dir=data_dir, rasa_port=free_port(), action_port=free_port(),
                         console_port=free_port(), **overrides)


@dataclass
class Stack:
    """A running bot: action server + Rasa server on free local ports, SQLite in a temporary folder."""

    settings: Settings
    model: Path
    with_console: bool = False
    group: ProcessGroup = field(init=False)

    def __post_init__(self) -> None:
        self.group = ProcessGroup(services.child_env(self.settings), PROJECT_ROOT,
                                  log_dir=self.settings.data_dir / "logs")
        self.endpoints = services.write_endpoints(self.settings, self.settings.data_dir / "endpoints.yml")
        product = yaml.safe_load(services.credentials_path().read_text()) or {}
        self.credentials = self.settings.data_dir / "credentials.yml"
        self.credentials.write_text(yaml.safe_dump(relaxed(product), sort_keys=False))

    # -- processes --------------------------------------------------------------------------------
    def action_service(self):
        return services.action_server(self.settings)

    def rasa_service(self):
        return services.rasa_server(self.settings, self.model, self.endpoints, self.credentials)

    def start(self, timeout: float = 300) -> Stack:
        from bot.store.db import migrate

        migrate(self.settings.resolved_database_url)
        self.settings.key("rest_token")  # generated before the Rasa server reads it
        self.group.start(self.action_service())
        self.group.start(self.rasa_service())
        if self.with_console:
            self.group.start(services.console(self.settings))
        self.group.wait_ready(timeout=timeout)
        return self

    def stop_service(self, name: str) -> None:
        for service, proc in list(self.group.running):
            if service.name == name:
                proc.terminate()
                proc.wait(30)
                self.group.running.remove((service, proc))

    def restart_service(self, name: str, timeout: float = 300) -> None:
        factory = {"action server": self.action_service, "Rasa server": self.rasa_service}[name]
        self.stop_service(name)
        self.group.start(factory())
        self.group.wait_ready(timeout=timeout)

    def stop(self) -> None:
        self.group.stop()

    def logs(self) -> str:
        out = []
        for path in sorted((self.settings.data_dir / "logs").glob("*.log")):
            out.append(f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}")
        return "\n".join(out)

    # -- talking to it ----------------------------------------------------------------------------
    @property
    def rest_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.rasa_port}/webhooks/rest/webhook"

    @property
    def rest_headers(self) -> dict[str, str]:
        return {"Content-Type": "application/json", "Authorization": f"Bearer {self.settings.key('rest_token')}"}

    def send(self, sender: str, text: str, timeout: float = 60) -> list[dict]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(self.rest_url, data=body, headers=self.rest_headers)
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - local server
            return json.loads(response.read())


def trained_model(settings: Settings) -> Path:
    return train(settings)


def texts(replies: list[dict]) -> str:
    """All bot texts of one turn joined, lower-cased, for assertions."""
    return "\n".join(r.get("text", "") for r in replies).lower()
