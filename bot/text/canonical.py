"""The one canonical form of a message that every detector and classifier reads.

``canonical(text)`` never raises and reads the whole message, however long:

1. anything that is not text becomes ``""``; lone surrogates and other invalid code points are dropped;
2. Unicode NFKC (fullwidth and mathematical letters, ligatures, circled letters -> plain letters);
3. invisible format characters removed (zero-width space / joiners / non-joiner, word joiner, soft hyphen,
   BOM, bidi controls, variation selectors, tag characters); blank-looking fillers and controls -> space;
4. look-alike letters from other scripts mapped to the Latin letter they imitate (Cyrillic "к", Greek "ο",
   small capitals "ᴋ", regional-indicator letters), using the Unicode confusables table of the
   ``confusables`` package; combining marks stacked on letters are dropped (Spanish "ñ" is kept; other accents
   are folded: "día" -> "dia", the way most people text anyway);
5. lower case, one space between words, line breaks kept as sentence breaks;
6. obfuscated spellings rejoined (``bot.text.obfuscation``): "k i l l", "k.i.l.l", "k1ll", "su-i-cide".

The original text is what is stored and shown to staff; this form is only read.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from bot.text.obfuscation import rejoin

# Spanish letters a person means, never look-alikes to fold (accents are folded separately, ñ kept).
_KEEP = frozenset("ñÑ")
# Blank-looking characters that are not Unicode spaces: Hangul fillers, braille blank, Ogham space mark.
_BLANKS = frozenset("\u3164\u115f\u1160\uffa0\u2800\u1680")
# Combining grapheme joiner and variation selectors are marks (Mn), not format characters: drop them too.
_INVISIBLE_MARKS = re.compile("[\u034f\ufe00-\ufe0f\U000e0100-\U000e01ef\u180b-\u180d]")
# Look-alikes the confusables table misses or maps to a non-ASCII letter.
_EXTRA_LOOKALIKES = {"ω": "w", "ᴋ": "k", "ᴍ": "m", "ɴ": "n", "ȷ": "j", "к": "k", "ĸ": "k", "т": "t",
                     "ı": "i", "ɩ": "i", "ɑ": "a", "ь": "b", "в": "b", "н": "h", "м": "m", "ғ": "f",
                     **dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnopqrstuvwyz", strict=True))}


def canonical(text: object) -> str:
    """The canonical form of ``text`` (see the module docstring). Safe on any input."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if not isinstance(text, str) or not text:
        return ""
    return _cached(text) if len(text) <= _CACHE_MAX_CHARS else _canonical(text)


_CACHE_MAX_CHARS = 1000  # each message is read by several components; cache only ordinary-sized ones


@functools.lru_cache(maxsize=2048)
def _cached(text: str) -> str:
    return _canonical(text)


def _canonical(text: str) -> str:
    text = _valid(text)
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE_MARKS.sub("", text)
    text = "".join(_clean_char(ch) for ch in text)
    text = _fold_marks(text).lower()
    text = re.sub(r"[ \t\f\v]+", " ", text)
    text = re.sub(r" ?\n[\n ]*", "\n", text).strip()
    return rejoin(text)


def valid_text(text: str) -> str:
    """``text`` as typed, without lone surrogates and noncharacters (so it can be stored and sent)."""
    return _valid(text) if isinstance(text, str) else ""


def _valid(text: str) -> str:
    """Drop lone surrogates and noncharacters (they make encoders and regexes raise)."""
    if text.isascii():
        return text
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return "".join(ch for ch in text if ch != "\ufffd" and not _noncharacter(ch))


def _noncharacter(ch: str) -> bool:
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _clean_char(ch: str) -> str:
    if ch.isascii():
        return ch if ch.isprintable() or ch in "\n\t" else " "
    if ch in _BLANKS:
        return " "
    category = unicodedata.category(ch)
    if category == "Cf":
        return ""
    if category in ("Cc", "Zl", "Zp"):
        return "\n" if category in ("Zl", "Zp") else " "
    if "\U0001f1e6" <= ch <= "\U0001f1ff":  # regional indicator letters spell words in flags
        return chr(ord("a") + ord(ch) - 0x1F1E6)
    return _lookalikes().get(ch, ch)


def _fold_marks(text: str) -> str:
    """Drop combining marks (accents, stacked diacritics), keeping the tilde of ñ."""
    if text.isascii():
        return text
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.category(ch) in ("Mn", "Me"):
            if ch == "\u0303" and out and out[-1] in "nN":
                out.append(ch)
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


@functools.lru_cache(maxsize=1)
def _lookalikes() -> dict[str, str]:
    """Non-ASCII letters -> the ASCII letter they are confusable with (Unicode confusables table)."""
    from confusables import CONFUSABLE_MAP

    table: dict[str, str] = {}
    for char, similar in CONFUSABLE_MAP.items():
        if len(char) != 1 or char.isascii() or not char.isalpha() or char in _KEEP:
            continue
        if unicodedata.name(char, "").startswith("LATIN") and unicodedata.decomposition(char):
            continue  # accented Latin letters are folded by _fold_marks, not treated as look-alikes
        letters = [c for c in similar if len(c) == 1 and c.isascii() and c.isalpha()]
        if letters:
            lower = [c for c in letters if c.islower()]
            table[char] = (lower or letters)[0] if char.islower() else letters[0]
    table.update(_EXTRA_LOOKALIKES)
    return table
