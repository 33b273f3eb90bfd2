"""Crisis rules: spaCy Matcher patterns written in a small notation, plus per-rule context conditions.

Pattern notation (one string = one Matcher pattern, tokens separated by spaces; text is normalised first,
see ``bot.text.normalise.crisis_form``, so "im gonna kms" arrives as "i am going to kill myself"):

* ``word`` or ``a|b|c``     lower-case text is one of these
* ``=lemma`` / ``=a|b``     lemma is one of these ("=die" matches die, died, dying; "=be" am/is/was …)
* ``@class``                a word class from ``WORD_CLASSES`` (``@person`` him/her/someone …)
* ``_``                     any token;  ``#`` a number;  ``#big`` a number >= 5
* suffix ``?`` ``*`` ``+``  optional / any number / one or more

Each ``Rule`` says what its matches mean and when they do not count:

* ``negatable``  a negation cue earlier in the same clause cancels it ("i'm not suicidal"); rules whose
  pattern carries its own negation ("don't want to live") set this False;
* ``past``       "distant" – cancelled by a distant-past marker in the clause ("when i was 16",
  "years ago", "in 2019", "used to"); "recent" – also by "last week/month", checked over the sentence
  (an overdose last month is not an emergency now; a suicide attempt last week still is);
* ``situational`` cancelled by fear/hypothetical wording before it ("scared of having a seizure",
  "what should i do if"), by habitual wording after it ("... when i'm dopesick"), and by reporting
  ("the news said", "i've seen people in dts"). Never used for suicide or harm to others;
* ``asked_counts`` a question about it is still a crisis, not a question about help: asking about doses or
  heights is preparatory ("what happens if i take 30 ambien with vodka");
* ``requires`` / ``requires_before`` / ``not_before`` / ``not_after`` / ``not_in_clause`` regular
  expressions over the whole text / the sentence before the match / right after the match / the clause;
* ``category`` one of the five categories, or "by_context" (withdrawal wording -> dangerous_withdrawal,
  drug wording -> overdose, else medical_emergency) or "weapon" (someone else named -> harm_others,
  else suicide).
"""

from __future__ import annotations

from dataclasses import dataclass

CATEGORIES = ("suicide", "harm_others", "overdose", "dangerous_withdrawal", "medical_emergency")
# when several rules fire, the first category in this order is reported
PRIORITY = {category: rank for rank, category in enumerate(CATEGORIES)}

WORD_CLASSES: dict[str, tuple[str, ...]] = {
    "person": ("him", "her", "them", "em", "someone", "somebody", "anyone", "anybody", "everyone",
               "everybody", "people", "person", "children", "kids"),
    "det": ("my", "the", "that", "this", "those", "these", "his", "her", "our", "their", "all", "other",
            "some", "a", "stupid", "own"),
    "kin": ("husband", "wife", "kid", "kids", "son", "daughter", "baby", "babies", "mom", "mother", "dad",
            "father", "stepdad", "stepmom", "stepfather", "stepmother", "brother", "sister", "roommate",
            "boss",
            "neighbor", "neighbour", "neighbors", "ex", "landlord", "dealer", "boyfriend", "girlfriend",
            "children", "child", "family", "coworker", "coworkers", "partner", "grandma", "grandpa", "uncle",
            "aunt", "cousin", "friend", "friends", "teacher", "guy", "man", "woman", "bitch", "dude",
            "people",
            "person", "wifey", "fiance", "fiancee", "manager", "supervisor", "parents", "cops", "baby's",
            "stepson", "stepdaughter", "stepkid", "stepkids", "nephew", "niece", "grandson", "granddaughter",
            "grandkids", "toddler", "infant", "newborn"),
    "third": ("he", "she", "they", "friend", "brother", "sister", "son", "daughter", "husband", "wife",
              "boyfriend", "girlfriend", "roommate", "mom", "dad", "mother", "father", "cousin", "partner",
              "kid", "child", "baby", "grandma", "grandpa", "uncle", "aunt", "someone", "somebody", "guy"),
    "weapon": ("gun", "guns", "knife", "knives", "rifle", "pistol", "shotgun", "razor", "blade", "noose",
               "rope", "glock", "piece"),
    "pills": ("pills", "pill", "meds", "medication", "medications", "medicine", "tablets", "bars", "xans",
              "xanax", "percs", "percocets", "oxys", "oxy", "roxys", "klonopin", "valium", "ativan", "benzos",
              "tylenol", "ibuprofen", "advil", "methadone", "suboxone", "subs", "fent", "fentanyl", "opiates",
              "painkillers", "norcos", "vicodin", "sleeping", "lithium", "seroquel", "antidepressants",
              "gabapentin", "adderall", "molly", "edibles", "dope", "heroin", "tramadol", "morphine",
              "dilaudid", "blues", "m30s", "capsules", "caps", "bottle", "bottles", "ambien", "benadryl",
              "trazodone", "zolpidem", "clonazepam", "alprazolam", "ativans", "klonopins", "valiums"),
    "aggressor": ("he", "she", "they", "someone", "somebody", "husband", "wife", "boyfriend", "girlfriend",
                  "partner", "ex", "dad", "father", "mom", "mother", "stepdad", "stepfather", "stepmom",
                  "stepmother", "brother", "sister", "roommate", "guy", "man", "dealer", "uncle", "cousin",
                  "landlord", "neighbor", "neighbour", "fiance", "fiancee", "son", "daughter", "stranger"),
    "horizon": ("night", "tonight", "tomorrow", "morning", "weekend", "monday", "tuesday", "wednesday",
                "thursday", "friday", "saturday", "sunday"),
    "place": ("school", "office", "work", "place", "party", "church", "store", "mall", "building", "club",
              "bar", "restaurant", "job", "meeting", "house", "clinic"),
}

