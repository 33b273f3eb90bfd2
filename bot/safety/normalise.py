"""Text normalisation before crisis matching: the canonical form, then SMS shorthand, contractions, misspellings.

The rules then match one canonical spelling: "im gonna kms" -> "i am going to kill myself",
"hes not breathin" -> "he is not breathing", "od'd" -> "overdosed", "cant breath" -> "can not breathe".
Pure ``re``; no spaCy here.
"""

from __future__ import annotations

import re

from bot.text.canonical import canonical

_RAW: list[tuple[str, str]] = [
    (r"[\u2019\u2018`\u00b4]", "'"),
    (r"[\u201c\u201d]", '"'),
    (r"\s+", " "),
    # obfuscated / algospeak / misspelled suicide words
    (r"su[i1!l]c[i1!l]d", "suicid"),
    (r"\bsewer ?slides?\b", "suicide"),
    (r"\b(?:suicidle|sucidal|suicidial|suisidal|suicidel|sucidial|suacidal|suicdal|sucidle|suicical|suicidial)\b",
     "suicidal"),
    (r"\b(?:sucide|suicde|suiside|sucicide|suicid|suecide)\b", "suicide"),
    (r"\bk[i1!]ll?(?=\s|$|[.,!?])", "kill"),
    (r"\bk[i1!]ll(ing|ed|s)\b", r"kill\1"),
    (r"\b(?:my ?slef|myslef|my self|mysef|mysefl)\b", "myself"),
    (r"\bunaliv(?:e|ed|ing)\b(?: myself)?", lambda m: _unalive(m.group(0))),
    (r"\b(?:kms|ctb)\b", "kill myself"),
    (r"\b(?:off|end)(ing)? myself\b", r"kill\1 myself"),
    (r"\bd[i1]e+\b", "die"),
    # overdose shorthand (od'd / od-ing / oding / o.d.)
    (r"\bo\.d\.?(?=\s|$)", "od"),
    (r"\bod(?:'|-)?ing\b|\bodin'", "overdosing"),
    (r"\bod(?:'|-)d\b|\bod'?ed\b", "overdosed"),
    (r"\bods\b", "overdoses"),
    (r"\bod\b", "overdose"),
    (r"\boverdos(?:eing|sing|in'?)\b", "overdosing"),
    # contractions and spellings without apostrophes
    (r"\bi'?m\b", "i am"),
    (r"\bi'?ve\b", "i have"),
    (r"\bi'll\b", "i will"),
    (r"\bi'd\b", "i would"),
    (r"\bid (?=rather|be |never|kill|die|just)", "i would "),
    (r"\bcan'?t\b|\bcannot\b", "can not"),
    (r"\bwon'?t\b", "will not"),
    (r"\bain'?t\b", "is not"),
    (r"\b(do|does|did|is|are|was|were|have|has|had|would|could|should|must|need)n'?t\b", r"\1 not"),
    (r"\b(he|she|it|that|there|who|what|where|nobody|everybody|someone|somebody|everyone|nothing)'s\b",
     r"\1 is"),
    (r"\b(he|she|that|there|what)s\b", r"\1 is"),
    (r"\bno one'?s\b", "no one is"),
    (r"\b(life|it|this)'s\b", r"\1 is"),
    (r"\b(they|you)'?re\b", r"\1 are"),
    (r"\bwe're\b", "we are"),
    (r"\b(you|we|they)'ve\b", r"\1 have"),
    (r"\b(you|he|she|we|they|it)'ll\b", r"\1 will"),
    (r"\b(you|he|she|we|they)'d\b", r"\1 would"),
    (r"\bit'?d\b", "it would"),
    (r"\b(should|could|would|must) of\b", r"\1 have"),
    # SMS shorthand
    (r"\bwanna\b", "want to"),
    (r"\b(?:gonna|finna)\b", "going to"),
    (r"\bgotta\b", "got to"),
    (r"\btryna\b", "trying to"),
    (r"\bhafta\b", "have to"),
    (r"\b(want|going|need|have|ready|about|like) 2\b", r"\1 to"),
    (r"\bu\b", "you"),
    (r"\bur\b", "your"),
    (r"\br\b(?!&)", "are"),
    (r"\brn\b", "right now"),
    (r"\b(?:tonite|2nite|2night)\b", "tonight"),
    (r"\bidk\b", "i do not know"),
    (r"\bidc\b", "i do not care"),
    (r"\b(?:bc|cuz|coz|cos)\b", "because"),
    (r"\bw/", "with "),
    (r"\babt\b", "about"),
    (r"\bppl\b", "people"),
    (r"\bgf\b", "girlfriend"),
    (r"\bbf\b", "boyfriend"),
    (r"\bfr\b", "for real"),
    (r"\b(?:tbh|ngl|smh|lmao|lmfao|imo)\b", ""),
    (r"\bnoone\b", "no one"),
    # dropped g and typos in symptom words
    (r"\b(breath|dy|feel|think|kill|seiz|shak|bleed|wak|respond|mov|convuls|hallucinat|throw|cutt|hurt|jerk)"
     r"in'?(?=\s|$|[.,!?])", r"\1ing"),
    (r"\b(not|hardly|barely|to|cant) breath\b", r"\1 breathe"),
    (r"\b(?:seizer|siezure|seisure|seizur|seazure|sezure|siezur)(s?)\b", r"seizure\1"),
    (r"\bsiez(ing|e|ed)\b", r"seiz\1"),
    (r"\bhal+[ue]?c[ie]?nat", "hallucinat"),
    (r"\bd\.?t'?\.?s\b", "dts"),
    (r"\bx{2,}\b", ""),
]


def _unalive(matched: str) -> str:
    word = matched.split()[0]
    verb = {"unalive": "kill", "unalived": "killed", "unaliving": "killing"}[word]
    return f"{verb} myself"


_RULES = [(re.compile(pattern), repl) for pattern, repl in _RAW]


def normalise(text: str) -> str:
    """``text`` in its canonical form (``bot.text.canonical``: invisible characters, look-alikes, spaced and
    leetspeak spellings), with shorthand, contractions and misspellings rewritten to canonical words. The whole
    message is read, however long."""
    text = canonical(text)
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    return re.sub(r" {2,}", " ", text).strip()
