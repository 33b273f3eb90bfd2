"""What the channels and the safety net say, per language: ``data/texts/<lang>.yml``.

The dialogue's own words are domain responses (``domain.yml``, a variant per language); this catalogue holds
the rest, which the Rasa server needs outside the dialogue: crisis and degraded-mode texts, the safety
question, SMS keyword replies and the words for times. A language is added by adding its file.
"""

from __future__ import annotations

import functools
from typing import Any

import yaml

from bot.config import PROJECT_ROOT

TEXTS_DIR = PROJECT_ROOT / "data" / "texts"
DEFAULT_LANGUAGE = "en"


@functools.lru_cache(maxsize=8)
def catalogue(lang: str) -> dict[str, Any]:
    """The texts of ``lang`` (an empty catalogue when there is no such file)."""
    path = TEXTS_DIR / f"{lang}.yml"
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def languages() -> list[str]:
    return sorted(p.stem for p in TEXTS_DIR.glob("*.yml"))


def text(lang: str | None, *path: str) -> Any:
    """The text at ``path`` in ``lang``, else in English; None when neither has it."""
    for candidate in (lang or DEFAULT_LANGUAGE, DEFAULT_LANGUAGE):
        node: Any = catalogue(candidate)
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is not None:
            return node
    return None


def staff_language_name(lang: str | None) -> str:
    """How the console names a conversation's language ("Spanish"); the code itself when no file has it."""
    name = catalogue(lang or DEFAULT_LANGUAGE).get("language", {}).get("staff_name")
    return str(name) if name else str(lang or DEFAULT_LANGUAGE)
