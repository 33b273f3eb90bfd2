"""The one text-normalising module: every reader's form of a message, all built on ``canonical``.

``bot.text.canonical.canonical`` is the base form every detector and classifier starts from (Unicode NFKC,
invisible characters dropped, look-alikes mapped, spaced and leetspeak spellings rejoined). On top of it:

* ``crisis_form`` — for the crisis rules and model (``bot.safety``): shorthand, contractions and misspellings
  rewritten to canonical words ("im gonna kms" -> "i am going to kill myself", "od'd" -> "overdosed");
* ``answer_form`` — for the screening answer parsers (``bot.screening.parsers``): Spanish number / time words in
  English, punctuation to spaces, contractions expanded, letter runs collapsed ("yesss" -> "yes");
* ``readable`` — for the sentence-embedding NLU (``bot.nlu``): the crisis form with emoji named and chat
  shorthand spelled out ("gn ty 👋" -> "good night thank you waving hand");
* ``bare`` — for matching an SMS reply to a button title: lower-case letters and digits only.

The forms differ on purpose (a crisis rule wants "kill myself", an answer parser "do not know" and the number
words); each is the one place its rewrites live. Pure ``re``; no spaCy, no Rasa.
"""

from __future__ import annotations

import functools
import re

from bot.text.canonical import canonical
from bot.text.language import guess_language
from bot.text.spanish_terms import english_grammar

# Typographic and stray apostrophes ("i’m", "don`t") read as a plain one.
_QUOTES = r"[\u2019\u2018`\u00b4]"


