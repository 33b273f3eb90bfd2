"""What the bot says in a crisis, for the safety question and in degraded mode, in the person's language.

The wording lives in ``data/texts/<lang>.yml`` under ``safety`` (``bot.texts``). This module is the one place
in code with a text of its own (``_LAST_RESORT``): if that file cannot be read, a person in crisis must still
get the numbers, so a minimal English/Spanish line built from the settings is sent instead. Numbers come from
``bot.config`` Settings (crisis_line, emergency_number, poison_control, helpline_phone).
"""

from __future__ import annotations

import logging
from typing import Any

from bot.config import Settings, get_settings

log = logging.getLogger(__name__)

LANGUAGES = ("en", "es")
CATEGORIES = ("suicide", "harm_others", "overdose", "medical_emergency", "dangerous_withdrawal")
_LAST_RESORT = {
    "en": "If you are in crisis, call or text {crisis_line}. In an emergency, call {emergency_number}. "
          "Our helpline: {helpline_phone}.",
    "es": "Si está en crisis, llame al {crisis_line} y marque 2, o envíe AYUDA al {crisis_line}. En una "
          "emergencia, llame al {emergency_number}. Nuestra línea: {helpline_phone}.",
}


def _lang(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "en"


def _fill(template: str, s: Settings, **extra: str) -> str:
    return template.format(crisis_line=s.crisis_line, emergency_number=s.emergency_number,
                           poison_control=s.poison_control, helpline_phone=s.helpline_phone, **extra)


def _text(lang: str | None, *path: str) -> Any:
    from bot.texts import text

    try:
        return text(_lang(lang), "safety", *path)
    except Exception:  # noqa: BLE001 - a broken texts file must not silence crisis help
        log.exception("safety texts unreadable at " + ".".join(path))  # a key path, kept by redaction
        return None


def crisis_message(category: str | None, channel: str = "web", settings: Settings | None = None,
                   lang: str | None = "en") -> list[str]:
    """The crisis answer for ``category`` (one of ``CATEGORIES``; anything else gets a general emergency
    text) as two plain-text messages: what to do now, and that a person from the team is told."""
    s = settings or get_settings()
    first = _text(lang, "crisis", category if category in CATEGORIES else "other")
    person = _text(lang, "person", "sms" if channel == "sms" else "web")
    also = _text(lang, "also_crisis_line") if category != "suicide" else ""
    if first is None or person is None or also is None:
        return [_fill(_LAST_RESORT[_lang(lang)], s)]
    return [_fill(first, s), _fill(person, s, also_crisis_line=_fill(also, s))]


def safety_question(settings: Settings | None = None, lang: str | None = "en") -> str:
    """The one direct question asked when a message may or may not mean danger (C-SSRS style)."""
    s = settings or get_settings()
    return _fill(_text(lang, "safety_question") or _LAST_RESORT[_lang(lang)], s)


def safety_buttons(lang: str | None = "en") -> dict[str, str]:
    """Titles of the yes / no buttons under the safety question."""
    return _text(lang, "safety_buttons") or {"yes": "Yes", "no": "No"}


def safety_no(settings: Settings | None = None, lang: str | None = "en") -> str:
    s = settings or get_settings()
    return _fill(_text(lang, "safety_no") or _LAST_RESORT[_lang(lang)], s)


def fallback_safety_message(channel: str = "web", settings: Settings | None = None, lang: str | None = "en") -> str:
    """Degraded mode (action server, database or model down): crisis numbers and how to reach a person."""
    s = settings or get_settings()
    return _fill(_text(lang, "fallback", "sms" if channel == "sms" else "web") or _LAST_RESORT[_lang(lang)], s)