SELF_HARM_VERBS = "=kill|=hurt|=harm|=cut|=burn|=shoot|=hang|=stab|=poison|=drown|=starve|=suffocate"
HARM_VERBS = "=kill|=murder|=stab|=shoot|=strangle|=poison|=hurt|=harm|=hit|=beat|=choke|=punch|=attack|=slap"
DESIRE = "=want|=wish|=need|=deserve|=ready|=pray|=hope|=plan|=desire"


@dataclass(frozen=True)
class Rule:
    name: str
    category: str
    patterns: tuple[str, ...]
    negatable: bool = True
    past: str = "distant"  # "distant" | "recent" | "none"
    situational: bool = False
    asked_counts: bool = False
    requires: str | None = None
    requires_before: str | None = None
    not_before: str | None = None
    not_after: str | None = None
    not_in_clause: str | None = None
    quoted: bool = False  # counts inside quotes too (a goodbye text someone received is quoted by design)


def _r(name: str, category: str, *patterns: str, **options) -> Rule:
    return Rule(name=name, category=category, patterns=tuple(patterns), **options)


# words of the pill class that also name other things ("saving bottles up", "caps"): not a pill context alone
_NOT_ONLY_PILLS = frozenset({"bottle", "bottles", "sleeping", "caps", "blues"})
_NOT_IDIOM_DIE = (r"^\s*(of (embarrassment|boredom|cringe|shame|laughter|laughing)|laughing|inside|trying|"
                  r"to (me|him|her|them|you|my|everyone|the world)|(my|her|his|their) hair)\b")
# a question about the question: "why are you asking about suicide", "why all the questions about suicide"
_ABOUT_THE_QUESTION = (r"\bwhy (are|do|did|does|would|is|were) (you|this|it|they|the \w+) (even )?"
                       r"(ask|bring|mention|talk|put)\w*( me)?( up)?( (all )?(these|those|the|this|that|a) "
                       r"questions?)?( (about|on|regarding|if|whether))?( i am)?\s*$"
                       r"|\bwhy (all )?(the|these|those) questions? (about|on)\s*$")
# "... jump" counts only at the end of the sentence or with a means/time after it, not "jump in the shower"
_JUMP_TAIL_NOT_CRISIS = (r"^\s*(?!$|[,.!?;:]|(tonight|now|right now|today|soon|lol|for real|i swear|and|"
                         r"off (a |the |this |that |my )?(\w+ )?(bridge|roof|building|ledge|cliff|overpass|"
                         r"balcony|garage)|out (of )?(the |a |my )?window|in front of|into (the )?(river|lake|"
                         r"water|traffic|ocean|sea))\b)")
# "this is goodbye", "giving my stuff away", "this is my last message": a crisis only at the end of the
# sentence or with a time / "forever" / "to everyone" after it ("... to goodwill", "... before i head to work")
_FAREWELL_TAIL_NOT_CRISIS = (r"^\s*(?!$|[,.!?;:]|[^\w\s'\"]|(forever|for good|for the last time|for real|now|right now|"
                             r"tonight|today|lately|recently|already|everyone|everybody|sorry|i love you|"
                             r"i am sorry|(to )?(you all|all of you|everyone|everybody|the world|anyone|anybody|"
                             r"ever))\b)"
                             r"|\b(ttyl|for now|see (you|ya)|talk (to you )?(later|soon|tomorrow)|until|till|"
                             r"next (week|time)|last day|moving|move|gtg|at (work|school|the office|my job)|"
                             r"head(ing|ed)? (to|out|home|off|back))\b")
# "i don't want to wake up ..." / "... until i don't wake up": not "... early", "... for work", "... with a hangover"
_WAKE_TAIL_NOT_CRISIS = (r"^\s*(?!$|[,.!?;:]|(tomorrow|again|ever|anymore|today|tonight|in the morning|"
                         r"this (morning|time)|for real|lol|and)\b)"
                         r"|\b(early|alarm|for (work|school|class|my shift))\b")
# "i'm not safe", "i'm in danger": at the end of the sentence or with now / here / at home after it
# (not "... to drive", "... of failing math")
_UNSAFE_TAIL_NOT_CRISIS = (r"^\s*(?!$|[,.!?;:]|(right now|now|tonight|today|here|at home|anymore|at all|alone|"
                           r"please|help|in (my|this) (house|home|apartment)|with myself)\b)")
_SUICIDE_CONTEXT = (r"\b(kill(ing|ed)? myself|suicid\w*|end(ing)? (my life|it)|overdos\w*|on purpose|"
                    r"hang(ing)? myself|attempt\w*|cut(ting)? myself|want to die)\b")