# ---- crisis form --------------------------------------------------------------------------------------
_CRISIS_RAW: list[tuple[str, str]] = [
    (_QUOTES, "'"),
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
    # "ill be gone", "scared ill do it again" (not "i feel ill", "ill for days")
    (r"(?<!feel )(?<!felt )(?<!been )(?<!very )(?<!so )(?<!is )(?<!was )(?<!got )"
     r"\bill (?=be |do |go |never|just |kill|end |die|make |try |jump|take |burn |shoot |stab |hurt |hit |beat |"
     r"murder |snap |hang |cut )", "i will "),
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
    (r"\b(?:tmrw|tmr|tmrrw|2morrow|2moro|tmorrow|tomorow|tomoro)\b", "tomorrow"),
    (r"\b2day\b", "today"),
    (r"\by'?all\b|\bya'll\b", "you all"),
    (r"\bidk\b", "i do not know"),
    (r"\bidc\b", "i do not care"),
    (r"\b(?:bc|cuz|coz|cos)\b", "because"),
    (r"\bw/", "with "),
    (r"\bw (?=(the|my|a|an|his|her|their|him|them|me|no|some|all) )", "with "),
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
    word = matched.split(maxsplit=1)[0]
    verb = {"unalive": "kill", "unalived": "killed", "unaliving": "killing"}[word]
    return f"{verb} myself"



_CRISIS_RULES = [(re.compile(pattern), repl) for pattern, repl in _CRISIS_RAW]


def crisis_form(text: str) -> str:
    """``text`` in its canonical form (``bot.text.canonical``: invisible characters, look-alikes, spaced and
    leetspeak spellings), with shorthand, contractions and misspellings rewritten to canonical words. The whole
    message is read, however long."""
    text = canonical(text)
    for pattern, repl in _CRISIS_RULES:
        text = pattern.sub(repl, text)
    return re.sub(r" {2,}", " ", text).strip()


# ---- answer form --------------------------------------------------------------------------------------
_CONTRACTIONS = {
    "don't": "do not", "dont": "do not", "doesn't": "does not", "doesnt": "does not", "didn't": "did not",
    "didnt": "did not", "haven't": "have not", "havent": "have not", "hasn't": "has not", "hasnt": "has not",
    "hadn't": "had not", "isn't": "is not", "isnt": "is not", "aren't": "are not", "arent": "are not",
    "wasn't": "was not", "wasnt": "was not", "weren't": "were not", "can't": "can not", "cant": "can not",
    "cannot": "can not", "won't": "will not", "wouldn't": "would not", "wouldnt": "would not",
    "couldn't": "could not", "couldnt": "could not", "shouldn't": "should not", "ain't": "is not",
    "aint": "is not", "i'm": "i am", "im": "i am", "i've": "i have", "ive": "i have", "i'd": "i would",
    "it's": "it is", "they're": "they are", "theyre": "they are", "we're": "we are", "you're": "you are",
    "let's": "let us", "that's": "that is", "thats": "that is", "there's": "there is", "he's": "he is",
    "she's": "she is", "hes": "he is", "shes": "she is", "i'll": "i will", "they've": "they have",
    "they'd": "they would", "nothin": "nothing",
    "somethin": "something", "nuthin": "nothing", "sorta": "sort of", "gonna": "going to",
    "wanna": "want to", "dunno": "do not know", "idk": "do not know", "idek": "do not know",
    "prolly": "probably", "probly": "probably", "np": "no problem", "tbh": "", "lol": "", "ngl": "", "honestly": "",
    "pls": "", "please": "", "umm": "", "um": "", "hmm": "", "hm": "", "well": "",
    "sometime": "sometimes", "wks": "weeks", "wk": "week", "mos": "months", "mo": "month", "yrs": "years",
    "yr": "year", "hrs": "hours", "hr": "hour", "mins": "minutes", "min": "minutes", "xs": "times",
    "nite": "night", "nites": "nights", "tonite": "tonight", "2day": "today", "every1": "everyone",
    "u": "you", "r": "are", "ur": "your", "cuz": "because", "bc": "because", "w": "with",
}

def answer_form(text: str) -> str:
    """Lower case, plain apostrophes, punctuation to spaces (keeping '-', '/', '+', '.', ',' between
    digits), "ñ" as "n", contractions expanded, letter runs of 3+ collapsed ("yesss" -> "yes")."""
    text = canonical(text)
    text = english_grammar(text, spanish=guess_language(text) == "es")
    text = re.sub(_QUOTES, "'", text)
    text = text.replace("&", " and ")
    text = re.sub(r"(\d)\s*x\b", r"\1 times", text)  # 2x, 3x/wk
    text = re.sub(r"\bx\s*(\d)", r"\1 times", text)
    text = re.sub(r"(\d)\s*/\s*(week|wk|day|month|mo|year|yr|night)", r"\1 per \2", text)
    text = re.sub(r"\s*/\s*(week|wk|wks|day|month|mo|year|yr|night)\b", r" per \1", text)
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    text = re.sub(r"(\d)\s*(?:-|\u2013|\u2014|to)\s*(\d)", r"\1-\2", text)
    text = re.sub(r"(\d),(\d)", r"\1 , \2", text)
    text = re.sub(r"[^a-z0-9'\-+/ .,]", " ", text.replace("ñ", "n"))  # "se baña" as typed without the tilde
    text = re.sub(r"(?<!\d)[.,](?!\d)|(?<=\d)[.,](?!\d)|(?<!\d)[.,](?=\d)", " ", text)
    text = re.sub(r"([a-z])\1{2,}", r"\1", text)
    words = []
    for token in text.split():
        word = token.strip("'")
        if word == "n/a":
            words.append("n/a")
            continue
        if not re.fullmatch(r"\d+/\d+", word):
            word = word.replace("/", " / ")
        for part in word.split():
            words.append(_CONTRACTIONS.get(part, part))
    return " ".join(w for w in " ".join(words).split() if w)


# ---- readable form (sentence embeddings) -------------------------------------------------------------
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
    """The crisis form of ``text`` with emoji as their names and chat shorthand written out."""
    import emoji

    text = emoji.demojize(canonical(text), delimiters=(" ", " ")).replace("_", " ")
    text = _SHORTHAND.sub(lambda match: SHORTHAND[match.group(1)], crisis_form(text))
    return re.sub(r" {2,}", " ", text).strip()


# ---- bare form (button titles) ---------------------------------------------------------------------------
def bare(text: str) -> str:
    """Lower-case letters and digits, one space between runs: "Yes, continue!" -> "yes continue"."""
    return re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).strip()
