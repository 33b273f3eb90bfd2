"""Spanish numbers, times and frequencies rewritten into the English wording the answer parsers read.

"hace como tres semanas" -> "like 3 weeks ago", "dos o tres" -> "2 or 3", "nomas los fines de semana" ->
"only weekends", "de lunes a viernes" -> "monday to friday", "antier" -> "day before yesterday".
Only grammar words are rewritten (numbers, units, time, frequency, "not sure"); what the answer is about
(substances, people, places) is read from the questionnaire's Spanish synonyms and examples. Words that
are also English ("once", "a", "como") are rewritten only when the message reads as Spanish.
"""

from __future__ import annotations

import functools
import re
from typing import Callable

_NUMBERS = {"cero": "0", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6", "siete": "7",
            "ocho": "8", "nueve": "9", "diez": "10", "doce": "12", "trece": "13", "catorce": "14",
            "quince": "15", "dieciseis": "16", "veinte": "20", "treinta": "30", "cuarenta": "40",
            "cincuenta": "50", "cien": "100", "media docena": "6", "una docena": "12", "un par de": "2",
            "un par": "2", "par de": "2", "unos cuantos": "3", "unas cuantas": "3", "varios": "4", "varias": "4"}
_SPANISH_ONLY_NUMBERS = {"once": "11", "un": "1", "una": "1"}

# (pattern, replacement) in order; applied to canonical (lower case, accents folded) text.
_ALWAYS: list[tuple[str, str | Callable[[re.Match[str]], str]]] = [
    # "no sé" is not knowing only when nothing or a clause follows: "no se droga" is "he does not use drugs"
    (r"\bno se(?=\s*$|\s*[,.;:!?]|\s+(?:si|que|q|como|cuando|donde|cuant[oa]s?|nada|bien|la verdad|exactamente|"
     r"realmente|honestamente|tal vez|quizas?|creo|pero|y|o|ni|eso|de eso|ya|mucho|la neta|jaja\w*)\b)|"
     r"\b(?:nose|ni idea|quien sabe|no estoy segur[oa]|no me acuerdo|no recuerdo)\b|"
     r"\bno tengo (?:ni )?(?:(?:la )?(?:mas )?(?:minima|menor) )?idea\b", "do not know"),
    (r"\b(?:a lo mejor|tal vez|talvez|quizas?|capaz)\b", "maybe"),
    (r"\b(?:un|1) (?:six|6)(?: de \w+)?(?= |$)(?! (?:am|pm|de la|horas?|dias?|semanas?|meses|anos))", "a six pack"),
    (r"\b(?:un|1) (?:doce|12)(?= de [a-z])(?: de \w+)?", "a 12 pack"),
    (r"\bhace (?:muchos |varios |unos |algunos )?(?:anos|años)\b", "years ago"),
    (r"\b(?:mas o menos|masomenos|aproximadamente|alrededor de)\b", "about"),
    (r"\bhace (?:un )?rat(?:o|ito)\b|\bhorita\b|\bahorita\b|\bahora mismo\b", "just now"),
    (r"\btodavia ando\b|\bsigo (?:tomando|usando|fumando)\b|\bando (?:pedo|high|borracho|borracha|crudo)\b",
     "still using"),
    (r"\b(?:antier|anteayer|antes de ayer|antes de anoche)\b", "day before yesterday"),
    (r"\banoche\b", "last night"),
    (r"\bayer\b", "yesterday"),
    (r"\besta (?:manana|tarde|noche)\b|\bhoy\b", "today"),
    (r"\bla semana pasada\b", "last week"),
    (r"\bel fin de semana pasado\b", "last weekend"),
    (r"\bel mes pasado\b", "last month"),
    (r"\bel (?:ano|año) pasado\b", "last year"),
    (r"\bfin(?:es)? de semana\b|\bweekend\b", "weekends"),
    (r"\bentre semana\b", "weekdays"),
    (r"\b(?:casi diario|casi a diario|casi todos los dias|casi cada dia)\b", "almost every day"),
    (r"\b(?:diario|diaro|a diario|diariamente|todos los dias|cada dia|todo el dia|todas las noches|cada noche)\b",
     "every day"),
    (r"\b(?:casi nunca|muy rara vez|rara vez|raramente)\b", "hardly ever"),
    (r"\b(?:de vez en cuando|a veces|algunas veces|en ocasiones)\b", "sometimes"),
    (r"\bnunca\b|\bjamas\b", "never"),
    (r"\b(?:a la|por|cada|la) semana\b|\bsemanal(?:mente)?\b", "a week"),
    (r"\b(?:al|por|cada|el) mes\b|\bmensual(?:mente)?\b", "a month"),
    (r"\b(?:al|por) (?:ano|año)\b", "a year"),
    (r"\b(?:al|por) dia\b", "a day"),
    (r"\bveces\b", "times"),
    (r"\bvez\b", "time"),
    (r"\bcada\b", "every"),
    (r"\bentre (\d+) y (\d+)\b", r"\1-\2"),
    (r"\b(\d+) o (\d+)\b", r"\1 or \2"),
    (r"\b(\d+) y (\d+)\b", r"\1 and \2"),
    (r"\b(?:mas de|arriba de|mas que)\b", "more than"),
    (r"\b(?:menos de|menos que)\b", "less than"),
    (r"\bpor lo menos\b|\bal menos\b", "at least"),
    (r"\bdias\b", "days"), (r"\bdia\b", "day"), (r"\bsemanas\b", "weeks"), (r"\bsemana\b", "week"),
    (r"\bmeses\b", "months"), (r"\bmes\b", "month"), (r"\b(?:anos|años)\b", "years"),
    (r"\b(?:ano|año)\b", "year"), (r"\bhoras\b", "hours"), (r"\bhora\b", "hour"), (r"\bminutos?\b", "minutes"),
    (r"\bnoches\b", "nights"),
    (r"\blunes\b", "monday"), (r"\bmartes\b", "tuesday"), (r"\bmiercoles\b", "wednesday"),
    (r"\bjueves\b", "thursday"), (r"\bviernes\b", "friday"), (r"\bsabados?\b", "saturday"),
    (r"\bdomingos?\b", "sunday"),
    (r"\benero\b", "january"), (r"\bfebrero\b", "february"), (r"\bmarzo\b", "march"), (r"\babril\b", "april"),
    (r"\bmayo\b", "may"), (r"\bjunio\b", "june"), (r"\bjulio\b", "july"), (r"\bagosto\b", "august"),
    (r"\bsept?iembre\b", "september"), (r"\boctubre\b", "october"), (r"\bnoviembre\b", "november"),
    (r"\bdiciembre\b", "december"), (r"\bnavidad\b", "christmas"),
    (r"\b(?:el|este) (verano|invierno|otono|primavera) pasado\b|\b(?:la|esta) (primavera) pasada\b",
     lambda m: "last " + {"verano": "summer", "invierno": "winter", "otono": "fall",
                          "primavera": "spring"}[m.group(1) or m.group(2)]),
    (r"\b(?:llevo|tengo|ya son|ya van|van) (?=(?:about |like |more than )?\d)", "clean "),
    (r"\b(?:sin (?:tomar|usar|fumar|consumir|meterme|probar|nada)|limpi[oa]|sobri[oa])\b", "clean"),
    (r"\bno (?:he|ha|hemos) (?:tocado|usado|tomado|probado|consumido|fumado)(?: nada)?\b", "clean"),
    (r"\bantes de (?:venir|llegar|escribir|escribirle|escribirte)\b", "today"),
    (r"\bdesde (?!hace\b)", "since "),
]
# Yes / no / not sure wording (the reply's polarity; what it is about stays Spanish for the examples).
_POLARITY: list[tuple[str, str]] = [
    (r"\b(?:creo que no|creo q no|no creo|no lo creo|yo creo que no)\b", "i do not think so"),
    (r"\b(?:creo que si|creo q si|yo creo que si|pienso que si)\b", "i think so"),
    (r"\b(?:para nada|en absoluto|de ninguna manera|ni modo|ni loco|ni loca)\b", "not at all"),
    (r"\b(?:claro que si|claro|por supuesto|obvio|obviamente|asi es|efectivamente|exacto|cierto)\b",
     "of course"),
    (r"\b(?:claro que no|por supuesto que no)\b", "of course not"),
    (r"\b(?:nel|nelson|nop|nopo|nones|nah|na)\b", "nope"),
    (r"^(?:pos |pues |ps |este |mmm |bueno |ah )?(?:si|sí|sip|sii+|simon|simona|aja|ajá|seh|sep)\b", "yes"),
    (r"\b(?:ninguno|ninguna|nada de eso|nada)\b", "none"),
    (r"\b(?:ya no)\b", "not anymore"),
    (r"\b(?:un poco|poquito|un poquito|algo)\b", "a little"),
    (r"\b(?:mucho|bastante|muchisimo)\b", "a lot"),
]
# Only in a Spanish message ("once" is eleven, "como"/"unos" mean about, "o"/"y" join numbers).
_SPANISH_ONLY: list[tuple[str, str]] = [
    (r"\b(?:como|unos|unas|tipo)\b", "about"),
    (r"\bde (monday|tuesday|wednesday|thursday|friday|saturday|sunday) a ", r"\1 to "),
]
_HACE = re.compile(r"\b(?:desde )?hace ((?:about |more than |less than |like )?[\d.]+(?: or [\d.]+)? "
                   r"(?:minutes|hours?|days?|nights?|weeks?|months?|years?))\b")


