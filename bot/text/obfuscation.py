"""Rejoin words spelled to get past a filter: "k i l l m y s e l f", "k.i.l.l", "k1ll", "su-i-cide", "k*ll",
and split words run together around a crisis word: "wannadie", "killmyself", "iwanttodie", "want2die".

A rewrite is made only when it lands on a real word (the 40,000 most frequent English and the 40,000 most
frequent Spanish words, plus the crisis and drug words of ``data/keep_words.txt``), so ordinary chat stays as
typed:
"u r a bot", "1 2 3", "9am", "b4", "m30s", "well-being" and "self-harm" are left alone.

The word list is read on the first message that has something to rejoin; most messages never load it.
"""

from __future__ import annotations

import functools
import gzip
import itertools
import math
import re
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"
_LEET = {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a",
         "$": "s", "!": "i", "|": "li", "+": "t", "€": "e"}
_SEPARATORS = ".-_*·•~"
_ONE_LETTER_WORDS = frozenset("iayou")  # English "i", "a"; Spanish "a", "y", "o", "u"
# single letters that are whole words in chat ("r u a bot", "y n", "k"): a run of only these stays as typed
_CHAT_LETTERS = frozenset("abciknoruy")
_CANDIDATE = re.compile(r"[0-9@$!|+€*.\-_·•~]|(?:^|\s)\S(?:[ .\-_·•~]+\S){2,}(?=\s|$)")
_TOKEN = re.compile(r"\S+")
# a run of letters (or "2" for "to") long enough to hide a crisis word inside it ("wannadie", "want2die"); checked
# against the word list before anything is split
_GLUED = re.compile(r"(?<![\w'])(?=[a-z2]{6,}\b)[a-z2]*(die|dead|kill|myself|mylife|suicid|hang|shoot|gun|"
                    r"overdos|morir|matar|muert)[a-z2]*")
_EDGE_PUNCT = "\"'()[]{}<>,;:?!.…"
_APOSTROPHE = "'"


def rejoin(text: str) -> str:
    """``text`` (already lower case) with obfuscated words rejoined."""
    if _CANDIDATE.search(text):
        text = "\n".join(_rejoin_line(line) for line in text.split("\n"))
    return _GLUED.sub(lambda match: _unglue(match.group(0)), text) if _GLUED.search(text) else text


def _rejoin_line(line: str) -> str:
    tokens = []
    for token in line.split(" "):
        pieces = _split_separated(token)
        tokens.extend(pieces if pieces else [token])
    out: list[str] = []
    run: list[str] = []
    tokens.append("")
    for i, token in enumerate(tokens):
        if len(token) == 1 and token not in _EDGE_PUNCT and (token.isalnum() or token in _LEET):
            run.append(token)  # a letter, digit or leetspeak sign; an emoji ends the run
            continue
        if token == _APOSTROPHE and len(run) >= 2 and all(len(t) == 1 and t.isalpha() for t in tokens[i + 1:i + 3]):
            continue  # an apostrophe inside spaced letters: "o d ' i n g" is "oding" ("i ' m" stays)
        out.extend(_join_run(run))
        run = []
        if token:
            out.append(_deleet(token))
    return " ".join(out)


_SUFFIXES = frozenset({"ing", "ed", "er", "ers", "es", "est", "ly", "in"})  # "dieing" is a misspelling, not two words
# a glued token is English chat: "i" and "a" only ("wantodie" is not "want o die")
_ENGLISH_ONE_LETTER_WORDS = frozenset("ia")


def _unglue(token: str) -> str:
    """"wannadie" -> "wanna die", "want2die" -> "want to die": only when the token is no word itself and it
    splits into words around a crisis word of ``keep_words.txt`` ("soldier", "killer", "hanger" stay as typed)."""
    if _is_word(token) or _is_word(token + "g"):  # "killin", "dyin": a dropped g, not two words
        return token
    parts = re.split(r"(?<=[a-z])2(?=[a-z])", re.sub(r"2(?=(nite|night|day|morrow|moro)\b)", "to", token))
    words = [w for part in parts for w in (*_around_crisis_word(part), "to")][:-1]
    if None in words or len(words) < 2 or not any(w in _anchor_words() for w in words):
        return token
    return " ".join(words)


def _around_crisis_word(part: str) -> list[str | None]:
    """``part`` as words, split first around its longest crisis word; [None] when a piece is no word."""
    if _is_word(part):
        return [part]
    found = max((w for w in _anchor_words() if len(w) > 2 and w in part), key=len, default=None)
    if found is None:
        return [None]
    before, _, after = part.partition(found)
    following = segment(after) if after else []
    pieces = [*(segment(before) if before else []), found, *following]
    ok = all(_is_word(p) and (len(p) > 1 or p in _ENGLISH_ONE_LETTER_WORDS) for p in pieces)
    # an ending straight after the crisis word is its suffix ("dieing"), not a word ("gunloadedin" keeps "in")
    return pieces if ok and not (following and following[0] in _SUFFIXES) else [None]


def _split_separated(token: str) -> list[str] | None:
    """"k.i.l.l" -> ["k", "i", "l", "l"]; "su-i-cide" -> ["suicide"]; other tokens -> None."""
    core = token.strip(_EDGE_PUNCT)
    if len(core) < 3 or not any(sep in core for sep in _SEPARATORS):
        return None
    pieces = [p for p in re.split(r"[.\-_*·•~]+", core) if p]
    if len(pieces) >= 3 and all(len(p) == 1 for p in pieces):
        return pieces
    joined = "".join(pieces)
    if len(pieces) > 1 and _is_word(joined) and not all(_is_word(p) for p in pieces):
        return [joined]
    return None