SUICIDE_RULES = [
    _r("wish_to_die", "suicide",
       f"{DESIRE} to _? _? =die", "=hope|=pray|=wish i _? =die", "=feel like dying",
       "=want|=wish|=need to? _? =be dead|gone", "=wish i =be dead|gone", "part of me =want to =die",
       "desire to =die", "=think about|of death|dying", "thoughts|thought of|about =die|death|dying",
       "=die in my sleep", "=keep wondering if _? _? =be easier to _? =die", "easier to _? =die",
       "easier if i _? =be dead|gone",
       "death|dying would|will|seems|sounds _? _? _? relief|better|easier|nice",
       "only way out", "ready to =die",
       "should _? _? =die", "should =be dead", "as well =be dead|gone", "rather =be dead", "better off dead",
       "=be dead by",
       not_after=_NOT_IDIOM_DIE),
    _r("kill_self", "suicide",
       f"{SELF_HARM_VERBS} myself", "=kill|=end|=take my _? life", "=end it all", "=end it",
       "=end things", "=commit suicide", "suicide|suicidal", "self -? =harm|harming|harmed",
       "=slit|=cut my wrists|wrist", "about my wrists", "bullet in|through my head|brain",
       "=drink|=use myself to death", "=drink until|till i =die", "=want to =cut deep", "=want to =cut",
       "=be cutting again", "=be cutting right now",
       "=cut again", "=bleed out", "finish the job", "suicide note", "goodbye letters|letter|notes|note",
       "goodbye msg|msgs|message|messages|text|texts|video|voicemail",
       "letters|letter|notes|note to say goodbye",
       "=do something|anything to myself", "=put an end to it|everything|myself",
       "=put an end to all of? this|it", "=end everything",
       "tonight =be the night", "noose", "rope =be ready", "=plan my death|suicide", "=plan how to do it",
       "=have a plan to do it", "=want out for good|forever|permanently",
       not_after=r"^\s*(with (my|her|him|them|the)\b|back|down|off|out|ties|questions?|screening|"
                 r"(has|have) (got )?(anything |something |nothing )?to do with)\b",
       # "i wrote a goodbye letter... to alcohol": a recovery exercise (the "..." ends the sentence there)
       requires=r"^(?!.*\bgoodbye (letter|note)s?\W*to (alcohol|drinking|drugs|using|booze|the bottle|weed|meth|"
                r"coke|cocaine|heroin|fent\w*|dope|pills|my addiction|addiction|my (drug|drinking|using) "
                r"(self|days|life))\b)",
       not_before=r"\b(slowly|ask(ed|s|ing)?( me)? (if|whether)|ask(ed|s|ing)? me( [\w']+){1,4} (if|whether))\b[^,]*$|"
                  + _ABOUT_THE_QUESTION,
       # "i could shoot myself for leaving my pills at home": annoyance at a slip (not "for being such a failure")
       not_in_clause=r"\bslowly\b|\bkilling myself with\b|\bcould (?:just )?(?:kill|shoot|strangle|slap|kick|smack) "
                     r"myself for (?!being\b|real\b|good\b)(?:\w+ing|not|that|this|what)\b"),
    _r("no_will_to_live", "suicide",
       "not =want to =live|=exist", "not =want to =be alive|here|around",
       "not =want to =be on|in this|the earth|world|planet", "=want to =leave this|the earth|world|planet",
       "not sure|know if|whether? i =want to =live",
       "not sure|know if|whether? i =want to =be alive|here", "=want to not =exist", "=want to not =wake up",
       "=want to not =be here",
       "=stop =exist", "=stop =live", "point in|of being alive", "life _? =be not worth it",
       "=check out for good|forever|permanently", "no point in|of =live", "point of =live",
       "point of going on",
       "no reason _? _? to =live",
       "not worth living", "not =care if i =live|=die", "can not go on", "can not keep living",
       "tired of living", "tired of being alive",
       "=hate being alive", "done with life|living", "=want it|everything|everyone _? to =end|=stop",
       "=want it|everything|everyone _? to =be over",
       "=want the pain|suffering to =end|=stop _? permanently|forever", "=end my suffering|pain for good",
       "disappear _* forever|permanently", "disappear _* for good", "better off without me",
       "better _? without me",
       "better _? _? if i _? =be dead|gone", "better off if i _? =be not here",
       "nobody would|will _? miss|care|notice",
       "no one would|will _? miss|care|notice",
       "=be not going to be alive", "=be around much longer", "not =be here tomorrow",
       "will not =be here|around _? _? tomorrow|longer|anymore", "will be gone", "not =trust myself",
       "sleep forever", "go to sleep forever", "way out except|but _? =die|=death",
       negatable=False,
       not_after=r"^\s*(like this|like that|for (the|a|an|my|work|school|the weekend)|on (the|my)|"
                 r"to (work|the)|"
                 r"until|till|from (work|school|home)|at)\b",
       requires_before=None),
    # "wont be a problem for anybody much longer" said of oneself (not "that wont be a problem for us ...")
    _r("not_a_problem_longer", "suicide", "not going to be a|an problem|burden|bother|issue for|to _ _? much? longer",
       "will not =be a|an problem|burden|bother|issue for|to _ _? much? longer",
       negatable=False,
       requires_before=r"^((yes|yeah|yep|no|nope|nah|\d{1,2}|every day|daily)\W*\s*)?$|\bi( am)?\s*$|[.!?,;]\s*$"),
    _r("not_wake_desire", "suicide", "never =wake up", "not =wake up", "never woke up", negatable=False,
       requires_before=r"\b(want|wish|hope|hoping|pray|rather|easier|enough|sleep|asleep|pills|purpose|ready)\w*\b",
       not_after=_WAKE_TAIL_NOT_CRISIS),
    _r("no_waking", "suicide", "not =want to =wake up", "until|till|sure|certain i do? not|never =wake up",
       negatable=False, not_after=_WAKE_TAIL_NOT_CRISIS),
    # "whats the tallest bridge near downtown. nvm found it. im here now"
    _r("highest_place_found", "suicide", "tallest|highest bridge|building|overpass|garage|cliff|roof",
       asked_counts=True, requires=r"\b(i am (here|there|on it|at it|up here) now|found it|i am here|on my way)\b"),
    # "just wanted to tell someone before i go"; "i want my family to see i at least tried"
    _r("before_i_go", "suicide", "=tell someone|somebody|anyone|you before i go|leave",
       "=talk to someone|somebody|anyone|you before i go|leave",
       "=want|=need my family|kids|mom|dad|wife|husband to _? _? _? =know|=see i _? _? tried",
       negatable=False, not_after=r"^\s*(to|home|out|back|in|on|for|now|there|shopping|into|away|somewhere)\b"),
    # saving pills up: "stopped taking my meds so i could save them up" (not "saving them up for christmas")
    _r("saving_pills", "suicide",
       "=save|=hoard|=stash up my|the|his|her|all|those|these _? @pills", "=save|=hoard|=stash my|the|all _? @pills up",
       "=save|=hoard|=stash them|em up",
       requires=r"\b(" + "|".join(w for w in WORD_CLASSES["pills"] if w not in _NOT_ONLY_PILLS) + r")\b",
       not_after=r"^\s*for (christmas|a trip|vacation|rent|(my|the|a) \w+ (trip|fund|account))\b"),
    # goodbyes and putting affairs in order
    _r("farewell", "suicide",
       "=give away all? my _? stuff|things|belongings|possessions", "=give away everything",
       "=give everything away",
       "=give all? my _? stuff|things|belongings|possessions|everything away",
       "this|it =be goodbye", "this =be my goodbye|goodbyes", "=say my goodbyes", "i am saying goodbye",
       "=want|=come|=time to =say goodbye", "goodbye forever", "goodbye cruel world",
       "bye|goodbye everyone|everybody|world|all", "bye|goodbye you all",
       "=be nice|good|great knowing you|everyone|everybody|ya|all", "=be nice|good|great knowing you all",
       "this|it|these will? =be my last message|text|words|post|goodbye", "last message|text|words from me",
       not_after=_FAREWELL_TAIL_NOT_CRISIS),
    # thanks for trying, with a last message: "this is the last time im texting here. thanks for trying"
    _r("thanks_last_message", "suicide", "thank you for trying|everything", "thanks|thx|ty for trying|everything",
       requires=r"^(?!.*\b(detox|rehab|treatment|program|inpatient|residential|hospital|clinic|new (phone|number)|"
                r"this number|changing (my )?(phone|number)|moving|switching)\b)"
                r".*\b(this is (the|my) last (time i am|time i|message|text)|last time (i am )?(texting|writing)|"
                r"my last (message|text))\b", negatable=False, past="none"),
    # a note to be read after: "by the time u read this ill be gone" (not "... i'll be at work")
    _r("read_after_gone", "suicide", "by the time you|u|anyone|someone|they =read|=see|=get|=find this",
       requires=r"\b(gone|dead|over|too late|not (be )?(here|around|alive)|goodbye|bye)\b",
       negatable=False),
    # a goodbye text from someone who then cannot be reached: "he texted me 'sorry for everything mom i love u'
    # and now his phone goes straight to voicemail"
    _r("goodbye_text_unreachable", "suicide", "sorry for everything",
       requires=r"\b(voicemail|not (answering|picking up|responding)|(can not|cannot|could not) (reach|find|get "
                r"(a hold of|ahold of|through to))|do not know where|phone (is )?(off|dead|died)|turned (his|her|"
                r"their) phone off|no answer)\b",
       negatable=False, quoted=True),
    # "i don't think i'll make it through the night / to monday"
    _r("not_surviving", "suicide",
       "=make it through|to|till|until|past the? @horizon", "=last|=survive through|till|until|past the? @horizon",
       negatable=False, requires_before=r"\b(not|never|doubt|no way)\b(\s+\w+){0,5}\s*$",
       not_after=r"^\s*('s|s\b|(group|session|appointment|meeting|class|work|shift|intake|orientation)\b)"
                 r"|\b(without|sober|clean|if|unless|reschedul\w*|appointment|session|intake|group|class|meeting|"
                 r"cancel\w*|work|shift|came up|busy|traffic|late)\b"),
    # "nobody needs to worry about me after tonight" (not "... after tonight, i'll be in detox")
    _r("gone_after", "suicide",
       "=worry|=deal about|with me after tonight|today", "=worry|=deal about|with me for? much longer",
       negatable=False,
       not_after=r"^\s*'s|\b(rehab|detox|treatment|program|hospital|clinic|sober|safe|fine|ok|okay|"
                 r"i will be (at|in|with)|i am (going|checking|moving|staying))\b"),
    # "i'm a burden to everyone and tonight i'm fixing that"
    _r("burden_resolved", "suicide",
       "=fix|=solve|=end|=handle that|this|it tonight|today|now|permanently",
       "=fix|=solve|=end|=handle that|this|it for good",
       "tonight|today _? _? =fix|=solve|=end|=handle that|this|it", "=take care of that|this|it tonight|today",
       requires=r"\bburden", not_after=r"^\s*(by|with|through|for (the|my))\b"),
    # "i'm gonna do it tonight, i already decided"
    _r("resolved_to_do_it", "suicide", "=do it tonight|today|now", "=do it right now", "=go to do it",
       "do not call anyone|anybody|911", "do not call the|an cops|police|ambulance",
       requires=r"\b(already decided|(have|had|i) decided|made up my mind|mind is made up|no turning back|"
                r"(nobody|no one) can stop me|for real this time)\b(?! to\b)"),
    _r("attempt_or_means", "suicide",
       "=attempt suicide|last|yesterday|tonight|again|today", "my attempt did not work",
       "=try to =end it", "=try to =kill|=hang myself", "=try to =overdose", "=overdose on purpose",
       "=want|=go|=plan to =overdose", "=hope i =overdose", "=crash|=drive _* on purpose",
       "into oncoming traffic", "in front of a|the? train|truck|bus|car",
       "=jump off|from a|the? _? bridge|roof",
       "=jump off|from a|the? _? _? garage|building|cliff|balcony|overpass|roof",
       "=be on the bridge|ledge|roof", "take|taking|swallow|swallowing all|every _? _? @pills",
       "take|taking|swallow|swallowing all of them",
       "take|taking|swallow|swallowing them all", "take|taking|swallow|swallowing a|the whole bottle",
       "=take enough to", "=take|=swallow|=mix _? #big @pills _? with|and alcohol|vodka|liquor|tequila|wine|beer|booze",
       "@pills _? saved|stockpiled|ready", "=stockpile",
       "next hit|shot|dose|one _? =kill me",
       "how much|many _? _? _? would|will|to =kill me", "it =take to =die",
       "=take|enough to just|simply? not|never =wake up",
       "how much|many _* =take to =kill me|myself",
       "ways|way to =die",
       "ways|way to =kill yourself|myself",
       "plan =be to =overdose|=die|=end|=kill", "=drive|=jump off a|the? _? cliff|bridge",
       "hoping|hope it =kill me", "going to take all",
       "garage with the|my? _? car|engine|motor running|on",
       "car|engine|motor =be? running|on in the|my? closed? garage", "hose|tube from|to|in|on the|my? exhaust|tailpipe",
       asked_counts=True, not_after=r"^\s*(to (work|school|the store))\b"),
    # "i have a plan and a date and its this friday" (not a plan and a date for intake, court, a move ...)
    _r("plan_and_date", "suicide", "=have a plan and a date", "=have the|a date picked|set", "=pick|=set the date",
       requires=r"^(?!.*\b(intake|appointment|rehab|detox|treatment|court|wedding|move|moving|quit\w*|sober|"
                r"clean|surgery|party|trip|vacation|test|exam|interview|start|program)\b)"),
    _r("height_question", "suicide",
       "how high|tall does|do|would|should a|the? _? bridge|building|roof|overpass|garage|fall have|need to be",
       "how many floors|stories _* to =die|=kill|=survive", "how high _* to =die|=kill|not =survive",
       "how many floors|stories =do it =take", asked_counts=True),
    _r("engine_running", "suicide",
       "in the|my garage with it|the|my? engine|motor|car running|on",
       "=sit|=be in the|my car in the|my garage _? with it running"),
    # "sitting in the car, garage door shut, engines running": the garage anywhere in the message
    _r("engine_in_garage", "suicide", "engine|engines|motor|car =be? running|idling", requires=r"\bgarage\b",
       not_after=r"^\s*(rough|fine|good|great|well|ok|okay|smooth\w*|hot|weird|funny|loud|low|out of)\b"),
    # "i have the pills counted out in front of me"
    _r("pills_laid_out", "suicide", "@pills =be? counted|lined|laid out|up",
       "=count|=line|=lay out|up all? my|the|all _? @pills",
       requires=r"\b(" + "|".join(w for w in WORD_CLASSES["pills"] if w not in _NOT_ONLY_PILLS) + r")\b",
       not_after=r"^\s*(for (the|this|next) (week|month|trip|days?)|in (my|the|a) (organi[sz]er|pill box|box)|"
                 r"by day)\b"),
    # "what happens to my cat if nobody finds me for a few days"
    _r("found_after", "suicide",
       "if|when|before|until|till nobody|noone|someone|somebody|they|anyone|whoever =find me",
       "who =be going to|gonna =find me", "whoever =find me", "=find my body", negatable=False,
       not_after=r"^\s*(a (job|place|sponsor|ride|bed|therapist)|work|help|at (work|home|school))\b"),
    _r("accident_on_purpose", "suicide", "=make it look like an accident", "=make it look accidental",
       "it would|will|could|might|=will look like an accident", "it =be =go to look like an accident",
       requires=r"\b(insurance|family|kids|myself|me|my life|if i|what i want|i want)\b"),
    # a search for how much of a medicine harms, said to be for the writer: "how much tylenol wrecks your
    # liver. asking for me"
    _r("dose_search", "suicide", "=look up|=google|=search|=research how much|many _? @pills",
       requires=r"\b(asking for (me|myself)|lethal|fatal|to die|to kill|kill (me|myself|you)|(would|will) kill)\b",
       asked_counts=True),
    _r("armed_and_gone", "suicide", "=say|=tell _? do not follow me", "=say|=tell _? do not =look for me",
       "=take|=grab _? _? _? @weapon _* alone", negatable=False,
       requires=r"\b(gun|guns|rifle|pistol|shotgun|pills|rope|knife|glock)\b"),
    _r("self_harm_now", "suicide",
       "=cut deeper", "=cut too deep", "=cut _? deep", "yellow stuff|fat under the skin",
       "cutting|carving her|his|their arm|arms|wrist|wrists|leg|legs|thigh|thighs",
       "=carve|=carving into my|his|her? arm|arms|leg|legs|thigh|thighs|wrist|wrists|skin|stomach",
       "=be|=keep cutting|carving|slicing|burning my arm|arms|leg|legs|thigh|thighs|wrist|wrists|skin",
       "=be|=keep cutting|carving|slicing into my|his|her"),
    _r("drive_off", "suicide",
       "=drive|=crash|=steer|=swerve _? _? _? off the road",
       "=drive|=crash|=steer|=swerve _? _? _? off a|an|the cliff|bridge|overpass|pier",
       "=drive|=crash|=steer|=swerve _? _? _? into a|the tree|wall|pole|semi|truck|river|lake|median|oncoming",
       requires_before=r"\b(going to|want|plan|about to|think(ing)? (about|of)|might|will|tempted|urge|decided)\b"),
    _r("means_laid_out", "suicide",
       "@pills =be? counted|lined|laid|set out|up", "=count|=line|=lay out all? my|the|her|his? _? @pills",
       not_after=r"^\s*(for|in|into|by|every|each)\b"),
    _r("again_after_attempt", "suicide",
       "=do it again", "=try again", "=think about _? it again", "=think about =try again",
       "=do it _? on purpose",
       requires=_SUICIDE_CONTEXT, past="none"),
    # "why are you asking if i'm suicidal, because i am": kill_self skips questions about the question
    _r("affirmed_after_question", "suicide", "suicidal|suicide ,? because|cause|since|and i am|do|feel|have"),
    _r("jump_now", "suicide",
       "=go|=want|=need|=about|=ready|=plan|=try|=decide to =jump", "=think about|of jumping",
       not_after=_JUMP_TAIL_NOT_CRISIS),
    _r("by_the_tracks", "suicide",
       "=sit|=stand|=wait|=lie|=lay|=stare by|on|at|near the|some train|railroad? tracks",
       "=wait for the _? _? train|freight",
       not_after=r"^\s*(to (work|school|go|get|come|take me)|home|with my|station|for my (ride|friend|mom|dad))\b"),
    _r("at_the_edge", "suicide",
       "=stand|=sit|=be on|at a|the|this|that? bridge|ledge|railing|overpass|rooftop",
       "=stand|=sit on|at a|the|this|that? roof",
       "=stand|=sit|=be on|at the|a edge of a|the|this|that|our|his|her|my|their? _? "
       "roof|bridge|building|cliff|overpass|balcony",
       "=stand|=sit|=be|=lean on|at|over the|a very? edge of the|a subway|train|metro platform",
       not_after=r"^\s*(club|game|table|card|of (my|his|her|the|your) nose|tournament)\b|"
                 r"^\s*(cleaning|fixing|repairing|working|shoveling|patching|painting|hanging|putting|installing|"
                 r"smoking|watching|with (my|the|a|our|some)|for (the )?(fireworks|view|sunset|sunrise|eclipse)|"
                 r"to (fix|clean|repair|watch|see|smoke|get the|look at))\b|^\s*\w* ?(gutters?|shingles|antenna)\b"),
    _r("cannot_keep_safe", "suicide",
       "not =feel safe with|around|from myself", "not =feel safe _? _? alone with myself",
       "not safe with|around|from myself", "=feel unsafe with|around myself", "unsafe with myself",
       "can|could not keep myself safe", "not sure|know if|whether? i can keep myself safe",
       "how long|much longer? i can keep myself safe|alive",
       "not =trust myself to =be|=stay|=keep _? safe", "=be a danger to myself",
       negatable=False,
       not_after=r"^\s*(from|around) (using|drinking|relapse|relapsing|drugs|alcohol|cravings|temptation|"
                 r"triggers|people|my dealer)\b"),
    _r("unsafe_now", "suicide", "i am not safe", "not =feel safe", negatable=False,
       not_after=_UNSAFE_TAIL_NOT_CRISIS),
    _r("weapon", "weapon",
       "=have|=hold|=get|=grab|=buy|=load a|my|the|his|her _? _? @weapon",
       "@weapon _? _? in my lap|hand|hands|mouth", "@weapon =be? loaded", "=have @weapon",
       not_after=r"^\s*(in the (house|closet|garage|safe)|at home(?! depot| goods)|locked)\b",
       not_in_clause=r"\b(climbing|jump|tow|clothes|skipping) rope\b|\bhobby\b"),
]

