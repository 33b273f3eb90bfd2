"""Chat text as words a sentence-embedding model knows: emoji named, SMS shorthand spelled out.

The sentence encoder sees "👋", "gn" or "ttyl" as unknown pieces; "waving hand", "good night" and "talk to you
later" it places next to other goodbyes. ``readable("gn ty 👋")`` -> "good night thank you waving hand".
Contractions and crisis shorthand come from ``bot.safety.normalise`` (one table for both).
"""

from __future__ import annotations

import functools
import re

from bot.safety.normalise import normalise
from bot.text.canonical import canonical

# Only expansions that are unambiguous in a chat with this bot ("y" can be "yes" or "why": left alone).
SHORTHAND = {
    "gn": "good night", "gnite": "good night", "nite": "night", "nitey nite": "good night",
    "ttyl": "talk to you later", "ttys": "talk to you soon", "g2g": "got to go", "gtg": "got to go",
    "brb": "be right back", "bbl": "be back later", "thx": "thanks", "thnx": "thanks", "tnx": "thanks",
    "thanx": "thanks", "ty": "thank you", "tysm": "thank you so much", "tyvm": "thank you very much",
    "w8": "wait", "gm": "good morning", "wsg": "what is good", "wsp": "what is up", "sup": "what is up",
    "wassup": "what is up", "ofc": "of course", "fasho": "for sure", "prolly": "probably",
    "pls": "please", "plz": "please", "nvm": "never mind", "lmk": "let me know", "np": "no problem",
    "k": "ok", "kk": "ok", "okk": "ok", "okey": "ok", "yea": "yeah", "ye": "yes", "yh": "yeah", "ya": "yeah",
    "nah": "no", "naw": "no", "tmrw": "tomorrow", "tmr": "tomorrow", "2morrow": "tomorrow", "2day": "today",
    "msg": "message", "txt": "text", "qs": "questions", "hbu": "how about you", "wbu": "what about you",
    "wyd": "what are you doing", "omw": "on my way", "cya": "see you", "l8r": "later", "l8er": "later",
    "b4": "before", "convo": "conversation", "sry": "sorry", "srry": "sorry", "tho": "though",
    "thru": "through", "dunno": "do not know", "ppl": "people",
}
_SHORTHAND = re.compile(r"\b(" + "|".join(sorted(map(re.escape, SHORTHAND), key=len, reverse=True)) + r")\b")


@functools.lru_cache(maxsize=1024)
def readable(text: str) -> str:
    """The canonical form of ``text`` (``bot.text.canonical``) with emoji as their names and shorthand written
    out."""
    import emoji

    text = emoji.demojize(canonical(text), delimiters=(" ", " ")).replace("_", " ")
    text = _SHORTHAND.sub(lambda match: SHORTHAND[match.group(1)], normalise(text))
    return re.sub(r" {2,}", " ", text).strip()
