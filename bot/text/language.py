"""Which of our languages a short message is written in: English or Spanish, by their most common words.

Chat messages are too short and too mixed for general language identifiers ("si, like every day",
"me da anxiety"); what decides here is whether the little words (que, de, la, por, hace, tengo / the, of, and,
have, i) are Spanish or English. Reads canonical text (``bot.text.canonical``).
"""

from __future__ import annotations

import re

SPANISH = frozenset("""
que q k de del la las el los lo le les por para pa pero con sin mi mis tu su sus mas muy esta esto este
eso esa estoy esta estan estaba ando anda andaba tengo tiene tienen tenia hace hacer ha han hay
soy es era fue fui tambien tmb tb porque xq porq pq cuando donde como nada nunca siempre
veces vez dias semana semanas mes meses anos ano año años ayer hoy anoche antier manana ahorita ahora
bien mal si sí se nose creo pues ps pos nomas namas nada algo alguien nadie todo todos todas
yo el ella ellos ellas usted ustedes nosotros hijo hija esposo esposa mama papa hermano hermana
tomar tomo toma tome uso usa usar fumo fuma quiero kiero quiere puedo puede necesito necesita ayuda morir vivir matarme
hola gracias buenas buenos dias tardes noches claro lunes martes miercoles jueves viernes sabado domingo
sabados domingos semanal diario nunca cuando tambien entonces despues antes
""".split())
ENGLISH = frozenset("""
the of and to a in is it you that he she was for on are with as i his they be at one have this from
or had by but what some we can out other were all there when up use your how said an each which do
their if will way about many then them would so these her him has look more day could go come did my
yes not dont don't im i'm just like really when get got been am
""".split())
_WORD = re.compile(r"[a-zñ']+")


def guess_language(text: str, default: str | None = None) -> str | None:
    """"es" or "en" when the message's common words lean one way, else ``default``."""
    words = _WORD.findall(text or "")
    spanish = sum(w in SPANISH for w in words)
    english = sum(w in ENGLISH for w in words)
    if spanish > english:
        return "es"
    if english > spanish:
        return "en"
    return default
