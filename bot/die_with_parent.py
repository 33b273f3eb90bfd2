"""Run a command that cannot outlive its supervisor: ``python -m bot.die_with_parent PARENT_PID CMD [ARG…]``.

This small process leads the command's process group and stays in front of it: it asks the kernel for
SIGUSR1 when its parent dies (``prctl(PR_SET_PDEATHSIG)``, Linux; the signal comes when the parent *thread*
that started it ends, so the supervisor starts children from its main thread only), starts CMD with
SIGINT/SIGTERM/SIGHUP at their defaults and no signal blocked (nothing inherits "ignore SIGINT"), waits for
it and exits the way it did (same code, same signal). If the parent dies, even by ``kill -9``, the whole
group - CMD and anything CMD started, e.g. Sanic workers - gets SIGTERM, then SIGKILL after ``GRACE`` seconds.
Signals the supervisor sends to the group reach CMD directly; this process ignores them and waits.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import time

PR_SET_PDEATHSIG = 1
PARENT_DIED = signal.SIGUSR1
GRACE = 5.0
PASSED_ON = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _stop_group(child: int | None) -> None:
    if child is None:  # not started yet
        os.killpg(0, signal.SIGKILL)
    os.killpg(0, signal.SIGTERM)
    deadline = time.monotonic() + GRACE
    while time.monotonic() < deadline:
        try:
            if os.waitpid(child, os.WNOHANG) != (0, 0):
                break
        except ChildProcessError:
            break
        time.sleep(0.05)
    os.killpg(0, signal.SIGKILL)  # the rest of the group, this process included


def _arm(parent: int, child_pid: list[int]) -> None:
    def on_parent_death(_signum, _frame) -> None:
        if os.getppid() != parent:
            _stop_group(child_pid[0] if child_pid else None)

    signal.signal(PARENT_DIED, on_parent_death)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(PARENT_DIED), 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the supervisor died before the death signal was armed
        sys.exit(f"die_with_parent: parent {parent} is gone; not starting")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2 or not args[0].isdigit():
        sys.exit("usage: python -m bot.die_with_parent PARENT_PID COMMAND [ARG...]")
    child_pid: list[int] = []
    for signum in PASSED_ON:
        signal.signal(signum, signal.SIG_IGN)
    _arm(int(args[0]), child_pid)
    pid = os.fork()
    if pid == 0:
        for signum in (*PASSED_ON, PARENT_DIED):
            signal.signal(signum, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        try:
            os.execvp(args[1], args[1:])  # noqa: S606 - the supervisor's own command line
        except OSError as exc:
            print(f"die_with_parent: cannot run {args[1]}: {exc.strerror}", file=sys.stderr, flush=True)
        os._exit(127)
    child_pid.append(pid)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code < 0:  # died by a signal: die by the same one, so the supervisor sees what happened
        if -code != signal.SIGKILL:
            signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code & 0xFF)


if __name__ == "__main__":
    main()
