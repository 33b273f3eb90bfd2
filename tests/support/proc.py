"""Look at processes through /proc (Linux): children of a pid, whether a pid still runs, waiting for a condition."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2:].split()  # fields after "pid (comm) "; comm may hold spaces


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped has exited and holds no ports: not alive)."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def children_of(parent: int) -> dict[int, str]:
    """Living direct children of ``parent``: pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat(int(entry.name))
        if fields and fields[1] == str(parent) and fields[0] != "Z":
            try:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            except OSError:
                continue
    return found


def descendants(parent: int) -> dict[int, str]:
    """Living children, grandchildren … of ``parent``: pid -> command line."""
    found: dict[int, str] = {}
    todo = [parent]
    while todo:
        for pid, cmd in children_of(todo.pop()).items():
            found[pid] = cmd
            todo.append(pid)
    return found


def wait_until(condition: Callable[[], bool], timeout: float, message: Callable[[], str] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message() if message else f"not true within {timeout} s")
        time.sleep(0.1)
