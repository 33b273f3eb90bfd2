"""Start child processes that cannot outlive their parent, health-check them, stop them (grace, then kill).

Every child runs behind :mod:`bot.die_with_parent` (which stops it when its parent dies, even by ``kill -9``,
and passes SIGTERM on) in a process group of its own, so killing it also kills anything it started. ``ProcessGroup``
is the simple start-all / stop-all used by tests and benchmarks; ``iopbot run`` uses :mod:`bot.supervisor`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http import HTTPStatus
from pathlib import Path

from bot.private_files import open_private_log
from bot.services import Service


class StartupError(RuntimeError):
    pass


def is_healthy(url: str, timeout: float = 2.0) -> bool:
    """An HTTP URL answers 2xx, or a ``tcp://host:port`` accepts connections."""
    if url.startswith("tcp://"):
        host, _, port = url[len("tcp://"):].rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=timeout):
                return True
        except (OSError, ValueError):
            return False
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - local health URL
            return HTTPStatus.OK <= response.status < HTTPStatus.MULTIPLE_CHOICES
    except (urllib.error.URLError, OSError, ValueError):
        return False


def log_file(log_dir: Path, service: Service) -> Path:
    return log_dir / f"{service.name.replace(' ', '_')}.log"


def spawn(service: Service, env: dict[str, str], cwd: Path, log_dir: Path | None = None) -> subprocess.Popen:
    """Start ``service`` in its own process group, bound to die with this process; output to its log file."""
    out = None
    if log_dir is not None:
        out = open_private_log(log_file(log_dir, service))
    argv = [sys.executable, "-m", "bot.die_with_parent", str(os.getpid()), *service.argv]
    try:
        return subprocess.Popen(argv, cwd=cwd, env={**env, **service.env}, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT if out else None, start_new_session=True)
    finally:
        if out is not None:
            out.close()


def has_exited(proc: subprocess.Popen) -> bool:
    """True once the child has exited, without reaping it (its process group id stays reserved)."""
    if proc.returncode is not None:
        return True
    try:
        return os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def terminate(proc: subprocess.Popen) -> None:
    """SIGTERM to the child's guard, which passes it on (the whole group would get it twice)."""
    if not has_exited(proc):
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGTERM)


def signal_group(proc: subprocess.Popen, signum: int) -> None:
    """Send ``signum`` to the child's process group (the child and whatever it started)."""
    if proc.returncode is not None:  # reaped: its group id may belong to someone else now
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signum)


def reap(proc: subprocess.Popen) -> int:
    """Kill what is left of an exited child's group, then collect its exit status."""
    signal_group(proc, signal.SIGKILL)
    return proc.wait()


def stop(proc: subprocess.Popen, grace: float, give_up=lambda: False) -> int:
    """SIGTERM the child, wait up to ``grace`` seconds (or until ``give_up()``), then SIGKILL its group."""
    terminate(proc)
    return wait_or_kill(proc, grace, give_up)


def wait_or_kill(proc: subprocess.Popen, grace: float, give_up=lambda: False) -> int:
    """Wait up to ``grace`` seconds for the child to exit (or until ``give_up()``), then kill its group."""
    deadline = time.monotonic() + grace
    while not has_exited(proc) and time.monotonic() < deadline and not give_up():
        time.sleep(0.05)
    return reap(proc)


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


class ProcessGroup:
    """A set of child processes started together and stopped together."""

    def __init__(self, env: dict[str, str], cwd: Path, log_dir: Path | None = None) -> None:
        self.env = env
        self.cwd = cwd
        self.log_dir = log_dir
        self.running: list[tuple[Service, subprocess.Popen]] = []

    def start(self, service: Service) -> subprocess.Popen:
        proc = spawn(service, self.env, self.cwd, self.log_dir)
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
        """SIGTERM every child at once, wait up to ``timeout`` for all, then kill what is left."""
        for _, proc in self.running:
            terminate(proc)
        deadline = time.monotonic() + timeout
        for _, proc in self.running:
            wait_or_kill(proc, max(0.0, deadline - time.monotonic()))
        self.running.clear()