HARM_RULES = [
    _r("shaken_baby", "harm_others", "=shake|shook the|my|our|her|his baby|infant|newborn|toddler _? _? hard",
       "=shake|shook the|my|our|her|his baby|infant|newborn|toddler", past="none"),
    # a delusion that names a victim and a means: "god told me my roommate is a demon ... cleansed tonight"
    _r("commanded_harm", "harm_others", "=have to be cleansed|purified|burned|destroyed tonight|today|now",
       "=be a demon|devil", "the voices =tell|=say me to =kill|=hurt|=burn|=stab",
       requires=r"\b(god told|voices|demon|devil|lighter fluid|gasoline|cleansed)\b", negatable=False),
    _r("arson_threat", "harm_others", "=burn the|our|this|my|his|her house|place|apartment|trailer down",
       requires_before=r"\b(going to|gonna|will|threaten\w*|want\w*|wants to|about to|said|says|swear\w*)\b"),
    _r("harm_person", "harm_others",
       f"{HARM_VERBS} @person", f"{HARM_VERBS} @det* @kin", "=run him|her|them over", "=beat _? to death",
       "=put|throw|send him|her|them through the|a wall|window",
       "=bring|=take|=carry my|a|the|his|her @weapon to @place|work|school",
       "=burn his|her|their|my _? house|place|car", "=want @det* @kin _? dead", "=want him|her|them dead",
       "homicidal", "homicide", "=shoot up @det* @place", "killing him|her|them",
       not_after=r"^\s*(head|face|arm|leg|knee|back|hand|foot|chest|neck|own)\b"),
]

