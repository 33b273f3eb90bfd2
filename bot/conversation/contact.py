"""Parsers for how a person wants to be contacted. Unclear input gives None, never a guess."""

from __future__ import annotations

import re

NANP_DIGITS = 10  # a North American number without its country code; +1 is added
E164_MAX_DIGITS = 15  # the longest international number (ITU-T E.164)

_METHODS = [
    ("chat", re.compile(r"^\s*1\b|\b(chat|here|this chat|stay|online|message me here|right here|in here|"
                        r"aqu[ií]|por aqu[ií]|este chat|en el chat|quedarme|seguir)\b", re.I)),
    ("text", re.compile(r"^\s*2\b|\b(text|txt|sms|message me|texting|mensajes?|textos?|whatsapp|"
                        r"escr[ií]b\w*)\b", re.I)),
    ("call", re.compile(r"^\s*3\b|\b(call|phone call|ring|calling|voice|ll[aá]m\w*|por tel[eé]fono)\b", re.I)),
]
_SKIP = re.compile(r"^\s*(skip|no|nope|nah|n/a|na|none|rather not|prefer not|don'?t want to|pass|-)\b", re.I)
_NAME = re.compile(r"^\s*(?:(?:my name is|i'?m|i am|it'?s|call me|this is)\s+)?([a-z][a-z'\-]{0,29})\s*[.!]?\s*$", re.I)


def parse_contact_method(text: str) -> str | None:
    """"chat", "text" or "call"; None when the reply names none or several."""
    found = {name for name, pattern in _METHODS if pattern.search(text or "")}
    return found.pop() if len(found) == 1 else None


def parse_phone(text: str) -> str | None:
    """A North American or international phone number as digits with an optional leading +."""
    digits = re.sub(r"[^\d+]", "", text or "")
    plain = digits.lstrip("+")
    if not plain.isdigit() or not NANP_DIGITS <= len(plain) <= E164_MAX_DIGITS:
        return None
    if len(plain) == NANP_DIGITS:
        return "+1" + plain
    return "+" + plain


def parse_first_name(text: str) -> str | None:
    """A first name if one is given ("Sam", "my name is sam"); None for "skip" or anything unclear."""
    if not text or _SKIP.search(text):
        return None
    match = _NAME.match(text)
    return match.group(1).capitalize() if match else None


def is_skip(text: str) -> bool:
    return bool(_SKIP.search(text or ""))
