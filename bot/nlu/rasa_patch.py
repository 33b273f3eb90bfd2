"""Replacing methods of a Rasa class in the Rasa server process, once (``bot/serve.py`` installs our patches)."""

from __future__ import annotations

from typing import Any


def patch_once(cls: type, marker: str, **attributes: Any) -> None:
    """Set ``attributes`` on ``cls`` unless ``marker`` says this process already did."""
    if getattr(cls, marker, False):
        return
    for name, value in attributes.items():
        setattr(cls, name, value)
    setattr(cls, marker, True)
