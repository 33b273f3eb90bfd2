"""Short replies read the same way everywhere: an option's number, yes / no / not sure, agreement.

* ``option_number`` / ``option_index``: "2", "#2", "option 2", "No. 2" (SMS buttons, screening choices);
* ``yes_no_value`` / ``polarity_only``: "yeah", "nope", "not that i know of", "idk" in their answer form
  (screening yes / no questions, "is that right?", the safety question);
* ``agreement``: consent-style replies, where "ok", "fine", "go ahead", "dale" also agree.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.text.canonical import canonical

YesNo = Literal["yes", "no", "unsure"]  # the answer values of a yes / no / not sure question

_OPTION_NUMBER = re.compile(
    r"^\s*(?:#|no\.?\s*|number\s+|option\s+|choice\s+|answer\s+|nr\s+|num\s+)?(\d{1,2})\s*[.)!]?\s*$", re.I)


def option_number(text: str) -> int | None:
    """The option number (as said, 1-based) when the whole reply is one: "2", " #2 ", "2.", "option 2"."""
    match = _OPTION_NUMBER.match(text or "")
    return int(match.group(1)) if match else None


def option_index(text: str, count: int) -> int | None:
    """The 0-based index of the option ``text`` names among ``count`` options; -1 for a number with no option
    (``0`` or past the end), None when the reply is not an option number."""
    number = option_number(text)
    if number is None:
        return None
    return number - 1 if 0 < number <= count else -1


# "no sé" (I don't know), not the reflexive "no se me quita" (it does not go away)
_NO_SE = r"no se(?! (?:me|te|le|nos|les) )"
_UNSURE = re.compile(
    r"\b(?:not (?:really |totally |quite |completely |entirely |too |that |so |100 |a 100 )?sure|unsure|"
    r"no idea|no clue|(?:i )?do not know|not certain|uncertain|can not say|hard to say|maybe|perhaps|"
    r"possibly|probably|i think so|i guess|i suppose|might (?:have|be|of)|could be|who knows|"
    r"not positive|can not remember|do not remember|do not recall|can not recall|50 50|fifty fifty|"
    rf"on the fence|dk|{_NO_SE}|ni idea|hard to tell|depends|it depends)\b"
)
_STRONG_NO = re.compile(
    r"\b(?:absolutely not|definitely not|certainly not|of course not|hell no|heck no|no way|not at all|"
    r"not really|not lately|not recently|not anymore|not any more|not now|not that i know of|"
    r"nothing like that|never|(?:i )?do not think so|(?:i )?did not think so|not in the past|not since|"
    r"nope|nah|no thanks|no thank you|never have|not even|none|nothing|not me|not them|not him|not her|"
    r"not once|not one time|not ever)\b"
)
_STRONG_YES = re.compile(
    r"\b(?:hell yes|heck yes|of course|for sure|you bet|uh huh|that is right|that is true|that is correct|"
    r"a little|a bit|kind of|sort of|kinda|somewhat|sometimes|all the time|every day|every time|"
    r"a lot|constantly|often|usually|always|occasionally|frequently|pretty much|100 percent|once|twice|"
    r"(?:1|2|3|4|5|one|two|three|a few|few|several|many|lots of|a couple of|a couple) times?|one time|"
    r"it happens|happens sometimes|every now and then|now and then|every so often|from time to time|"
    r"(?:i|he|she|they|we) (?:have|has|had) (?:thought|felt|had|been|done|tried|gotten|got|wished)\b|"
    r"(?:i|he|she|they|we|it) (?:do|does|did|have|has|had|am|is|are|was|were)"
    r"(?: (?:though|actually|yes|really|sometimes|recently|lately|before|too|also|in the past))?$)"
)
_YES_TOKEN = re.compile(r"^(?:y|ye+s*|ya+s*|yah+|yea+h*|yeh|yep+|yup+|yus|yas+|sure|definitely|absolutely|"
                        r"certainly|correct|true|affirmative|indeed|totally|obviously|def|defo|aye|uh-huh|"
                        r"uhuh|mhm+|mmhm+|mm-hmm|yessir|yesh|ja|si|oui)$")
_NO_TOKEN = re.compile(r"^(?:n|no+|nope+|nah+|na|nay|nop|nuh|nuh-uh|negative|not|never|none|nothing|nada|"
                       r"non)$")


# a yes said as a double negative: "can't say i haven't", "i'd be lying if i said no", "no puedo decir que no"
_DOUBLE_NEGATIVE_YES = re.compile(
    r"\b(?:can not|could not|will not|would not) (?:say|tell you|lie and say|pretend) (?:that )?(?:i|he|she|they) "
    r"(?:have|has|had|did|do|does|was|were) not\b|\bwould be lying if (?:i said|i say) (?:no|not|i have not|i did "
    r"not)\b|\bno (?:puedo|podria) decir (?:que|q) no\b|"
    # "i can't say i never thought about how", "no te voy a decir que no lo he pensado"
    r"\b(?:can not|could not|will not|would not) (?:say|tell you|pretend) (?:that )?(?:i|he|she|they) never\b|"
    r"\bno (?:te|le|les)? ?(?:voy a|puedo|podria) (?:decir|negar) (?:que|q) no\b")


def yes_no_value(words: str) -> YesNo | None:
    """"yes", "no" or "unsure" from a reply in its answer form (``bot.text.normalise.answer_form``), else None:
    hedges are "unsure", a yes and a no together are None, "absolutely not" is a no, a double negative a yes."""
    if double_negative_yes(words):
        return "yes"
    if _UNSURE.search(words) and not re.search(r"\b(?:i )?do not think so\b", words):
        return "unsure"
    strong_no = bool(_STRONG_NO.search(words))
    strong_yes = bool(_STRONG_YES.search(words))
    tokens = words.split()
    yes_hits = [i for i, t in enumerate(tokens) if _YES_TOKEN.match(t)]
    no_hits = [i for i, t in enumerate(tokens) if _NO_TOKEN.match(t)]
    # "absolutely not", "sure not": an intensifier straight before a negation is a no.
    intensifiers = ("sure", "definitely", "absolutely", "certainly", "totally", "obviously", "def", "defo")
    yes_hits = [i for i in yes_hits
                if not (tokens[i] in intensifiers and i + 1 < len(tokens) and tokens[i + 1] in ("not",
                                                                                                "never"))]
    said_no = strong_no or bool(no_hits)
    said_yes = strong_yes or bool(yes_hits)
    if strong_no and not yes_hits:
        return "no"
    if said_no and said_yes:
        return None
    if said_no:
        return "no"
    if said_yes:
        return "yes"
    return None


_BARE_LEAD = re.compile(r"^(?:y|ye+s+|yeah?|yep|yup|ya|no+(?! se (?:me|te|le|nos|les) )|nope|nah|n)\b")
_FILLER = frozenset("i am is it that this so just really too though thanks thank you ok okay lol man bro "
                    "dude for me he she they we he is she is they are was were right now at all good fine "
                    "the a an do does did have has had".split())


_DONT_KNOW_LEAD = re.compile(r"^(?:i )?(?:do not know|not (?:really |totally |quite )?sure|no idea|no clue|unsure|"
                             rf"not certain|can not remember|do not remember|{_NO_SE}|"
                             r"ni idea|dk|hard to (?:say|tell)|(?:i )?can not (?:say|tell)|who knows)\b")


# a reply that corrects itself: "any time.. no wait, only evenings", "a cualquier hora.. no, mejor en las noches"
_CORRECTION = re.compile(r"(?:^|[\s,.!;-])(?:no wait|wait no|wait,? no|actually no|scratch that|correction|"
                         r"no,? mejor|mejor dicho|bueno,? no|no,? perdon|quise decir)\b[\s,.:;!-]*")


def corrected_tail(text: str) -> str:
    """What follows the last self-correction in ``text`` (canonical form), or "" when there is none."""
    tail = ""
    for match in _CORRECTION.finditer(text):
        tail = text[match.end():]
    return tail.strip()


def leads_with_dont_know(words: str) -> bool:
    """True when a reply (answer form) opens with not knowing: "not sure what counts, ...", "idk. ..."."""
    return bool(_DONT_KNOW_LEAD.match(words)) and not double_negative_yes(words)


def double_negative_yes(words: str) -> bool:
    """"i can't say i never thought about how", "no te voy a decir que no": a yes said by denying a no."""
    return bool(_DOUBLE_NEGATIVE_YES.search(words))


# "i wouldn't actually do it", "i ain't gonna act on it", "nunca lo haria": the act itself denied, a no to a
# question about doing it however the rest of the reply reads (read in the answer form: "aint" is "is not")
_DENIED_ACT = re.compile(
    r"\b(?:would|will|could|is|am|are|was) (?:not|never) (?:actually |ever |really |even )?(?:going to )?"
    r"(?:do (?:it|that|anything)|act on (?:it|them|that|those|anything)|go through with it|hurt (?:him|her|them|"
    r"anyone|anybody|myself|himself|herself))\b|"
    r"\b(?:never|no) (?:lo|la) (?:haria|haré|hare|voy a hacer)\b|\bno voy a hacer(?:me)? (?:none|nada)\b")


def denies_the_act(words: str) -> bool:
    """True when a reply (answer form) denies doing the thing asked about and says no plain yes."""
    if not _DENIED_ACT.search(words):
        return False
    rest = _DENIED_ACT.sub(" ", words)
    return not (_STRONG_YES.search(rest) or any(_YES_TOKEN.match(t) for t in rest.split()))


# "the shakes, nothing else", "nothing but the shakes", "nada mas la presion alta": words that limit what was
# said, not a no (the "nothing" in them made a yes a sure no)
_LIMITERS = re.compile(r"\b(?:nothing else|nothing more|not much else|nothing but|nothing major|nothing serious|"
                       r"nothing crazy|nothing too (?:bad|crazy|serious|major)|(?:and )?that is (?:about )?it|"
                       r"nada mas(?: que)?|nada grave|nada serio|eso es todo)\b")


def without_limiters(words: str) -> str:
    """The reply without its limiting words, or the reply itself when nothing else is left."""
    rest = " ".join(_LIMITERS.sub(" ", words).split())
    return rest if re.search(r"\w", rest) else words


# "not me, my brother is the one saying it", "no, pero a mi papa si le dio": a no about the person asked, then
# someone else's yes (not what someone else says about them: "no, but my wife says i ...")
_SOMEONE_ELSE = re.compile(
    r"^\W*(?:not me|not me personally|me no|yo no|a mi no|no)\b[,.!]*\s*(?:but |pero |only |solo |nomas )?(?:a )?"
    r"(?:my|mi|mis)\s+(?:\w+\s+)?(?:brother|sister|mom|mother|dad|father|husband|wife|son|daughter|uncle|aunt|"
    r"cousin|friend|bf|gf|boyfriend|girlfriend|roommate|grandma|grandpa|hermano|hermana|papa|mama|padre|madre|"
    r"esposo|esposa|hijo|hija|tio|tia|primo|prima|amigo|amiga|novio|novia|abuelo|abuela|carnal|compa)s?\b"
    r"(?!(?:\s+\w+){0,3}\s+(?:says?|said|thinks?|told|tells|noticed|saw|worries|dice|dijo|cree|piensa|vio|nota|"
    r"noto|me dice|me dijo)\b)")


def someone_elses_yes(text: str) -> bool:
    """True when a reply denies it for the person asked about and tells another person's story instead."""
    return bool(_SOMEONE_ELSE.search(canonical(text)))


