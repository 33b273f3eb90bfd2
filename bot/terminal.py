"""What reaches the terminal: our story lines and warnings; library chatter goes to a log file in var/logs/.

``quiet_libraries(log)`` is for child processes that run Rasa, TensorFlow or our model builds: file
descriptors 1 and 2 (print, tqdm's repainted bars, TensorFlow's C++ notices) go to the log, and the returned
stream is the old stdout, for the lines meant for a person. ``route_warnings`` then sends each Python warning
to the log, and also to that stream when it is ours (raised by project code) or when Rasa says something
about our data or configuration that no project check explains (``bot.rasa_notices``). Other libraries'
warnings (pyparsing, click, pkg_resources, SQLAlchemy 2.0, TensorFlow, matplotlib in Rasa's plots) stay in
the log.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from pathlib import Path
from typing import Callable, TextIO

from bot.config import PROJECT_ROOT

LIBRARY_NOTICES = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ImportWarning, ResourceWarning)
_MINUTE = 60  # seconds
_TENTHS_BELOW = 10  # seconds: a shorter duration is shown with one decimal


def duration(seconds: float, rough: bool = False) -> str:
    """3.2 -> "3.2 s", 14.6 -> "15 s", 222 -> "3 min 42 s"; ``rough`` (estimates): "3 s", "3 min 40 s"."""
    if rough:
        seconds = max(1, round(seconds)) if seconds < _MINUTE else round(seconds / 10) * 10
    if seconds < _TENTHS_BELOW and not rough:
        return f"{seconds:.1f} s"
    if seconds < _MINUTE:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), _MINUTE)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def shown(path: Path | str) -> str:
    """A path as a person would type it here: relative to the current folder when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) + ("/" if path.is_dir() else "")
    except ValueError:
        return str(path)


def is_ours(filename: str) -> bool:
    """True for files of this project (not the virtualenv, not installed packages)."""
    path = Path(filename).resolve()
    if "site-packages" in path.parts or "dist-packages" in path.parts:
        return False
    try:
        path.relative_to(PROJECT_ROOT)
    except ValueError:
        return False
    return True


def is_rasa_notice(filename: str) -> bool:
    """Rasa's ``raise_warning`` (rasa/shared/utils/io.py): how Rasa speaks about our data and configuration."""
    return Path(filename).parts[-4:] == ("rasa", "shared", "utils", "io.py")


def first_lines(text: str) -> str:
    """A warning's message on one line, without Rasa's "More info at" links."""
    lines = [line.strip() for line in str(text).splitlines()]
    return " ".join(line for line in lines if line and not line.startswith("More info at"))


def quiet_libraries(log_path: Path) -> TextIO:
    """Send fds 1 and 2 of this process to ``log_path`` (appending); return a stream on the old stdout."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    terminal = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(line_buffering=True)  # keep the log in the order things happened
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(levelname)-8s %(name)s - %(message)s", force=True)
    return terminal


def route_warnings(say: Callable[[str], None], explain: Callable[[str], str | None] = lambda _m: None) -> None:
    """Every warning to the log (stderr); ours and unexplained Rasa notices also through ``say``."""

    def showwarning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ARG001
        text = first_lines(str(message))
        print(f"{filename}:{lineno}: {category.__name__}: {text}", file=sys.stderr, flush=True)
        if is_ours(filename):
            say(f"!! warning: {text}")
        elif is_rasa_notice(filename) and not issubclass(category, LIBRARY_NOTICES):
            why = explain(text)
            if why:
                print(f"    (not shown on the terminal: {why})", file=sys.stderr, flush=True)
            else:
                say(f"!! Rasa: {text}")

    warnings.showwarning = showwarning


class ToTerminal(logging.Handler):
    """Our own loggers' warnings and errors, one line each, through ``say`` (they also reach the log)."""

    def __init__(self, say: Callable[[str], None]) -> None:
        super().__init__(logging.WARNING)
        self.say = say

    def emit(self, record: logging.LogRecord) -> None:
        self.say(f"!! {record.getMessage().splitlines()[0] if record.getMessage() else record.levelname}")


def our_log_warnings_to(say: Callable[[str], None]) -> None:
    handler = ToTerminal(say)
    for name in ("bot", "actions"):
        logging.getLogger(name).addHandler(handler)