@functools.lru_cache(maxsize=1)
def _compiled():
    always = [(re.compile(p), r) for p, r in _ALWAYS]
    polarity = [(re.compile(p), r) for p, r in _POLARITY]
    only = [(re.compile(p), r) for p, r in _SPANISH_ONLY]
    numbers = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _NUMBERS), key=len, reverse=True)) + r")\b")
    spanish_numbers = re.compile(r"\b(" + "|".join(_SPANISH_ONLY_NUMBERS) + r")\b(?= \w)")
    return always, polarity, only, numbers, spanish_numbers


def english_grammar(words: str, spanish: bool) -> str:
    """``words`` with Spanish number, time and frequency wording in English (see the module docstring)."""
    always, polarity, only, numbers, spanish_numbers = _compiled()
    words = re.sub(r"\b(?:una )?semana y media\b", "1.5 weeks", words)
    words = numbers.sub(lambda m: _NUMBERS[m.group(1)], words)
    if spanish:
        words = spanish_numbers.sub(lambda m: _SPANISH_ONLY_NUMBERS[m.group(1)], words)
    for pattern, replacement in always:
        words = pattern.sub(replacement, words)
    for pattern, replacement in polarity:
        words = pattern.sub(replacement, words)
    if spanish:
        for pattern, replacement in only:
            words = pattern.sub(replacement, words)
    words = _HACE.sub(r"\1 ago", words)
    return re.sub(r" {2,}", " ", words).strip()