# "two summers ago i took pills. since then no", "de chavo me peleaba. este mes nada", "not anymore": what is asked
# about is over, a no to a question about now or a recent window (read in the canonical form, punctuation kept:
# "ya no" / "not anymore" count only where a clause ends, not in "ya no puedo parar")
_OVER_NOW = re.compile(
    r"\b(?:since then|ever since)[,]? (?:no|nope|nothing|none|not really|not once)\b|"
    r"\b(?:not|nothing|none) since\b|\bno longer\s*(?:[.,!;)]|$)|"
    r"\bno longer (?:think|have|get|do|feel) (?:about )?(?:it|that|them|those|any of that)\b|"
    r"\b(?:not|no) (?:any ?more|no more)\s*(?:[.,!;)]|$|but\b|though\b|tho\b|thank|thankfully|gracias)|"
    r"\b(?:but |and )?(?:now|these days|nowadays|lately|this month|recently)(?: that [^.,!?]{1,30})?,? "
    r"(?:no|nope|nothing|none|not really|not at all)\s*(?:[.,!;)]|$)|"
    r"\b(?:desde entonces|de ahi (?:pa|para) (?:aca|aqui)|de ahi en adelante|desde ahi),? (?:no|nada|ya no|nunca)\b|"
    r"\bnada desde\b|"
    r"\bya no\s*(?:[.,!;)]|$|pero\b|gracias\b)|"
    r"\b(?:pero |y )?(?:ahora|ahorita|este mes|ultimamente|estos dias|hoy en dia)(?: que [^.,!?]{1,30})?,? "
    r"(?:no|nada|ya no|para nada)\s*(?:[.,!;)]|$)")


