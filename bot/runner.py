"""Start processes, wait until each answers its health check, stop them all cleanly."""

from __future__ import annotations

import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from bot.services import Service


class StartupError(RuntimeError):
    pass


def is_healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - local health URL
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


class ProcessGroup:
    """A set of child processes started together and stopped together (also on Ctrl-C)."""

    def __init__(self, env: dict[str, str], cwd: Path, log_dir: Path | None = None) -> None:
        self.env = env
        self.cwd = cwd
        self.log_dir = log_dir
        self.running: list[tuple[Service, subprocess.Popen]] = []

    def start(self, service: Service) -> subprocess.Popen:
        stdout = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            stdout = open(self.log_dir / f"{service.name.replace(' ', '_')}.log", "ab")  # noqa: SIM115
        proc = subprocess.Popen(service.argv, cwd=self.cwd, env={**self.env, **service.env},
                                stdout=stdout, stderr=subprocess.STDOUT if stdout else None,
                                start_new_session=True)
        self.running.append((service, proc))
        return proc

    def wait_ready(self, timeout: float = 300.0, on_ready=None) -> None:
        """Block until every started service passes its health check; raise if one dies or times out."""
        pending = {service.name: (service, proc) for service, proc in self.running}
        deadline = time.monotonic() + timeout
        while pending:
            for name, (service, proc) in list(pending.items()):
                if proc.poll() is not None:
                    raise StartupError(f"{name} exited with code {proc.returncode} before it was ready")
                if is_healthy(service.health_url):
                    del pending[name]
                    if on_ready:
                        on_ready(service)
            if pending and time.monotonic() > deadline:
                raise StartupError(f"not ready after {timeout:.0f}s: {', '.join(pending)}")
            time.sleep(0.5)

    def stop(self, timeout: float = 15.0) -> None:
        for _, proc in reversed(self.running):
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        deadline = time.monotonic() + timeout
        for _, proc in reversed(self.running):
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.running.clear()

    def first_exited(self) -> tuple[Service, subprocess.Popen] | None:
        for service, proc in self.running:
            if proc.poll() is not None:
                return service, proc
        return None