# signs of an emergency now; the category comes from context (see Rule docstring)
EMERGENCY_RULES = [
    _r("overdosing_now", "overdose",
       "overdosing", "=be having an? overdose", "overdose right now", "overdose now|help",
       "=think i overdose",
       "overdosed", "@third overdose", "=have alcohol poisoning", "=be laced", "laced with",
       "=need narcan", "narcan now", "narcan right now", "narcan =be not working", "anyone have narcan",
       "=give him|her|them _? narcan|narcans", "needle in his|her|their", "needle next to his|her|him|them",
       situational=True, past="recent",
       not_after=r"^\s*(on (?!(heroin|fent|fentanyl|pills|my|his|her|their|something|dope|meds|xanax|bars|"
                 r"percs|oxys?|coke|meth|benzos|alcohol|klonopin|methadone|it|them))\w+|"
                 r"and died|and passed)"),
    # naloxone wears off before the opioid: "we narcanned him and he came to but now hes nodding out again"
    _r("narcan_wearing_off", "overdose", "=nod|=pass|=go|=slip|=fade out again", "=stop breathing again",
       "=turn blue again", "=go under again", "=be not breathing again",
       requires=r"\b(narcan\w*|naloxone|came to|came back|woke up|came around)\b", situational=True, past="recent"),
    _r("took_too_much", "overdose",
       "took|taken|swallowed|downed|did|snorted|injected|smoked|shot|drank|ate|used|mixed|popped "
       "up? just? like? way? too many|much",
       "took|swallowed|downed|taken|popped|ate a|the|my|her|his|their whole|entire "
       "bottle|bottles|pack|box|prescription|script|supply|stash|strip",
       "took|swallowed|taken # whole|entire bottles|bottle", "downed a bottle",
       "=swallow the|a|my|his|her whole|entire baggie|baggy|bag|stash",
       "took|swallowed|taken|did|popped|ate|snorted a bunch|handful|lot of",
       "took|swallowed|taken|popped|did|ate just? like? #big @pills|of",
       "took|swallowed|taken|popped|did|ate just? like? #big _? @pills",
       "took all of? my|her|his _? _? @pills",
       "twice by mistake", "double my|his|her dose", "double dose", "accidentally took|swallowed",
       "kid|toddler|baby|son|daughter|child|dog took|swallowed|ate my|some|his|her|a _? _? @pills",
       "got into my|the|his|her _? @pills",
       "mixed _* @pills _* with|and _? alcohol|vodka|booze|liquor|beer|wine",
       "mixed _* alcohol|vodka|booze|liquor _* and|with _? @pills",
       "drank _* and took|popped _? _? @pills", "took|popped _? _? @pills _* and drank",
       situational=True, past="recent",
       not_after=r"^\s*(mg|mgs|milligrams|ml|milligram|time|money|coffee|caffeine|water|soda|food|sugar|candy|"
                 r"pizza|photos|pictures|at (dinner|lunch|breakfast|thanksgiving|christmas|the buffet))\b"
                 r"|^\s*(\w+ )?(to|back to) the (pharmacy|drugstore|doctor)\b"
                 r"|^\s*of (the |my |those |these )?(tissues|kleenex|cookies|cereal|chocolates?|donuts|doughnuts|"
                 r"candy|crackers|chips|pizza|popcorn|snacks|gum|mints|cigarettes|cigs|smokes|juice|soda|"
                 r"water|tea|coffee|ice cream|paper towels|napkins|tampons|band ?aids|crayons|tic tacs)\b"),
    _r("drank_bottle", "overdose", "drank a|the whole|entire? bottle|fifth|handle",
       situational=True, past="recent",
       requires=r"throw(ing)? up|vomit|puk|can not (stand|stay awake|breathe|wake)|pass(ing)? out|dizzy|"
                r"nodd?(ing|ed)? off|klonopin|xanax|valium|ativan|benzos?|bars|pills|oxy\w*|percs?|fent\w*"),
    _r("not_breathing", "by_context",
       "not|stopped|stop breathing|breathe", "=stop =breathe", "=can not =breathe|breath",
       "hardly|barely =breathe",
       "trouble|difficulty|problems =breathe", "=gasp for air|breath", "=can not catch my breath",
       "breathing =be? _? _? slow|shallow|weird|funny|strange", "lips =be blue|purple|gray|grey",
       "=turn blue|purple|gray|grey", "@third =be blue|purple", "gurgling", "snoring weird|funny|strange",
       "throat =be closing|swelling", "allergic reaction",
       situational=True, past="recent",
       not_after=r"^\s*(from|because of|after) (the |a |my |that )?(cold|slush\w*|popsicle|candy|lollipop|juice|"
                 r"freezing|swim\w*|pool|snow|ice)\b"),
    # "he's on the couch grey and cold" (not "it's grey and cold out")
    _r("gray_and_cold", "by_context", "=be|=look|=turn|=feel _? _? _? gray|grey|blue and cold",
       "cold and gray|grey|blue", situational=True, past="recent",
       not_before=r"\b(it|sky|weather|outside|day|morning|afternoon|evening|night|city|water)\b",
       not_after=r"^\s*(out|outside|today|this (morning|week)|all (day|week))\b"),
    _r("unresponsive", "by_context",
       "unresponsive", "unconscious", "not responsive", "not responding", "=will not respond",
       "=not =respond",
       "out cold", "=can not =wake him|her|them up?", "=can not =wake my|his|her @kin", "=can not =wake _? _? up",
       "=be not moving",
       "not moving", "collapsed", "@third _? passed out and",
       "can not stay awake", "can not keep my|his|her|their eyes open",
       "=throw|=vomit|=puke up? while|and passed out", "=throw|=vomit|=puke up? while|and unconscious|asleep",
       "passed out and =throw|=vomit|=puke|=choke", "can not feel my body|arms|legs|face",
       "=be going under",
       situational=True, past="recent",
       requires_before=None, not_before=r"\b(i am scared|i am afraid|i am worried|scared|afraid|worried)\b",
       not_after=r"^\s*(up )?(for (school|work|class|church|practice|breakfast|the bus|his|her|their)|in time|early|"
                 r"on time|in the mornings?)\b"),
    _r("other_not_waking", "by_context", "not waking up", "will not wake up", "does not wake up",
       situational=True, past="recent", not_before=r"(\b(scared|afraid|worried)\b|\bi\s*$)"),
    _r("dying_now", "by_context",
       "=think|like|sure|scared i am dying", "@third =be dying", "i am dying help", "i am dying right now",
       situational=True, past="recent",
       not_after=r"^\s*(to|of|for|here|laughing|inside|lol|haha|when)\b|\bi know i am not\b",
       not_before=r"\b(hangover|hung ?over|dopesick|sick|withdrawals?|flu)\b"),
    _r("chest_heart", "by_context",
       "chest pain|pains", "chest =hurt", "chest =be tight", "chest tightness", "crushing chest",
       "chest =be so? tight",
       "left arm =be? numb|=hurt", "arm =be numb", "am|is|are? having a heart attack",
       "am|is|are? having a stroke",
       "face =be drooping", "about to pass out", "=go to pass out",
       "=feel like i am going to pass out", "=be passing out",
       situational=True, past="recent", not_before=r"\b(was|were)\s*$"),
    # "can't talk right": slurred speech; "i can't talk right now" is busy
    _r("slurred_speech", "by_context", "can not talk right|properly|straight",
       situational=True, past="recent", not_before=r"\b(was|were)\s*$",
       not_after=r"^\s*(now|at the moment|this (minute|second)|away|here|atm)\b"),
    _r("seizure", "by_context_w",
       "am|is|are? having a seizure|seizures|fit|convulsions", "seizing", "seize", "=convulse", "convulsions",
       "seizure right now", "just had a seizure|fit", "=have a seizure", "=have # seizures", "=have seizures",
       "=keep having seizures", "withdrawal seizure|seizures", "=go to =have a seizure", "=go to seize",
       "about to =have a seizure", "about to seize", "=feel a|another? seizure|seizures|fit coming|starting",
       "seizure|seizures =be? coming on", "seizure|seizures =be? starting", "=keep jerking|twitching|seizing",
       "=bite my tongue",
       "will not stop shaking",
       situational=True, past="recent",
       not_before=r"\b(was|were|never|no|could|might|may|will|would|can|to)\s*$"),
    _r("bleeding_injury", "medical_emergency",
       "=bleed a lot", "=lose a lot of blood", "=lose _? _? blood", "foaming at the mouth",
       "=bleed heavily|badly|bad|everywhere|from", "not =stop =bleed", "so much blood",
       "blood everywhere", "=throw|=cough|=vomit up? blood",
       "=throw|=cough|=vomit|=puke up? a? bunch|lot|lots|ton|cup|bit|little|some|more of? blood",
       "=be stabbed|shot", "=get stabbed|shot",
       "=hit my|his|her head", "=be hurt bad|badly|really|bad", "=choke on", "blood sugar =be _? _? low",
       "=crash my|the car and", "car accident and", "leg|arm|wrist|ankle =be bent wrong|backwards",
       "bent the wrong way", "bone =be? sticking out", "meter|glucometer|sugar _? =say|=read lo|low",
       situational=True, past="recent"),
    _r("fall_injury", "medical_emergency", "=fall down the stairs|steps", "=fall off the|a roof|ladder|balcony",
       situational=True, past="recent",
       requires=r"\b(bent|broken|broke|not making sense|confused|can not (get up|move|stand)|blood|bleeding|"
                r"hit (his|her|my|their) head|unconscious|passed out|not waking)\b"),
    _r("gi_bleed", "medical_emergency", "coffee grounds", "=throw|=vomit|=puke up? black",
       "=throw|=vomit|=puke up? _? _? dark red", situational=True, past="recent",
       requires=r"\b(throw\w*|vomit\w*|puk\w*)\b", not_after=r"^\s*(in the|for|from the|at)\b"),
    _r("spreading_infection", "medical_emergency", "red streaks|streak",
       "fever|temp|temperature =be? of? 104|105|106|107",
       situational=True, past="recent",
       requires=r"\b(fever|swollen|swelling|hot|pus|abscess|shoot\w*|inject\w*|needle|arm|leg)\b"),
    _r("liver_failure", "medical_emergency", "skin|eyes =be _? yellow", "=turn yellow", situational=True,
       past="recent", requires=r"\b(belly|stomach|swollen|huge|hurts?|pain|confused|blood|drink\w*|vomit\w*)\b"),
    _r("emergency_stated", "medical_emergency",
       "this|it is an|a _? emergency", "its an|a _? emergency", "have|having an|a _? emergency",
       "=be having an|a _? emergency",
       situational=True, past="recent",
       not_in_clause=r"\b(family|work|dental|vet|pet|childcare|financial|money|car|house|plumbing|personal|"
                     r"school|kid'?s?|childcare) emergenc|\bemergency (contact|number|line|room|plan|fund|kit|"
                     r"meeting|appointment|session|service|services|fee)\b|\b(reschedul|cancel|miss|late)"),
    _r("emergency_word", "medical_emergency", "emergency", situational=True, past="none",
       requires_before=r"^\W*((yes|yeah|yep|no|ok|okay|please|pls|plz|help|hey|hi|hello|omg|medical|\d+)\W*)*$",
       not_after=r"^\s*(?!$|[,.!?;:]|(please|pls|plz|help|now|right now)\b)"),
    _r("in_danger", "medical_emergency", "i am in danger", "my life =be in danger", situational=True,
       past="recent", not_after=_UNSAFE_TAIL_NOT_CRISIS),
    _r("being_hurt_now", "medical_emergency",
       "@aggressor is|are|keeps|keep still|literally|again|constantly|now? "
       "hitting|hurting|beating|choking|attacking|strangling|stabbing|punching|kicking|raping|assaulting me",
       "@aggressor is|are|keeps|keep still|literally|again|now? trying to =kill|=hurt|=choke|=strangle|=stab|=rape me",
       "@aggressor just hit|punched|stabbed|choked|strangled|attacked|beat|raped|assaulted me",
       situational=True, past="recent",
       not_after=r"^\s*(so much )?(with (his|her|their|the|those|these) (words|comments|lies|questions|jokes)|"
                 r"emotionally|feelings|up (for|about)|lol|haha|in (a|the) game|at (cards|pool|chess))\b"),
    _r("found_passed_out", "by_context",
       "found @det* @kin|him|her|them _? passed|knocked out",
       "found @det* @kin|him|her|them _? unconscious|unresponsive|collapsed|slumped|limp",
       "passed out with a|the? needle|syringe|rig|tourniquet",
       situational=True, past="recent"),
    _r("call_for_help", "medical_emergency", "call 911|ambulance", "call an ambulance", "=need an ambulance",
       "send an ambulance", "=need 911", situational=True, past="none"),
    _r("withdrawal_named", "dangerous_withdrawal", "dts", "delirium tremens", "=go into dts",
       situational=True, past="recent",
       not_before=r"\b(had|got|never had|no)( the)?\s*$|(?<!\bam )(?<!\bstarting to )\b(get|getting)( the)?\s*$",
       not_after=r"^\s*(checked|looked at|treated|tested)\b"),
    _r("hallucinating", "by_context_w",
       "=hallucinate", "hallucinations", "hallucination",
       "seeing|see things|stuff|bugs|spiders|shadows|shadow",
       "seeing|see people|faces|someone|men|kids in the|his|her|my room|corner|walls|ceiling",
       "hearing|hear voices|things|stuff", "=talk to people who =be not there", "that =be not there",
       "=hear someone|somebody|people|a voice _? call|calling|talking|whispering|yelling", "=call|calling my name",
       "walls =be moving|breathing|melting", "spiders|bugs|ants _? everywhere|crawling",
       situational=True, past="recent",
       not_before=r"\b(had|saw|never)\s*$"),
    _r("confused_withdrawal", "dangerous_withdrawal",
       "confused", "=not =know where i|he|she =be", "=not =know what day", "not making sense",
       "heart =be racing|pounding", "room =be spinning", "temp|temperature|fever =be? #big",
       situational=True, past="recent", requires=r"\b(withdraw\w*|detox\w*|stopped|quit|cold turkey|ran out|"
       r"coming off|off (the )?(booze|alcohol|xanax|bars|benzos|klonopin|drink)|no (drink|alcohol|booze)|"
       r"without a drink|last drink|since i stopped)\b"),
]

RULES: tuple[Rule, ...] = tuple(SUICIDE_RULES + HARM_RULES + EMERGENCY_RULES)
