"""Shared plumbing for actions: lazily loaded screening data, channel kind, storage access."""

from __future__ import annotations

import functools
import json
import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker

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


def utter_lines(dispatcher, lines: list[str]) -> None:
    for line in lines:
        dispatcher.utter_message(text=line)


def question_message(question, who: str, channel: str, selected: tuple[str, ...] = ()) -> dict[str, Any]:
    """Kwargs for dispatcher.utter_message that ask ``question``: buttons on the web, numbers on SMS.

    On the web a "choose all that apply" question toggles choices (``selected`` are shown ticked) and has a
    Done button once something is picked."""
    if channel == "sms":
        return {"text": question.text(for_whom=who, channel="sms")}
    message: dict[str, Any] = {"text": question.text(for_whom=who, channel="web")}
    if question.choices:
        # the payload names the choice exactly, so a click never depends on how NLU reads the label
        message["buttons"] = [{"title": f"\u2713 {c.label}" if c.id in selected else c.label,
                               "payload": choice_payload(c.id)} for c in question.choices]
        if question.type == "multi_choice" and selected:
            message["buttons"].append({"title": "Done", "payload": choice_payload(DONE)})
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


def hint_list(question) -> str:
    """'"yes, I get the shakes", "no, I feel fine when I stop" or "not sure"' for "you could say ..."."""
    hints = [f'"{h}"' for h in question.hints] or ['"yes"', '"no"', '"not sure"']
    return ", ".join(hints[:-1]) + f" or {hints[-1]}" if len(hints) > 1 else hints[0]


def store_call(fn_name: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``bot.store.repositories.<fn_name>``; storage trouble is logged, never shown as a crash.

    Returns None when the database is unreachable so the conversation (and the crisis path) carries on.
    """
    try:
        from bot.store import repositories

        return getattr(repositories, fn_name)(*args, **kwargs)
    except Exception:  # noqa: BLE001 - a person in crisis must still get an answer
        log.exception("storage call %s failed", fn_name)
        return None


_YES = re.compile(r"^\s*(1|y|ya|yes+|yeah|yep|yup|sure|ok(ay)?|k|fine|go ahead|agree|i agree|alright|"
                  r"of course|please do|yes please|sounds good)\b", re.I)
_NO = re.compile(r"^\s*(2|n|no+|nope|nah|no thanks|not now|i don'?t agree|don'?t|do not|rather not)\b", re.I)


def yes_no(tracker: Tracker, text: str) -> bool | None:
    """True/False for a yes/no reply (by its words, else by the affirm/deny intent); None when unclear."""
    if _NO.search(text):
        return False
    if _YES.search(text):
        return True
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    return {"affirm": True, "deny": False}.get(intent)


class AskAction(Action):
    """Asks for one form slot: plain text on SMS, text with quick-reply buttons on the web."""

    slot = ""
    web_text = ""
    sms_text = ""
    buttons: list[tuple[str, str]] = []

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def text(self, channel: str) -> str:
        return self.sms_text if channel == "sms" else self.web_text

    async def run(self, dispatcher, tracker, domain):
        channel = channel_of(tracker)
        if channel == "sms":
            dispatcher.utter_message(text=self.text(channel))
        else:
            dispatcher.utter_message(text=self.text(channel),
                                     buttons=[{"title": t, "payload": p} for t, p in self.buttons])
        return []
