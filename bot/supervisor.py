"""`iopbot run`'s supervisor: keeps the Rasa server, action server and staff console up until told to stop.

* SIGTERM and SIGINT stop everything (a second one skips the grace period); SIGHUP restarts the processes
  marked ``reload_on_hup`` (action server, console) so they re-read ``data/clinic.yml`` and the screening
  files while the Rasa server keeps answering. The handlers are installed explicitly, so an inherited
  "ignore SIGINT" (nohup, background jobs) changes nothing.
* Stopping goes in ``stop_rank`` order (channels, then actions, then the console): SIGTERM to the process
  group, ``stop_timeout`` seconds, then SIGKILL.
* A child that exits on its own is restarted after 1, 2, 4 … 30 s while the others keep serving. Failures
  count in a row unless the child had been healthy for a minute; at ``restart_limit`` the supervisor stops
  everything and exits 1 with one line naming the service and its log file. So does a child that is not
  healthy within ``ready_timeout`` seconds of its start.
* Children die with the supervisor even on ``kill -9`` (:mod:`bot.die_with_parent`).
* Services start by ``tier``: a tier starts once every service of the tiers before it is up, after
  ``on_tier_up(previous tier)`` (several nodes: the databases, then migrating, then the nodes).
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from bot.runner import describe_exit, has_exited, is_healthy, log_file, reap, spawn, stop
from bot.services import Service

TICK = 0.2  # seconds between looks at the children
CHECK_EVERY = 1.0  # seconds between health checks of one child
MISSES = 3  # failed health checks in a row before an up child counts as unhealthy (one slow answer is not)
STALLED_AFTER = 30  # seconds without a loop heartbeat before /health reports the supervisor stalled
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def emit(text: str, stream=None) -> None:
    """print() that a closed terminal or pipe cannot turn into a crash."""
    with contextlib.suppress(OSError, ValueError):  # a closed terminal or pipe must not take the supervisor down
        print(text, file=stream or sys.stdout, flush=True)


class GaveUp(Exception):
    """The supervisor stops everything; the message is the one line that says why."""


@dataclass
class Child:
    service: Service
    proc: subprocess.Popen | None = None
    status: str = "starting"  # starting, up, unhealthy, restarting, reloading, stopped
    restarts: int = 0
    failures: int = 0  # failures in a row
    last_exit: str | None = None
    started_at: float = 0.0
    healthy_since: float | None = None
    restart_at: float | None = None
    checked_at: float = 0.0
    misses: int = 0
    was_up: bool = False

    @property
    def key(self) -> str:
        return self.service.name.replace(" ", "_").lower()


class Supervisor:
    def __init__(self, services: list[Service], env: dict[str, str], cwd: Path, log_dir: Path, *,
                 stop_timeout: float = 10.0, restart_limit: int = 5, ready_timeout: float = 600.0,
                 backoff: tuple[float, float] = (1.0, 30.0), stable_after: float = 60.0,
                 model_check: Callable[[], bool] | None = None, on_tier_up: Callable[[int], None] | None = None,
                 say: Callable[[str], None] = emit,
                 warn: Callable[[str], None] = lambda text: emit(text, sys.stderr)) -> None:
        self.children = [Child(service) for service in services]
        self.env, self.cwd, self.log_dir = env, cwd, log_dir
        self.stop_timeout, self.restart_limit, self.ready_timeout = stop_timeout, restart_limit, ready_timeout
        self.backoff, self.stable_after = backoff, stable_after
        self.model_check, self.say, self.warn = model_check, say, warn
        self.on_tier_up = on_tier_up
        self._tiers = sorted({c.service.tier for c in self.children})
        self._started_tiers = 0
        self.model_loaded: bool | None = None
        self._model_checked = 0.0
        self._signals: list[int] = []
        self._ready = False
        self._stopping = False
        self._force = False
        self._beat = time.monotonic()

    # ---- reporting ---------------------------------------------------------------------------------
    def snapshot(self) -> dict:
        """Per-service status, restart counts and whether the model is loaded (see bot.health)."""
        now = time.monotonic()
        services = {c.key: {"name": c.service.name, "status": c.status, "restarts": c.restarts,
                            "last_exit": c.last_exit, "log": log_file(self.log_dir, c.service).name,
                            "up_seconds": round(now - c.healthy_since) if c.healthy_since else None}
                    for c in self.children}
        all_up = all(c.status == "up" for c in self.children) and self.model_loaded is not False
        status = ("stopping" if self._stopping else "ok" if all_up and self._ready
                  else "degraded" if self._ready else "starting")
        return {"status": status, "model_loaded": self.model_loaded, "services": services}

    def alive(self) -> bool:
        return not self._stopping and time.monotonic() - self._beat < STALLED_AFTER

    # ---- main loop ---------------------------------------------------------------------------------
    def run(self, on_ready: Callable[[], None] | None = None) -> int:
        """Start every service and supervise until a stop signal (0) or giving up (1). Main thread only."""
        for signum in (*STOP_SIGNALS, signal.SIGHUP):
            signal.signal(signum, self._on_signal)
        try:
            self._start_next_tier()
            while True:
                self._beat = time.monotonic()
                signum = self._signals.pop(0) if self._signals else None
                if signum in STOP_SIGNALS:
                    self.say(f"==> stopping ({signal.Signals(signum).name})")
                    return 0
                if signum == signal.SIGHUP:
                    self._reload()
                for child in self.children:
                    self._watch(child)
                self._check_model()
                if self._started_tiers < len(self._tiers) and all(
                        c.was_up for c in self.children if c.service.tier < self._tiers[self._started_tiers]):
                    self._tier_up(self._tiers[self._started_tiers - 1])
                    self._start_next_tier()
                if not self._ready and all(c.was_up for c in self.children):
                    self._ready = True
                    if on_ready:
                        on_ready()
                time.sleep(TICK)
        except GaveUp as exc:
            self.warn(f"!! {exc}")
            return 1
        finally:
            self._stop_all()

    def _on_signal(self, signum: int, _frame) -> None:
        if self._stopping and signum in STOP_SIGNALS:
            self._force = True
        self._signals.append(signum)

    def _stop_pending(self) -> bool:
        return self._force or any(s in STOP_SIGNALS for s in self._signals)

    def _tier_up(self, tier: int) -> None:
        if self.on_tier_up is None:
            return
        try:
            self.on_tier_up(tier)
        except Exception as exc:  # noqa: BLE001 - e.g. migrating a database that just came up
            raise GaveUp(f"after starting {self._tier_names(tier)}: {exc}") from exc

    def _tier_names(self, tier: int) -> str:
        return ", ".join(c.service.name for c in self.children if c.service.tier == tier)

    def _start_next_tier(self) -> None:
        """Start the services of the next tier (the first: all of them when no service sets a tier)."""
        tier = self._tiers[self._started_tiers]
        self._started_tiers += 1
        for child in self.children:
            if child.service.tier == tier:
                self._start(child)

    # ---- one child ---------------------------------------------------------------------------------
    def _start(self, child: Child) -> None:
        now = time.monotonic()
        child.status, child.started_at, child.checked_at, child.misses = "starting", now, 0.0, 0
        child.healthy_since = child.restart_at = None
        try:
            child.proc = spawn(child.service, self.env, self.cwd, self.log_dir)
        except OSError as exc:
            child.proc = None
            self._failed(child, f"could not start: {exc.strerror or exc}")

    def _watch(self, child: Child) -> None:
        now = time.monotonic()
        if child.proc is None:
            if child.restart_at is not None and now >= child.restart_at:
                child.restarts += 1
                self._start(child)
            return
        if has_exited(child.proc):
            how = describe_exit(reap(child.proc))
            child.proc = None
            self._failed(child, how)
            return
        if now - child.checked_at < CHECK_EVERY:
            return
        child.checked_at = now
        if is_healthy(child.service.health_url, timeout=1.0):
            if child.healthy_since is None:
                child.healthy_since = now
                again, took = " again" if child.was_up else "", now - child.started_at
                self.say(f"    {child.service.name} is up{again} after {took:.0f} s: {child.service.url}")
                child.was_up = True
            child.status, child.misses = "up", 0
            return
        child.misses += 1
        if child.status == "up" and child.misses >= MISSES:
            child.status = "unhealthy"
        elif child.status == "starting" and now - child.started_at > self.ready_timeout:
            raise GaveUp(f"{child.service.name} was not ready within {self.ready_timeout:.0f} s; stopping the bot. "
                         f"See its log: {log_file(self.log_dir, child.service)}")

    def _failed(self, child: Child, how: str) -> None:
        now = time.monotonic()
        stable = child.healthy_since is not None and now - child.healthy_since >= self.stable_after
        child.failures = 1 if stable else child.failures + 1
        child.last_exit, child.healthy_since = how, None
        if child.failures >= self.restart_limit:
            child.status = "stopped"
            raise GaveUp(f"{child.service.name} failed {child.failures} times in a row (last: {how}); stopping "
                         f"the bot. See its log: {log_file(self.log_dir, child.service)}")
        first, most = self.backoff
        delay = min(most, first * 2 ** (child.failures - 1))
        child.status, child.restart_at = "restarting", now + delay
        self.warn(f"!! {child.service.name} stopped unexpectedly ({how}); restarting in {delay:g} s")

    def _check_model(self) -> None:
        now = time.monotonic()
        if self.model_check is not None and now - self._model_checked >= CHECK_EVERY:
            self._model_checked = now
            self.model_loaded = self.model_check()

    # ---- reload and stop ---------------------------------------------------------------------------
    def _reload(self) -> None:
        reloading = [c for c in self.children if c.service.reload_on_hup and c.proc is not None]
        if not reloading:
            return
        names = " and ".join(c.service.name for c in reloading)
        self.say(f"==> SIGHUP: restarting {names} to re-read settings (the others keep serving)")
        for child in sorted(reloading, key=lambda c: c.service.stop_rank):
            child.status, child.healthy_since = "reloading", None
            stop(child.proc, self.stop_timeout, give_up=self._stop_pending)
            child.proc = None
            if self._stop_pending():
                return
            self._start(child)

    def _stop_all(self) -> None:
        self._stopping = True
        for child in sorted(self.children, key=lambda c: c.service.stop_rank):
            if child.proc is not None:
                began = time.monotonic()
                how = describe_exit(stop(child.proc, self.stop_timeout, give_up=lambda: self._force))
                child.proc = None
                self.say(f"    {child.service.name} stopped ({how}, {time.monotonic() - began:.1f} s)")
            child.status = "stopped"
