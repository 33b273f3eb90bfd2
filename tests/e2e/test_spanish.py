"""A whole screening in Spanish over REST and SMS: every reply in Spanish, Spanish answers understood, the result
a clinician would read from them, and switching language midway."""

import re

import pytest

from bot.screening import load_questionnaire
from bot.store import repositories
from bot.text.canonical import canonical
from bot.text.language import guess_language
from tests.e2e.channel_support import post_sms, shared_channel_stack, sms_params
from tests.e2e.conversation import all_text, database

pytestmark = pytest.mark.e2e

# A mother writing about her son who drinks every day and gets the shakes: detox first.
SON = {"suicidal_thoughts": "no, nunca", "suicide_plan": "no", "suicide_behavior": "no", "harm_others": "no",
       "substances": "toma mucho, cerveza y tequila", "last_use": "ayer en la noche",
       "withdrawal": "si, le dan temblores en la mañana hasta que se echa una cerveza",
       "seizure_history": "no que yo sepa", "alcohol_frequency": "todos los dias", "alcohol_amount": "como 12",
       "alcohol_binge": "casi diario", "medical": "no", "phq_interest": "algunos dias", "phq_mood": "a veces",
       "mental_health": "ninguna", "daily_functioning": "no", "readiness": "el no quiere, yo soy la que quiere",
       "relapse": "si, dejo de tomar un mes y volvio", "home": "vive conmigo, la casa es tranquila",
       "support": "yo y su hermana", "recent_treatment": "ninguno", "attend": "en las tardes",
       "group": "mas o menos", "worries": "el dinero"}


def _asked(replies, who="other", lang="es"):
    questionnaire = load_questionnaire()
    for reply in reversed(replies):
        text = (reply.get("text") or "").strip()
        for question in questionnaire:
            if question.text(for_whom=who, channel="web", lang=lang).strip() == text:
                return question.id
    return None


def _spanish(replies) -> list[str]:
    """Replies that read as English (there should be none)."""
    english = []
    for reply in replies:
        text = reply.get("text") or ""
        if len(re.findall(r"[a-zA-Záéíóúñ]+", text)) >= 4 and guess_language(canonical(text)) == "en":
            english.append(text)
    return english


def test_a_whole_screening_in_spanish_for_a_son(stack):
    sender = "es-son"
    said = stack.send(sender, "hola, necesito ayuda para mi hijo")
    said += stack.send(sender, "si")
    replies = stack.send(sender, "es para mi hijo")
    said += replies
    for _ in range(30):
        qid = _asked(replies)
        if qid is None:
            break
        replies = stack.send(sender, SON.get(qid, "no se"))
        if any("¿es así?" in (r.get("text") or "").lower() or "es asi" in canonical(r.get("text") or "")
               for r in replies):
            replies = stack.send(sender, "si")
        said += replies
    text = all_text(said)
    assert "no es un consejo médico" in text or "no es un consejo medico" in text
    assert not _spanish(said), _spanish(said)[:3]
    with database(stack) as session:
        screening = repositories.latest_screening(session, sender)
        assert screening is not None and screening.for_whom == "other", [r.get("text")[:60] for r in said]
        assert screening.answers["withdrawal"] == "yes"
        assert screening.band == "detox_first"
        assert screening.language == "es"


def test_switching_language_midway_repeats_the_question_in_the_new_language(stack):
    sender = "es-switch"
    stack.send(sender, "hi")
    stack.send(sender, "yes")
    english = stack.send(sender, "for myself")
    assert _asked(english, who="self", lang="en") == "suicidal_thoughts"
    spanish = stack.send(sender, "en español por favor")
    assert _asked(spanish, who="self", lang="es") == "suicidal_thoughts"
    back = stack.send(sender, "in english please")
    assert _asked(back, who="self", lang="en") == "suicidal_thoughts"


@pytest.fixture(scope="module")
def channels(request, tmp_path_factory, model):
    return shared_channel_stack(request, tmp_path_factory, model)


def test_spanish_by_sms_keywords_and_questions(channels):
    stack, twilio = channels
    sender = "+15550108001"

    def sms(body):
        before = len(twilio.to(sender))
        assert post_sms(stack.sms_url, sms_params(sender, body)) == 200, stack.logs()
        return twilio.to(sender)[before:]

    greeting = " ".join(sms("hola"))
    assert "responda" in greeting.lower() and not _spanish([{"text": greeting}])
    consent = " ".join(sms("si"))
    assert "1" in consent
    first = " ".join(sms("1"))
    assert "Responda 1" in first and all(len(part) <= 320 for part in twilio.to(sender))
    help_reply = " ".join(sms("AYUDA"))
    assert "988" in help_reply and "marque 2" in help_reply
