"""Writing a bench's Markdown results file without losing the hand-written notes on earlier runs below it."""

from __future__ import annotations

from pathlib import Path

HISTORY = "## Earlier runs"


def write_keeping_history(out: Path, lines: list[str]) -> None:
    """``lines`` as the file's new top, followed by its ``## Earlier runs`` section (if it has one)."""
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    history = old[old.index(HISTORY):] if HISTORY in old else ""
    out.write_text("\n".join(lines) + "\n" + ("\n" + history if history else ""), encoding="utf-8")