def _join_run(run: list[str]) -> list[str]:
    """Three or more single characters in a row: the words they spell, or the run unchanged. A lone letter
    typed next to the run ("sin d e s p e r t a r q hacemos": "q" for "que") is left out when the rest spells
    words."""
    best: tuple[int, int, list[str]] | None = None
    for start, end in ((0, len(run)), (0, len(run) - 1), (1, len(run)), (1, len(run) - 1)):
        joined = _join_exactly(run[start:end])
        trimmed = (start, end) != (0, len(run))
        if joined is not None and trimmed and len(joined) > 1 and not any(w in _keep_words() for w in joined):
            joined = None  # without a letter, only one word or a crisis word: not "a v e n t a r" -> "a venta r"
        # the reading in fewest words: "despertar q", not "de spe rt arq"
        if joined is not None and (best is None or len(joined) < len(best[2])):
            best = (start, end, joined)
    return run if best is None else run[:best[0]] + best[2] + run[best[1]:]


def _join_exactly(run: list[str]) -> list[str] | None:
    if len(run) < 3 or sum(ch.isalpha() for ch in run) < 2:
        return None
    if set(run) <= _CHAT_LETTERS and "".join(run) not in _keep_words():  # "r u a bot"; not "n a r c a n"
        return None
    for candidate in _spellings("".join(run)):
        words = segment(candidate)
        if words and all(_is_word(w) and (len(w) > 1 or w in _ONE_LETTER_WORDS) for w in words) \
                and any(len(w) > 2 for w in words):
            return words
    return None


# a number followed by a unit or an ordinal is not leetspeak: "3pm", "2nd", "10mg", "5x", "24hrs", "2nite"
_NUMBER_WITH_UNIT = re.compile(r"^\d+(?:am|pm|mg|ml|g|kg|lb|lbs|oz|x|k|s|h|hr|hrs|min|mins|d|day|days|wk|wks|yr|yrs|"
                               r"nite|night|morrow|gether|ever)$|^\d*(?:1st|2nd|3rd|[04-9]th|1[1-3]th)$")
# short words a leetspeak spelling may hide ("t0 d13", "y4 n0"), beside the crisis words of keep_words.txt
_SHORT_WORDS = frozenset("to no ya yo me se lo la el de die end all do go so am is it in on my te mi tu".split())


def _deleet(token: str) -> str:
    """"k1ll" -> "kill", "$uicide" -> "suicide", "3nd" -> "end", "k*ll" -> "kill"; anything else unchanged."""
    core = token.strip(_EDGE_PUNCT)
    if len(core) < 2 or core.isalpha() or not any(c.isalpha() for c in core) or _NUMBER_WITH_UNIT.match(core):
        return token
    if len(core) <= 3 or sum(c.isalpha() for c in core) < 2:  # "t0", "d13": only to a short or crisis word
        for candidate in _spellings(core):
            if candidate.isalpha() and (candidate in _SHORT_WORDS or candidate in _keep_words()):
                return token.replace(core, candidate)
        return token
    if "*" in core and core.count("*") == 1:
        for letter in "aeiouy" + "bcdfghjklmnpqrstvwxz":
            guess = core.replace("*", letter)
            if guess in _keep_words():
                return token.replace(core, guess)
        return token
    if _is_word(core):
        return token
    for candidate in _spellings(core):
        if candidate.isalpha() and _is_word(candidate):
            return token.replace(core, candidate)
    return token


def _spellings(text: str) -> list[str]:
    """Every reading of leetspeak characters as letters (at most 16)."""
    options = [_LEET.get(ch, ch) if ch in _LEET else ch for ch in text]
    combos = itertools.islice(itertools.product(*options), 16)
    return ["".join(c) for c in combos]


def _is_word(word: str) -> bool:
    return word in _keep_words() or word in _frequencies()


def segment(text: str) -> list[str]:
    """Most likely split of ``text`` (no spaces) into words, by unigram frequency (Norvig's method)."""
    if not text or len(text) > 60:
        return [text] if text else []
    counts = _frequencies()

    @functools.cache
    def best(start: int) -> tuple[float, tuple[str, ...]]:
        if start == len(text):
            return 0.0, ()
        options = []
        for end in range(start + 1, min(len(text), start + 24) + 1):
            word = text[start:end]
            if word in _keep_words():
                score = -6.0
            elif len(word) == 1 and word not in _ONE_LETTER_WORDS:
                score = -20.0  # "think i od", not "think io d"
            elif word in counts:
                score = math.log10(counts[word])
            else:
                score = -(10 + len(word))
            rest_score, rest = best(end)
            options.append((score + rest_score, (word, *rest)))
        return max(options)

    return list(best(0)[1])


@functools.lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    """Word -> probability (the higher of its English and Spanish relative frequencies)."""
    probabilities: dict[str, float] = {}
    for name in ("words_en.tsv.gz", "words_es.tsv.gz"):
        counts: dict[str, float] = {}
        with gzip.open(_DATA / name, "rt", encoding="utf-8") as handle:
            for line in handle:
                if not line.startswith("#"):
                    word, count = line.rstrip("\n").split("\t")
                    counts[word] = float(count)
        total = sum(counts.values())
        for word, count in counts.items():
            probabilities[word] = max(probabilities.get(word, 0.0), count / total)
    return probabilities


@functools.lru_cache(maxsize=1)
def _anchor_words() -> frozenset[str]:
    """The words a glued token is split around: the crisis words, and "life" ("endmylife")."""
    return _keep_words() | {"life"}


@functools.lru_cache(maxsize=1)
def _keep_words() -> frozenset[str]:
    lines = (_DATA / "keep_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())
