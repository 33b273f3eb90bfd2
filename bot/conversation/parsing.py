"""Small parsers for the intro: who the screening is for. Unclear input gives None, never a guess."""

from __future__ import annotations

import re

from bot.text.canonical import canonical

_SELF = re.compile(
    r"^\s*(1|one|me|myself|my ?self|for me|for myself|i am|i'm|im|it'?s (for )?me|me myself|mine|self|"
    r"just me|this is for me|for my ?self|yo|uno|soy yo|mio|yo mismo|yo misma)\b",
    re.I,
)
_SELF_ANYWHERE = re.compile(r"\b(for (me|myself)|my ?self|it'?s me|about me|para mi(?! (hijo|hija|esposo|esposa|"
                            r"mama|papa|hermano|hermana|novio|novia|pareja|familia|primo|prima|tio|tia|nieto|"
                            r"nieta|amigo|amiga|abuelo|abuela))\b|yo mism[oa])\b", re.I)
_OTHER = re.compile(
    r"\b(2|two|someone|somebody|some1|a friend|friend|my (son|daughter|kid|child|husband|wife|partner|"
    r"boyfriend|girlfriend|bf|gf|mom|mother|dad|father|brother|sister|sibling|family|loved one|cousin|"
    r"uncle|aunt|grandson|granddaughter|fianc[eé]e?|spouse)|loved one|family member|for (him|her|them)|"
    r"someone else|other person|another person|else|dos|alguien|otra persona|un familiar|ser querido|"
    r"mi (hijo|hija|esposo|esposa|mama|papa|madre|padre|hermano|hermana|novio|novia|pareja|familia|primo|prima|"
    r"tio|tia|nieto|nieta|amigo|amiga|abuelo|abuela)|para (el|ella|ellos))\b",
    re.I,
)


def parse_for_whom(text: str) -> str | None:
    """Return "self", "other" or None when the reply does not say clearly."""
    text = canonical(text)
    if not text:
        return None
    other = bool(_OTHER.search(text))
    self_ = bool(_SELF.search(text)) or bool(_SELF_ANYWHERE.search(text))
    if other and not self_:
        return "other"
    if self_ and not other:
        return "self"
    return None
