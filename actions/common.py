"""Shared plumbing for actions: lazily loaded screening data, channel kind, language, responses. Storage goes
through the typed gateway ``bot.store.gateway.store``."""

from __future__ import annotations

import functools
import json
import logging
import threading
from typing import Any

from rasa_sdk import Tracker

from bot.config import get_settings
from bot.conversation.answer_flow import DONE
from bot.conversation.channels import channel_kind

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def screening_data():
    """(questionnaire, criteria), read from data/screening on first use."""
    from bot.screening import load_criteria, load_questionnaire

    return load_questionnaire(), load_criteria()


def channel_of(tracker: Tracker) -> str:
    return channel_kind(tracker.get_latest_input_channel())


def for_whom(tracker: Tracker) -> str:
    return "other" if tracker.get_slot("screening_for") == "other" else "self"


def answers_of(tracker: Tracker) -> dict[str, Any]:
    return dict(tracker.get_slot("screening_answers") or {})


def settings():
    return get_settings()


def language_of(tracker: Tracker) -> str:
    """The conversation's language (slot ``language``, set from what the person writes)."""
    return tracker.get_slot("language") or "en"


def clinic_values() -> dict[str, str]:
    """The clinic settings the responses' placeholders name ({crisis_line}, {helpline_phone} ...)."""
    conf = settings()
    return {"crisis_line": conf.crisis_line, "emergency_number": conf.emergency_number,
            "poison_control": conf.poison_control, "helpline_phone": conf.helpline_phone,
            "clinic_name": conf.clinic_name}


def say(dispatcher, response: str, **values: Any) -> None:
    """Send a domain response (Rasa picks the variant for the language and channel), settings filled in."""
    dispatcher.utter_message(response=response, **clinic_values(), **values)


def question_message(question, who: str, channel: str, selected: tuple[str, ...] = (),
                     lang: str = "en") -> dict[str, Any]:
    """Kwargs for dispatcher.utter_message that ask ``question`` in ``lang``: buttons on the web, numbers on SMS.

    On the web a "choose all that apply" question toggles choices (``selected`` are shown ticked) and has a
    Done button once something is picked."""
    if channel == "sms":
        return {"text": question.text(for_whom=who, channel="sms", lang=lang)}
    message: dict[str, Any] = {"text": question.text(for_whom=who, channel="web", lang=lang)}
    if question.choices:
        # the payload names the choice exactly, so a click never depends on how NLU reads the label
        message["buttons"] = [{"title": f"\u2713 {c.label_in(lang)}" if c.id in selected else c.label_in(lang),
                               "payload": choice_payload(c.id)} for c in question.choices]
        if question.type == "multi_choice" and selected:
            message["buttons"].append({"title": question.words(lang).formats["done"],
                                       "payload": choice_payload(DONE)})
    return message


def choice_payload(choice_id: str) -> str:
    return "/inform" + json.dumps({"choice": choice_id})


def clicked_choice_id(tracker: Tracker, question) -> str | None:
    """The id of the quick reply the person clicked for ``question`` (or ``DONE``), if the message was a click."""
    wanted = {c.id for c in question.choices} | ({DONE} if question.type == "multi_choice" else set())
    for value in tracker.get_latest_entity_values("choice"):
        if isinstance(value, str) and value in wanted:
            return value
    return None


@functools.lru_cache(maxsize=1)
def answer_reader():
    """The answer reader: the questionnaire's example answers with the product's sentence embedding."""
    from bot.nlu.embedding import default_encoder
    from bot.screening.examples import load_examples
    from bot.screening.reading import AnswerReader

    return AnswerReader(load_examples(), default_encoder().encode)


def warm_up_in_background(reader=None) -> threading.Thread:
    """Build ``reader`` (default: ``answer_reader()``, with its sentence encoder) and the example models of the
    questions everyone is asked (no ``ask_if``) in a daemon thread. A failure is logged; each model is then
    built on its question's first answer, as without the warm-up."""
    def run() -> None:
        try:
            questionnaire, _ = screening_data()
            (reader or answer_reader()).warm_up([q for q in questionnaire if not q.ask_if])
            log.info("answer models ready")
        except Exception:  # noqa: BLE001 - the models are then built on first use
            log.exception("warming up the answer models failed")

    thread = threading.Thread(target=run, name="answer-models", daemon=True)
    thread.start()
    return thread


def hint_list(question, lang: str = "en") -> str:
    """'"yes, I get the shakes", "no, I feel fine when I stop" or "not sure"' for "you could say ..."."""
    words = question.words(lang)
    hints = [f'"{h}"' for h in words.hints] or ['"?"']
    return ", ".join(hints[:-1]) + f" {words.formats['or']} {hints[-1]}" if len(hints) > 1 else hints[0]


def yes_no(tracker: Tracker, text: str) -> bool | None:
    """True/False for a reply to a yes/no request (its words, else the affirm/deny intent); None when unclear."""
    from bot.text.replies import agreement

    agreed = agreement(text)
    if agreed is not None:
        return agreed
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    return {"affirm": True, "deny": False}.get(intent)
