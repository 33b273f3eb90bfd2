"""Crisis detector: spaCy Matcher over lemmas and words, with negation, past-event and idiom handling.

``detect_crisis(text)`` returns a ``CrisisSignal`` (category + the matched phrase) or None. It runs on a
blank English pipeline with the lookup lemmatizer, built on first call (about 1 s) and shared by the
process; afterwards a message takes about a millisecond. Only spaCy is needed (no Rasa, no model).

Steps: the text in its crisis form (``bot.text.normalise``), split into sentences, run the Matcher with the rules of
``rules.py`` on each sentence, then keep a match only if its context allows (see ``rules.Rule``): no
negation cue earlier in its clause ("no thoughts of hurting myself"), no past marker ("last year", "when
i was 16"), no fear/hypothetical/habitual/reporting frame for emergency rules ("scared of overdosing",
"what should i do if", "when i'm dopesick", "the news said"), and the rule's own conditions. If several
categories match, the more serious one wins (suicide, harm_others, overdose, dangerous_withdrawal,
medical_emergency).

This is a rule layer for a safety net, tuned for recall: a message it flags gets the crisis response and
a person is alerted; a message it misses may still be caught by the intent classifier's ``crisis`` intent.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from bot.safety.frames import GAMING
from bot.safety.rules import PRIORITY, RULES, WORD_CLASSES, Rule
from bot.text.normalise import crisis_form


@dataclass(frozen=True)
class CrisisSignal:
    """A crisis found in a message: category, the phrase that triggered it (normalised text), the rule."""

    category: str
    phrase: str
    rule: str


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+|(?<=[.!?;])(?=[a-z])")
_CLAUSE_BREAKS = frozenset({".", ",", ";", ":", "!", "?", "(", ")", "-", "--", "but", "and", "though",
                            "although", "however", "because", "so", "also", "plus", "then", "anymore", "...",
                            "\u2026"})
_NEGATION_CUES = frozenset({"not", "n't", "no", "never", "nobody", "none", "nothing", "without", "nor", "zero",
                            "neither", "denies", "deny", "nope", "nah", "noone"})
_PSEUDO_NEGATION_NEXT = frozenset({"stop", "only", "matter", "doubt", "longer"})
_SUBJECTS = frozenset({"i", "he", "she", "they", "we", "you"})

_DISTANT_PAST = re.compile(
    r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|a few|a couple(?: of)?|couple(?: of)?|"
    r"several|many)\s+(years?|yrs?|decades?)\s+(ago|back|before|earlier)\b"
    r"|\byears?\s+ago\b|\b(a )?long time ago\b|\blong ago\b|\bages ago\b|\ba while back\b"
    r"|\bin the (19)?[5-9]0'?s\b"
    r"|\b(last|past|previous)\s+(year|summer|winter|spring|fall|autumn|decade)\b"
    r"|\bin the past\b"
    r"|\b(in|back in|of|around|was|since)\s+(19|20)\d\d\b|,\s*(19|20)\d\d\s*,"
    r"|\bwhen (i|he|she|they|we) (was|were)\b"
    r"|\bused to\b"
    r"|\bback (in|then|when|before)\b"
    r"|\bin (high school|middle school|college|my (early |mid |late )?(teens|twenties|thirties|20s|30s|40s))\b"
    r"|\bin (\d{1,2}(st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
    r"twelfth) grade\b"
    r"|\bhave not (\w+ )?(in|for) (over |more than |almost |nearly )?\S+ (years|yrs)\b"
    r"|\bas a (kid|teen|teenager|child)\b"
    r"|\bgrowing up\b"
    r"|\blast time\b"
    r"|(?<!at )\bonce\b(?!\s+(a|an|or|in a while|again|more|every|per)\b)"
    r"|\b(twice|\d+ times|two times|three times|several times|many times) (in|before|already)\b"
    r"|\bbefore\s*$"
    r"|\bat (1[0-9]|[2-9][0-9])\b(?!\s*(am|pm|o'?clock|mg|pills|bars|of)\b)"
)
_RECENT_PAST = re.compile(
    r"\blast (week|month|weekend)\b"
    r"|\b(\d+|a|one|two|three|four|a few|a couple(?: of)?|several) (weeks?|months?) ago\b"
    r"|\bthis past (week|month)\b"
    r"|\bin (january|february|march|april|june|july|august|september|october|november|december|jan|feb|mar|apr|"
    r"jun|jul|aug|sep|sept|oct|nov|dec)\b"
)
# "quit benzos last week ... about to seize": the date belongs to the stopping, not to the emergency
_STARTED_STOPPING = re.compile(
    r"\b(quit|quitting|stopped|stopping|came off|coming off|ran out|last (drink|dose|use|used)|detox\w*)\b"
    r"(\s+[\w']+){0,5}?\s+(last (week|month|weekend)|(\d+|a|one|two|three|four|a few|a couple( of)?|several) "
    r"(days?|weeks?) ago)\b")
_PRESENT = re.compile(r"\b(now|right now|today|tonight|this morning|just|currently|still)\b")
_FEAR_OR_HYPOTHETICAL = re.compile(
    r"\b(scared|afraid|worried|worry|fear|terrified|nervous)\b"
    r"( of| that| about| to|,? (i|he|she|they|it|you|my \w+) (will|would|might|could|may)| one day)"
    r"|\b(if|in case|what if)\b")
_REPORTING = re.compile(
    r"\b(the news|news said|i read|documentary|i have seen|i see (them|people)|i work|training|signs of|"
    r"what does|what are|how (do|does|can|long|often|many|much)|can you|is it)\b")
_HABITUAL_AFTER = re.compile(
    r"^[^,]*\b(when i am|whenever|every time|most (days|nights)|usually|always|sometimes)\b")
_WITHDRAWAL_CONTEXT = re.compile(
    r"\b(withdraw\w*|detox\w*|stopped|stopping|quit|quitting|cold turkey|ran out|run out|coming off|came off|"
    r"been off|off (the |my )?(booze|alcohol|xanax|bars|benzos|klonopin|drink\w*|pills|liquor)|"
    r"no (drink|alcohol|booze)|without (a |any )?(drink\w*|alcohol|booze|xanax|bars|benzos)|last drink|"
    r"since i stopped|dts|day \d+|"
    r"\d+ days? (off|no|without))\b")
_DRUG_EXTRA = (r"overdos\w*|narcan\w*|needles?|syringes?|tourniquet|high|shooting up|shot up|laced|line|"
               r"snort\w*|inject\w*|nodding|"
               r"drank|using|used|dope|od")
_OTHER_PERSON = re.compile(r"\b(him|her|them|he|she|they|someone|somebody|people|everyone|pay)\b")
_SELF_DIRECTED = re.compile(r"\b(myself|my head|my wrists|suicid\w*|end it|end my life|kill me|to die)\b")


# Crisis words that are the topic of something else: a song, a film, a class, a prevention walk ...
_ABOUT_MEDIA = re.compile(
    r"\b(songs?|lyrics?|rapper|singer|album|corrido|movies?|films?|show|episode|series|character|books?|novel|"
    r"memoir|poem|story|podcast|documentary|article|paper|news|headline|tiktok|youtube|video|reel|post|"
    r"posts|meme|memes|tweet|caption|class|"
    r"lecture|assembly|course|training|seminar|poster|essay|true crime|presentation|paper|meeting|telenovela)\b"
    r"[^.!?]{0,60}?\b(about|where|that goes|goes|called|titled|with|who|had|has|on|covering|says|said|shared|"
    r"talked|talks|sings|when|features|showed|reading|of)\b|\b(the lyrics|the song|the movie|the show) "
    r"|\b(read|saw|heard|watched) (in|on) (the|a) (paper|news|show|movie|podcast|tv)\b"
    r"|\basked( me)? (if|whether)\b|\basked me( [\w']+){1,4} (if|whether)\b"
    r"|\b(for future reference|just in case|hypothetically)\b"
    # someone else's story told in a group: "in group yesterday someone said they wanted to die"
    r"|\b(in|at|during|after) (group|group therapy|meetings?|the meeting|a meeting|aa|na|class)\b[^.!?]{0,40}?"
    r"\b(someone|somebody|a (guy|girl|lady|woman|man|member)|this (guy|girl|lady|dude)|one (guy|girl|lady|person)|"
    r"people|another member)\b[^.!?]{0,20}?\b(said|shared|says|shares|talked|told|mentioned)\b"
    r"|\b(someone|somebody|a (guy|girl|lady|woman|man|member)|one (guy|girl|lady|person)|people) (in|at|from) "
    r"(my |the )?(group|group therapy|meetings?|aa|na|class)\b[^.!?]{0,20}?\b(said|shared|says|shares|talked|told|"
    r"mentioned)\b")
_EVENT = re.compile(r"\b(suicide|overdose) (prevention|awareness|loss|survivors?|walk|hotline|lifeline|training|"
                    r"line|number|text line|crisis line|help ?line)\b"
                    r"|\b(prevention|awareness) (walk|week|month|day|assembly|video|talk|poster|event)\b"
                    r"|\bout of the darkness\b|\bloss survivors?\b|\blost (someone|somebody|(a|his|her|my|their|our)"
                    r"( \w+){1,3}) to (suicide|an overdose|overdose)\b")
# A question about help and resources, not a statement of danger: "is 988 only for suicide?",
# "who do i call if my kid says he wants to die?", "do you take people who have had suicide attempts?"
_HELP_QUESTION = re.compile(
    r"\b(is|does|do|can|could|should|will|would|what|who|how|where|when|are|any)\b[^.!]*\b(988|hotline|lifeline|"
    r"helpline|support group|group for|your program|the program|counselor|therapist|narcan|naloxone|prepared|"
    r"prepare|lock me up|take people|accept people|get help for|say if|do if|call if|happens if|hurt someone if|"
    r"(call|tell|report \w+ to) the (cops|police)|"
    r"for people who|just for|can i call|talk to (my|her|him|them|our)|putting ideas|signs of|"
    r"(warning )?signs (that )?(someone|somebody|a person|my \w+|he|she|they)|what to look for)\b")
_FIRST_PERSON = re.compile(r"\b(i|me|myself|my (life|self|wrists?|head))\b")
_JOKING = re.compile(r"\b(jk|j/k|just kidding|only kidding|i am kidding)\b")
_RESOLVED = re.compile(r"\b(he|she|they|i|we|it)( is|'s| are| am| was)?( totally| completely| doing)? "
                       r"(fine|ok|okay|good|alright|stable|better)"
                       r"( now)?\b|\b(doing|been doing) (really )?(well|good|better|great)\b|\bgot help\b|"
                       r"\b(recovered|survived)\b")
# "suicide has never crossed my mind", "suicide isn't something i think about"
_NEGATED_AFTER = re.compile(r"^\s*(has|have|had|is|was|does)?\s*(never|not|n't|isnt|isn't|wasnt|hasnt|doesnt|"
                            r"is not|has not|was not)\b")


# a year or decade in the sentence ("in 2018", "back in college") dates what it says, unless "now" is there too
_DATED = re.compile(r"\b(19|20)\d\d\b|\bback in (college|school|high school|the day)\b|\b\d+ (yrs|years) ago\b")
_QUOTE_OPEN = re.compile(r"(?:^|\s)[\"']")
_QUOTE_CLOSE = re.compile(r"[\"'](?:\s|$|[,.!?])")
# the whole message tells of a past that is over: "... that was 10 yrs ago and im doing well"
_PAST_AND_OVER = re.compile(r"\b(years? ago|yrs ago|back in (college|school|high school)|when i was|in (19|20)\d\d|"
                            r"in (hs|high school|middle school|college|my teens|my early twenties)|"
                            r"in (january|february|march|april|may|june|july|august|september|october|november|"
                            r"december)|(had|went through) a (rough|bad|dark) (patch|time|spell)|"
                            r"a long time ago|last year|i was suicidal|after my (divorce|breakup|\w+ died))\b")
_OVER_NOW = re.compile(r"\b(i am|im|i am now|doing) (way |much |a lot |so much |really )?(well|good|better|fine|okay|"
                       r"ok)\b|\b(out of it|past it) now\b|"
                       r"\bgot (me )?help\b|\bin a (good|better|much better|really good) place\b|"
                       r"\bi am not (there|in that (dark )?(place|space)) (anymore|any more|now)\b|"
                       r"\bno (thoughts|urges) (like that |of that )?(now|since)\b|"
                       r"\b(been in|in|doing|finished|completed) (therapy|anger management|treatment|rehab)\b|"
                       r"\bdid my time\b|\b(way|much|so much|a lot) better now\b|"
                       r"\bdid \w+ (days|weeks) (inpatient|in the hospital|in rehab)\b")
# a show's scene, a song's lyrics: the crisis word names a part of the media ("how they showed the suicide scene")
_MEDIA_AFTER = re.compile(r"^\s*(scenes?|episodes?|storyline|plot|chapter|arc|documentary|movie|film|song|lyrics?|"
                          r"character|book|trigger warning|tw)\b")
# "have i thought about killing myself? no. ...": a question the writer answers no at once
_ANSWERED_NO = re.compile(r"^\s*(no|nope|nah|never|not really|hell no|no way|of course not|not at all)\b"
                          r"(?!\s+(one|body|matter|more|longer|idea|way out|point|reason)\b)")
# the question is for schoolwork: "... asking for my essay" (not "for real, not for a school thing")
_SCHOOLWORK = re.compile(r"(?<!not )\b(for|asking for) (my|a|an|our) (essay|paper|class|"
                         r"school project|project|research paper|assignment|homework|presentation|thesis|"
                         r"training|workshop|seminar)\b")
# someone else's warning about the writer, not the writer's intent: "my sister keeps saying i am going to ..."
_WARNED_ABOUT_ME = re.compile(r"(?<!\bi )\b(keeps? saying|kept saying|always says?|says?|said|thinks?|tells? me|"
                              r"told me|warned me|warns me)( that)? i am (going to|gon) ?\s*$")
# a small thing as the condition of a threat: "im gonna strangle my brother if he eats my leftovers again"
_PETTY_CONDITION = re.compile(r"\bif (he|she|they|you|my \w+) (eats?|ate|takes?|took|touch(es)?|uses?|steals?|"
                              r"borrows?|finish(es)?|drinks?) my (food|leftovers|fries|snacks?|lunch|charger|phone "
                              r"charger|clothes|hoodie|shampoo|coffee|yogurt|pizza|seat|parking spot)\b"
                              # a spoiler as the reason: "im gonna kill my sister she spoiled the finale"
                              r"|\bspoil(ed|s|t|ing)? (the|it|my|our) (\w+ )?(finale|ending|show|movie|episode|"
                              r"season|series|book|surprise)\b")
# a goodbye to a substance or a habit: "a goodbye letter to alcohol" (an exercise in recovery)
_HABIT_FAREWELL = re.compile(r"^\s*(to|for) (my |the |all |old )?(alcohol|drinking|booze|liquor|beer|wine|vodka|"
                             r"weed|pot|smoking|cigarettes|vaping|drugs|using|pills|addiction|bottle|meth|coke|cocaine|heroin|"
                             r"dope|fent|fentanyl|xanax|bars|benzos|opioids|opiates|gambling|dealer|habit)\b")
# clean or sober time: an overdose the message tells of is over ("od'd twice but he has been clean 3 yrs now")
_CLEAN_TIME = re.compile(r"\b(clean|sober)( for)? (\d+|a|one|two|three|four|five|six|a few|a couple of|several|many) "
                         r"(years?|yrs?|months?|mos)( now)?\b|\b(\d+|one|two|three|four|five|six|several|many) "
                         r"(years?|yrs?|months?) (clean|sober)( now)?\b")
# a question someone asked the writer, answered yes: "the nurse asked me if i wanted to kill myself and i said yes"
_ASKED_ME = re.compile(r"\bask(ed|s|ing)?( me)?( [\w']+){0,4} (if|whether)\b")
_SAID_YES = re.compile(r"\b(said|say|told (them|her|him|the \w+)|answered|admitted)( that)? "
                       r"(yes|yeah|yep|ya|i (do|did|have|am|was|still))\b(?! not\b)"
                       r"|(^|[.!?]\s*)(honestly |tbh |and |but )?(yes|yeah|yep|i do|i did|i have|i still do)\b"
                       r"(?! not\b)")  # "i do not" (the crisis form of "i dont") is a no
_HAPPENING_NOW = re.compile(r"\b(now|right now|tonight|today|just|again|relapsed|currently|still)\b")
# ... but not when the sentence of the match says it is back: "i was suicidal in 2019 and tonight again"
_BACK_AGAIN = re.compile(r"\b(again|tonight|right now|today|still|anymore|coming back|came back)\b")


def _framed(rule: Rule, sentence: str, before: str, after: str, text: str, *,  # noqa: PLR0913
            match: tuple[int, int, str, int]) -> bool:
    """True when the match is the topic of media, an event, a question about help, a joke, a quote, a denial
    or a past that the message says is over. ``match``: its start and end in ``sentence`` and its clause; an
    event phrase must then hold the match ("the suicide hotline", not "i want to kill myself, what is the
    suicide hotline"), and so must a help question when the writer speaks of themselves (``_help_question``)."""
    start, end, clause, in_clause = match
    if _ABOUT_MEDIA.search(before) or _MEDIA_AFTER.search(after) \
            or any(m.start() < end and m.end() > start for m in _EVENT.finditer(sentence)):
        return True
    if rule.category == "suicide" and (_WARNED_ABOUT_ME.search(before) or _HABIT_FAREWELL.search(after)
                                       or _SCHOOLWORK.search(text)):
        return True
    if rule.category in ("harm_others", "weapon") and (GAMING.search(text) or _PETTY_CONDITION.search(text)):
        return True
    if rule.category == "overdose" and rule.past == "recent" and _CLEAN_TIME.search(text) \
            and not _HAPPENING_NOW.search(_CLEAN_TIME.sub(" ", sentence)):
        return True
    if not rule.quoted and len(_QUOTE_OPEN.findall(before)) > len(_QUOTE_CLOSE.findall(before)):
        return True  # inside quotes: reported words, a title, a lyric
    if rule.category in ("suicide", "harm_others", "weapon") and _PAST_AND_OVER.search(text) \
            and _OVER_NOW.search(text) and not _BACK_AGAIN.search(sentence):
        return True
    if rule.category in ("suicide", "harm_others", "weapon") and not rule.asked_counts \
            and _help_question(sentence, clause, in_clause):
        return True
    return bool(_JOKING.search(after) or (not before.strip() and _NEGATED_AFTER.search(after)))


def _help_question(sentence: str, clause: str, in_clause: int) -> bool:
    """A question about help frames the match: anywhere in the sentence ("if my son says he wants to die, who do
    i call?"); but when the match's clause is the writer speaking of themselves, only a question that begins
    in that clause before the match ("who do i call if i want to kill myself", not "i want to kill myself
    what is the hotline")."""
    if not _FIRST_PERSON.search(clause):
        return bool(_HELP_QUESTION.search(sentence))
    found = _HELP_QUESTION.search(clause)
    return found is not None and found.start() < in_clause


class _Engine:
    def __init__(self) -> None:
        import spacy
        from spacy.matcher import Matcher

        from bot.nlu.pipeline import substance_names

        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        self.nlp.initialize()
        table = self.nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        # the lookup table's misses: "putting" is "putt" (a golf word) there
        for word, lemma in {"dying": "die", "dyin": "die", "od'd": "overdose", "putting": "put"}.items():
            table[word] = lemma
        self.matcher = Matcher(self.nlp.vocab, validate=True)
        self.rules: dict[str, Rule] = {}
        for rule in RULES:
            self.rules[rule.name] = rule
            self.matcher.add(rule.name, [_compile(p) for p in rule.patterns])
        names = sorted((re.escape(n) for n in substance_names() if len(n) > 2), key=len, reverse=True)
        self.drug_context = re.compile(r"\b(" + "|".join(names) + "|" + _DRUG_EXTRA + r")\b")

    def signals(self, text: str) -> tuple[list[CrisisSignal], list[CrisisSignal]]:
        """(signals that count, matches their context cancelled), each most serious first."""
        normalised = crisis_form(text)
        if not normalised:
            return [], []
        sentences = [s for s in _SENTENCE_SPLIT.split(normalised) if s and s.strip()]
        found: list[tuple[int, int, CrisisSignal]] = []
        cancelled: list[tuple[int, int, CrisisSignal]] = []
        for index, doc in enumerate(self.nlp.pipe(sentences)):
            answered_no = doc.text.rstrip().endswith("?") and index + 1 < len(sentences) \
                and bool(_ANSWERED_NO.match(sentences[index + 1]))
            for match_id, start, end in self.matcher(doc):
                rule = self.rules[self.nlp.vocab.strings[match_id]]
                if rule.requires and not re.search(rule.requires, normalised):
                    continue  # not this rule's subject at all: neither a signal nor a cancelled one
                category = self._category(rule, normalised)
                signal = CrisisSignal(category, doc[start:end].text, rule.name)
                counts = not answered_no and self._counts(rule, doc, start, end, normalised)
                if not counts and _ASKED_ME.search(doc[:start].text):
                    counts = bool(_SAID_YES.search(" ".join([doc[end:].text.strip(), *sentences[index + 1:index + 2]])))
                (found if counts else cancelled).append((PRIORITY[category], index * 10_000 + start, signal))
        return _ordered(found), _ordered(cancelled)

    # ---- context checks ----------------------------------------------------------------------------
    def _counts(self, rule: Rule, doc, start: int, end: int, text: str) -> bool:
        clause_start, clause_end = _clause_bounds(doc, start, end)
        clause = doc[clause_start:clause_end].text
        clause_before = doc[clause_start:start].text
        sentence_before = doc[:start].text
        after = doc[end:].text
        if rule.negatable and _negated(doc, clause_start, start):
            return False
        if rule.requires_before and not re.search(rule.requires_before, sentence_before):
            return False
        if rule.not_before and re.search(rule.not_before, clause_before):
            return False
        if rule.not_after and re.search(rule.not_after, after):
            return False
        if rule.not_in_clause and re.search(rule.not_in_clause, clause):
            return False
        if rule.past == "distant" and (_DISTANT_PAST.search(clause) or (
                _DATED.search(doc.text) and not _PRESENT.search(doc.text))):
            return False
        if rule.past == "recent" and not _PRESENT.search(clause):
            sentence = _STARTED_STOPPING.sub(" ", doc.text)
            if _DISTANT_PAST.search(sentence) or _RECENT_PAST.search(sentence):
                return False
        if rule.situational:
            if _FEAR_OR_HYPOTHETICAL.search(clause_before) or _REPORTING.search(sentence_before):
                return False
            if _HABITUAL_AFTER.search(doc[end:clause_end].text + " "):
                return False
            if _RESOLVED.search(doc.text):
                return False
        first, last = doc[start], doc[end - 1]
        span = (first.idx, last.idx + len(last.text), clause, first.idx - doc[clause_start].idx)
        return not _framed(rule, doc.text, sentence_before, after, text, match=span)

    def _category(self, rule: Rule, text: str) -> str:
        if rule.category == "weapon":
            if _OTHER_PERSON.search(text) and not _SELF_DIRECTED.search(text):
                return "harm_others"
            return "suicide"
        if rule.category == "by_context_w" and _WITHDRAWAL_CONTEXT.search(text):
            return "dangerous_withdrawal"
        if rule.category in ("by_context", "by_context_w"):
            return "overdose" if self.drug_context.search(text) else "medical_emergency"
        return rule.category


def _clause_bounds(doc, start: int, end: int) -> tuple[int, int]:
    left = start
    while left > 0 and doc[left - 1].lower_ not in _CLAUSE_BREAKS:
        left -= 1
    right = end
    while right < len(doc) and doc[right].lower_ not in _CLAUSE_BREAKS:
        right += 1
    return left, right


def _negated(doc, clause_start: int, start: int) -> bool:
    """A negation cue between the clause start and the match, not reset by a new subject."""
    negated = False
    for i in range(clause_start, start):
        word = doc[i].lower_
        if word in _NEGATION_CUES:
            following = doc[i + 1].lower_ if i + 1 < len(doc) else ""
            negated = following not in _PSEUDO_NEGATION_NEXT
        elif word in _SUBJECTS:
            negated = False
    return negated


def _compile(pattern: str) -> list[dict]:
    """Turn the notation described in ``rules.py`` into a spaCy Matcher pattern."""
    tokens = []
    for written in pattern.split():
        spec, op = written, None
        if len(spec) > 1 and spec[-1] in "?*+":
            spec, op = spec[:-1], spec[-1]
        if spec == "_":
            token: dict = {}
        elif spec == "#":
            token = {"LIKE_NUM": True}
        elif spec == "#big":
            token = {"TEXT": {"REGEX": r"^([5-9]|[1-9]\d+)$"}}
        else:
            alternatives = spec.split("|")
            if any(a.startswith("=") for a in alternatives):  # one "=" makes the whole token a lemma test
                token = {"LEMMA": {"IN": [a.removeprefix("=") for a in alternatives]}}
            else:
                words: list[str] = []
                for alt in alternatives:
                    if alt.startswith("@"):
                        words.extend(WORD_CLASSES[alt[1:]])
                    else:
                        words.append(alt.lstrip("="))
                token = {"LOWER": {"IN": words}}
        if op:
            token["OP"] = op
        tokens.append(token)
    return tokens


_engine: _Engine | None = None
_lock = threading.Lock()


def _get_engine() -> _Engine:
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                _engine = _Engine()
    return _engine


def _ordered(found: list[tuple[int, int, CrisisSignal]]) -> list[CrisisSignal]:
    return [signal for _, _, signal in sorted(found, key=lambda item: (item[0], item[1]))]


def detect_details(text: str) -> tuple[list[CrisisSignal], list[CrisisSignal]]:
    """(crisis signals in ``text``, rule matches whose context cancelled them: negation, past, idiom ...)."""
    return _get_engine().signals(text)


def detect_all(text: str) -> list[CrisisSignal]:
    """Every crisis signal in ``text``, most serious first (for diagnostics and the evaluation script)."""
    return _get_engine().signals(text)[0]


def detect_crisis(text: str) -> CrisisSignal | None:
    """The most serious crisis signal in ``text``, or None. Safe on any input (empty, huge, non-text)."""
    if not isinstance(text, str):
        return None
    signals = detect_all(text)
    return signals[0] if signals else None
