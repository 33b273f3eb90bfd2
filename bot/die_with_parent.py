"""Run a command that cannot outlive its supervisor: ``python -m bot.die_with_parent PARENT_PID CMD [ARG…]``.

This small process leads the command's process group and stays in front of it:

* it asks the kernel for SIGUSR1 when its parent dies (``prctl(PR_SET_PDEATHSIG)``, Linux; the signal comes
  when the parent *thread* that started it ends, so the supervisor starts children from its main thread);
  then it sends CMD SIGTERM, waits up to ``GRACE`` seconds and kills the whole group - CMD and anything CMD
  started, e.g. Sanic workers - even when the parent died by ``kill -9``;
* it starts CMD with SIGINT/SIGTERM/SIGHUP at their defaults and nothing blocked (no child inherits
  "ignore SIGINT"), passes those three signals on to CMD, and exits the way CMD did (same code, same signal).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time

PR_SET_PDEATHSIG = 1
PARENT_DIED = signal.SIGUSR1
GRACE = 5.0
_MIN_ARGS = 2  # PARENT_PID COMMAND
PASSED_ON = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _stop_all(child: int) -> None:
    os.kill(child, signal.SIGTERM)
    deadline = time.monotonic() + GRACE
    while time.monotonic() < deadline:
        try:
            if os.waitpid(child, os.WNOHANG) != (0, 0):
                break
        except ChildProcessError:
            break
        time.sleep(0.05)
    os.killpg(0, signal.SIGKILL)  # the rest of the group, this process included


def _run(parent: int, command: list[str]) -> int:
    """Start ``command`` and wait for it; return its wait status."""
    def on_parent_death(_signum, _frame) -> None:
        if os.getppid() != parent:
            _stop_all(child)

    def pass_on(signum, _frame) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signum)

    # nothing is delivered until the child exists; then pending signals reach the handlers below
    signal.pthread_sigmask(signal.SIG_BLOCK, {*PASSED_ON, PARENT_DIED})
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(PARENT_DIED), 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the supervisor died before the death signal was armed
        sys.exit(f"die_with_parent: parent {parent} is gone; not starting")
    child = os.fork()
    if child == 0:
        for signum in (*PASSED_ON, PARENT_DIED):
            signal.signal(signum, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        try:
            os.execvp(command[0], command)  # noqa: S606 - the supervisor's own command line
        except OSError as exc:
            print(f"die_with_parent: cannot run {command[0]}: {exc.strerror}", file=sys.stderr, flush=True)
        os._exit(127)
    signal.signal(PARENT_DIED, on_parent_death)
    for signum in PASSED_ON:
        signal.signal(signum, pass_on)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    while True:
        try:
            return os.waitpid(child, 0)[1]
        except ChildProcessError:  # reaped by the parent-death handler
            return 0


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) < _MIN_ARGS or not args[0].isdigit():
        sys.exit("usage: python -m bot.die_with_parent PARENT_PID COMMAND [ARG...]")
    code = os.waitstatus_to_exitcode(_run(int(args[0]), args[1:]))
    if code < 0:  # died by a signal: die by the same one, so the supervisor sees what happened
        if -code != signal.SIGKILL:
            signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code & 0xFF)


if __name__ == "__main__":
    main()
