"""What to do with a message typed while a screening question is open. Plain Python; the form action acts on it.

A message is first an answer to the open question. In order:

1. a pending confirm-back ("It sounds like ... - is that right?") takes a yes (store), a no (ask again), or a
   new answer;
2. "choose all that apply" buttons toggle a choice; Done stores the selection;
3. a clear command ("stop", "can we stop", "go back", "bye") is that command, and so is a message the
   classifier files under one of those intents when it does not read as an answer ("I want to stop using" to
   "how do you feel about making a change?" is an answer, "stop" is not);
4. the reading (``bot.screening.reading``): sure -> store; check -> confirm back; unclear -> say so with
   example answers; a second miss is stored as not sure and the person is told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from bot.screening.conditions import UNCLEAR
from bot.screening.model import Question
from bot.screening.parsers import parse_yes_no
from bot.screening.reading import AnswerReader, Reading
from bot.text.canonical import canonical

DONE = "__done__"  # payload value of the "Done" button of a choose-all-that-apply question
Command = Literal["stop", "goodbye", "go_back", "change_answer"]
_COMMAND_INTENTS: dict[str, Command] = {"stop_screening": "stop", "goodbye": "goodbye", "go_back": "go_back",
                                        "change_answer": "change_answer"}
COMMAND_MIN_CONFIDENCE = 0.6
_SHORT_REPLY = 40  # characters: a yes/no intent is trusted on its own only for a reply shorter than this

# Whole messages that are only a command, in English and Spanish.
_CLEAR = {
    "stop": re.compile(
        r"^(?:(?:can|could) (?:we|i) (?:please )?(?:stop|pause|quit|finish later|take a break)|"
        r"(?:please )?(?:stop|pause|quit|enough|cancel)(?: (?:it|this|that|now|please|here|the (?:questions|"
        r"screening|quiz|test|survey)|these questions|asking|asking me))*|"
        r"(?:i am|im) done(?: with (?:this|these questions|the questions))?|no more questions|not now|later|"
        r"i (?:want|wanna|need) to (?:stop|pause|quit) (?:this|the questions|the screening|now|answering)|"
        r"(?:i do not|i dont) want to (?:answer|do this|continue)(?: anymore| any more| right now)?|"
        r"pause (?:this|it|the questions)|take a break|never ?mind|forget (?:it|about it)|olvidalo|"
        r"ya no quiero (?:contestar|seguir)|para|pausa|"
        r"(?:ya )?basta|(?:podemos )?(?:parar|pausar|dejarlo para despues|seguir despues)|"
        r"ahorita no|despues|luego)"
        r"[.!]*$"),
    "goodbye": re.compile(
        r"^(?:bye|bye bye|goodbye|good bye|gotta go|got to go|g2g|gtg|ttyl|talk later|see you|see ya|cya|"
        r"later|have to go|i have to go|gtg bye|adios|bye gracias|ya me voy|me tengo que ir|nos vemos|chao|"
        r"hasta luego)[.! ]*$"),
    "go_back": re.compile(
        r"^(?:go back|back|previous question|last question|undo|wait go back|can we go back|"
        r"(?:i )?(?:want to )?(?:change|fix) (?:my |that |the )?(?:last )?answer|regresar|atras|volver)[.!]*$"),
}


@dataclass(frozen=True)
class Turn:
    """The person's message: the typed text, a clicked choice id (or ``DONE``), the classifier's intent."""

    text: str = ""
    clicked: str | None = None
    intent: str | None = None
    confidence: float = 0.0


@dataclass(frozen=True)
class State:
    """What the form remembers between messages for the open question."""

    pending: Any = None  # value awaiting "is that right?"
    reasks: int = 0
    selected: tuple[str, ...] = ()  # choices toggled so far (choose all that apply, web buttons)


@dataclass(frozen=True)
class Outcome:
    """``kind``: store | confirm | reask | give_up | toggle | command | not_answer."""

    kind: str
    value: Any = None
    command: Command | None = None
    state: State = field(default_factory=State)


def clear_command(text: str) -> Command | None:
    """The command a whole message is, when it is nothing but one ("stop", "can we stop", "bye")."""
    words = canonical(text)
    words = re.sub(r"[^\w\s']", " ", words)
    words = " ".join(words.split())
    for command, pattern in _CLEAR.items():
        if pattern.match(words):
            return command  # type: ignore[return-value]
    return None


def decide(question: Question, turn: Turn, state: State, reader: AnswerReader) -> Outcome:
    """The outcome of ``turn`` for the open ``question`` (see the module docstring)."""
    if state.pending is not None and turn.clicked is None:
        confirmed = _confirmation(turn)
        if confirmed is True:
            return Outcome("store", state.pending, state=State())
        if confirmed is False:
            return Outcome("reask", state=State(reasks=state.reasks + 1))
    if question.type == "multi_choice" and turn.clicked is not None:
        return _toggle(question, turn.clicked, state)
    if turn.clicked is not None:
        return Outcome("store", _clicked_value(question, turn.clicked), state=State())
    command = clear_command(turn.text)
    reading = reader.read(question, turn.text)
    intent_command = _COMMAND_INTENTS.get(turn.intent or "")
    if command is None and intent_command and turn.confidence >= COMMAND_MIN_CONFIDENCE \
            and not reading.understood:
        command = intent_command
    if command is not None:
        return Outcome("command", command=command, state=replace(state, pending=None))
    return _from_reading(reading, state)


def _from_reading(reading: Reading, state: State) -> Outcome:
    if reading.certainty == "sure" and reading.value == UNCLEAR:  # "idk": noted as not sure, and said so
        return Outcome("give_up", UNCLEAR, state=State())
    if reading.certainty == "sure" and reading.value is not None:
        return Outcome("store", reading.value, state=State())
    if reading.certainty == "check" and reading.value is not None:
        return Outcome("confirm", reading.value, state=replace(state, pending=reading.value))
    if state.reasks >= 1:
        return Outcome("give_up", UNCLEAR, state=State())
    return Outcome("reask", state=State(reasks=state.reasks + 1))


def _confirmation(turn: Turn) -> bool | None:
    """Yes / no to "is that right?": buttons send the affirm / deny intents, typed words are read."""
    if turn.intent in ("affirm", "deny") and turn.text.startswith("/"):
        return turn.intent == "affirm"
    parsed = parse_yes_no(turn.text)
    if parsed.ok and parsed.strong and parsed.value in ("yes", "no"):
        return parsed.value == "yes"
    if (turn.intent in ("affirm", "deny") and turn.confidence >= COMMAND_MIN_CONFIDENCE
            and len(turn.text) < _SHORT_REPLY):
        return turn.intent == "affirm"
    return None


def _toggle(question: Question, clicked: str, state: State) -> Outcome:
    selected = list(state.selected)
    if clicked == DONE:
        if not selected:
            return Outcome("reask", state=State(reasks=state.reasks))
        return Outcome("store", selected, state=State())
    choice = question.get_choice(clicked)
    if choice is None:
        return Outcome("reask", state=state)
    if choice.exclusive:
        return Outcome("store", [choice.id], state=State())
    if clicked in selected:
        selected.remove(clicked)
    else:
        selected.append(clicked)
    ordered = tuple(c.id for c in question.choices if c.id in selected)
    return Outcome("toggle", list(ordered), state=State(selected=ordered))


def _clicked_value(question: Question, choice_id: str) -> Any:
    choice = question.get_choice(choice_id)
    if question.type == "last_use" and choice is not None and choice.days is not None:
        return choice.days
    return choice_id
