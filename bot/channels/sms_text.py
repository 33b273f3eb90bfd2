"""Plain-text SMS rendering: numbered options, markdown/link removal, splitting at sentence boundaries.

Pure functions (no Rasa, no Twilio) so they are unit-tested directly:

* ``render(text, buttons)`` — the bot's text with its buttons as "Reply 1 …, 2 … or 3 …";
* ``pack(texts, limit)`` — a turn's bot messages as few SMS as possible, each at most ``limit`` characters,
  split at sentence boundaries (then words, then characters for a run-on token);
* ``keyword(text)`` — the carrier keyword (STOP / START / HELP family) a message is, if any;
* ``match_option(text, options)`` — the button payload a reply ("1", "#2", "yes, continue") picks.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from bot.text.normalise import bare
from bot.text.replies import option_index

SMS_LIMIT = 320

# Twilio's standard opt-out / opt-in / help keywords (a whole message, any case, punctuation ignored)
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE",
                        "PARAR", "ALTO", "BAJA", "CANCELAR"})
START_WORDS = frozenset({"START", "UNSTOP", "COMENZAR", "INICIAR", "REANUDAR"})
HELP_WORDS = frozenset({"HELP", "INFO", "AYUDA"})
SPANISH_KEYWORDS = frozenset({"PARAR", "ALTO", "BAJA", "CANCELAR", "COMENZAR", "INICIAR", "REANUDAR", "AYUDA"})

_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^)]*)\)")
_URL = re.compile(r"\b(?:https?://|www\.)\S+?(?=[.,;:!?)\]]*(?:\s|$))", re.I)
_TEL = re.compile(r"\btel:(\+?[\d\-() ]+)", re.I)
_EMPHASIS = re.compile(r"(\*\*|__|\*|`+|~~|(?<!\w)_)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.M)
_BULLET = re.compile(r"^\s*[*+]\s+", re.M)
_HTML_TAG = re.compile(r"<[^>\n]{1,200}>")
_SPACES = re.compile(r"[ \t\u00a0]+")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]]))\s+|\n+")


def plain(text: str) -> str:
    """Text an SMS can show: no markdown, no HTML tags, no links (a link's label is kept)."""
    text = _MD_LINK.sub(r"\1", text or "")
    text = _TEL.sub(r"\1", text)
    text = _URL.sub("", text)
    text = re.sub(r"\(\s*\)", "", text)
    text = _HTML_TAG.sub("", text)
    text = _HEADING.sub("", text)
    text = _BULLET.sub("- ", text)
    previous = None
    while previous != text:
        previous, text = text, _EMPHASIS.sub(r"\2", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r", "").split("\n")]
    lines = [re.sub(r"\s+([.,;:!?])", r"\1", line) for line in lines]
    text = "\n".join(lines)
    return re.sub(r"\n{2,}", "\n", text).strip()


def numbered_options(titles: Sequence[str], lang: str = "en") -> str:
    """"Reply 1 Yes, 2 No or 3 Not sure." — the same form the screening questions use on SMS."""
    from bot.texts import text

    numbered = [f"{i} {plain(title)}" for i, title in enumerate(titles, start=1)]
    if not numbered:
        return ""
    listed = numbered[0] if len(numbered) == 1 else \
        f"{', '.join(numbered[:-1])} {text(lang, 'sms', 'or')} {numbered[-1]}"
    return text(lang, "sms", "reply_options").format(options=listed)


def already_numbered(text: str) -> bool:
    """True when the text itself already lists numbered replies (SMS wording of screening questions)."""
    return bool(re.search(r"\b(?:reply|responda)\b[^.?!]*\b1\b", text or "", re.I))


def render(text: str, buttons: Sequence[dict] | None = None) -> str:
    """One bot message as plain SMS text, its buttons (if any) as numbered options in the message's language."""
    from bot.text.canonical import canonical
    from bot.text.language import guess_language

    body = plain(text)
    titles = [str(b.get("title") or b.get("payload") or "") for b in (buttons or [])]
    titles = [t for t in titles if t.strip()]
    if titles and not already_numbered(body):
        lang = guess_language(canonical(body), default="en") or "en"
        body = f"{body} {numbered_options(titles, lang)}".strip()
    return body


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def _hard_split(piece: str, limit: int) -> list[str]:
    """A sentence longer than ``limit``: split between words; a single huge token by characters."""
    words = (chunk for token in piece.split(" ")
             for chunk in ([token] if len(token) <= limit else
                           [token[i:i + limit] for i in range(0, len(token), limit)]))
    return _fill(words, limit, " ")


def split_sms(text: str, limit: int = SMS_LIMIT) -> list[str]:
    """Split one text into parts of at most ``limit`` characters, at sentence boundaries where possible."""
    return pack([text], limit)


def _pieces(text: str, limit: int) -> list[str]:
    """One message as parts of at most ``limit``: whole if it fits, else greedily by sentences."""
    text = "\n".join(line.strip() for line in (text or "").strip().splitlines() if line.strip())
    if len(text) <= limit:
        return [text] if text else []
    pieces = (piece for sentence in _sentences(text)
              for piece in ([sentence] if len(sentence) <= limit else _hard_split(sentence, limit)))
    return _fill(pieces, limit, " ")


def _fill(pieces: Iterable[str], limit: int, separator: str) -> list[str]:
    """Pieces (each at most ``limit``) joined by ``separator`` into as few parts of at most ``limit`` as fit."""
    parts: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{separator}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = piece
    if current:
        parts.append(current)
    return parts


def pack(texts: Iterable[str], limit: int = SMS_LIMIT) -> list[str]:
    """Join a turn's messages into as few SMS as possible, each at most ``limit`` characters.

    A message that fits in one SMS is never split (a question stays with its "Reply 1 …" options); a longer
    one is split at sentence boundaries (between words only for a sentence longer than ``limit``).
    Messages sharing an SMS are separated by a line break.
    """
    return _fill((piece for text in texts for piece in _pieces(text, limit)), limit, "\n")


def _bare(text: str) -> str:
    from bot.text.canonical import canonical

    return re.sub(r"[^A-Z0-9 ]", "", canonical(text).upper()).strip()


def keyword_language(text: str) -> str:
    """"es" for a Spanish carrier keyword (PARAR, AYUDA, COMENZAR ...), else "en"."""
    return "es" if _bare(text) in SPANISH_KEYWORDS else "en"


def keyword(text: str) -> str | None:
    """"stop", "start" or "help" when the whole message is such a carrier keyword ("Stop.", " HELP ")."""
    word = _bare(text)
    if word in STOP_WORDS:
        return "stop"
    if word in HELP_WORDS:
        return "help"
    if word in START_WORDS:
        return "start"
    return None


def resubscribes(text: str) -> bool:
    """START, UNSTOP, COMENZAR or YES / SÍ: what re-subscribes someone who has opted out (YES only then: it
    is also the consent answer)."""
    return _bare(text) in START_WORDS | {"YES", "SI"}


def match_option(text: str, options: Sequence[tuple[str, str]]) -> str | None:
    """The payload picked by ``text`` among ``options`` [(title, payload)], or None when it picks none.

    Accepts the option's number ("2", "#2", "2."), or its title / payload as typed ("yes, continue").
    """
    if not options:
        return None
    index = option_index(text, len(options))
    if index is not None:
        return options[index][1] if index >= 0 else None
    said = bare(text)
    if not said:
        return None
    for title, payload in options:
        if said in (bare(title), bare(payload)):
            return payload
    return None