def says_it_is_over(text: str) -> bool:
    """True when a reply says what was asked about stopped ("since then no", "este mes nada", "ya no")."""
    return bool(_OVER_NOW.search(canonical(text)))


def polarity_only(words: str) -> bool:
    """True when nothing but yes/no/unsure wording (and filler) is left, or a bare yes/no leads."""
    if _BARE_LEAD.match(words):
        return True
    rest = words
    for pattern in (_UNSURE, _STRONG_NO, _STRONG_YES):
        rest = pattern.sub(" ", rest)
    content = [t for t in rest.split() if not (_YES_TOKEN.match(t) or _NO_TOKEN.match(t) or t in _FILLER)]
    return len(content) <= 1


# Agreement, for consent-style questions ("OK to go ahead?"): "ok", "fine", "dale" agree here.
_AGREE = re.compile(r"^\s*(y|ya|yes+|yeah|yep|yup|sure|ok(ay)?|k|fine|go ahead|agree|i agree|alright|"
                    r"of course|please do|yes please|sounds good|si+|claro|dale|va|sale|esta bien|de acuerdo|"
                    r"por supuesto|adelante)\b")
_DISAGREE = re.compile(r"^\s*(n|no+|nope|nah|no thanks|not now|i don'?t agree|don'?t|do not|rather not|"
                       r"no gracias|mejor no|ahorita no)\b")


def agreement(text: str) -> bool | None:
    """True / False when a reply to a consent-style question ("OK to go ahead?") agrees or declines, else None."""
    words = canonical(text)
    if _DISAGREE.search(words):
        return False
    if _AGREE.search(words):
        return True
    return None
