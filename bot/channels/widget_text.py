"""How a bot message looks in the widget: phone numbers as tappable tel: links, staff messages labelled
with the staff member's name, live-chat notices set apart.

rasa-webchat renders a message's text as Markdown and gives it the CSS class named in
``metadata.customCss`` (``{"style": "class", "css": ...}``); the conversation's stored text is unchanged.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

STAFF_CLASS = "iop-staff"
NOTICE_CLASS = "iop-notice"
_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")


def _digits(number: str) -> str:
    return re.sub(r"[^\d+]", "", number)


def phone_links(text: str, numbers: Iterable[str]) -> str:
    """``text`` with each of ``numbers`` (as written, e.g. "988", "(555) 010-4242") made a Markdown tel: link.
    A number inside a longer number or inside an existing link is left alone."""
    wanted = sorted({n for n in numbers if n and _digits(n)}, key=len, reverse=True)
    if not wanted or not text:
        return text
    pattern = re.compile(r"(?<![\w+\-])(" + "|".join(re.escape(n) for n in wanted) + r")(?![\w\-])")
    out, last = [], 0
    for link in [*_LINK.finditer(text), None]:
        end = link.start() if link else len(text)
        out.append(pattern.sub(lambda m: f"[{m.group(1)}](tel:{_digits(m.group(1))})", text[last:end]))
        if link:
            out.append(link.group(0))
            last = link.end()
    return "".join(out)


def styled(text: str, css_class: str) -> dict[str, Any]:
    return {"text": text, "metadata": {"customCss": {"style": "class", "css": css_class}}}


def widget_message(text: str, numbers: Iterable[str], **kwargs: Any) -> dict[str, Any]:
    """The socket.io message for one bot text: a staff reply (``iopbot_from="staff"``, ``staff_label``)
    starts with its label in bold; a live-chat notice (``iopbot_notice``) gets its own style."""
    linked = phone_links(text, numbers)
    if kwargs.get("iopbot_from") == "staff":
        label = str(kwargs.get("staff_label") or "").replace("*", "")
        return styled(f"**{label}:** {linked}" if label else linked, STAFF_CLASS)
    if kwargs.get("iopbot_notice"):
        return styled(linked, NOTICE_CLASS)
    return {"text": linked}
