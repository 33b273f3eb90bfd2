"""Rasa server: a form does not call its ask action for a slot its validation action has just asked for.

The screening form's validation action reads the answer and knows the next question; when the form goes on,
it asks it in the same call and sets the slot ``form_asked`` to the slot it asked for. Rasa would otherwise
call ``action_ask_screen_answer`` over HTTP right after, only to ask it (about 8 ms of a message,
bench/PROFILE.md section 9). :func:`install` makes Rasa skip the ask action for that slot when the form's events
of this turn say it was asked; Rasa already allows a form whose slot has no ask action (it says nothing). At
activation and when the form comes back after another turn, the validator asks nothing and Rasa calls the ask
action as before. Idempotent; only the Rasa server process calls it.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

ASKED_SLOT = "form_asked"
_INSTALLED = "_iopbot_form_ask"
_RASA_REQUEST = "_iopbot_rasa_request_next_slot"
_RASA_ASK = "_iopbot_rasa_ask_for_slot"
_asked: ContextVar[str | None] = ContextVar("iopbot_form_asked", default=None)


def asked_in(events: list) -> str | None:
    """The slot a validation action among ``events`` (this turn's) says it asked for."""
    from rasa.shared.core.events import SlotSet

    return next((e.value for e in reversed(events) if isinstance(e, SlotSet) and e.key == ASKED_SLOT), None)


async def request_next_slot(self: Any, tracker: Any, domain: Any, output_channel: Any, nlg: Any,  # noqa: PLR0913, PLR0917
                            events_so_far: list) -> list:
    """Rasa's ``FormAction.request_next_slot``, remembering which slot this turn's validation asked for."""
    from rasa.core.actions.forms import FormAction

    token = _asked.set(asked_in(events_so_far))
    try:
        return await getattr(FormAction, _RASA_REQUEST)(self, tracker, domain, output_channel, nlg, events_so_far)
    finally:
        _asked.reset(token)


async def _ask_for_slot(self: Any, domain: Any, nlg: Any, output_channel: Any, slot_name: str,  # noqa: PLR0913, PLR0917
                        tracker: Any) -> list:
    """Rasa's ``FormAction._ask_for_slot``, unless the validation action already asked for ``slot_name``."""
    from rasa.core.actions.forms import FormAction

    if slot_name and _asked.get() == slot_name:
        return []
    return await getattr(FormAction, _RASA_ASK)(self, domain, nlg, output_channel, slot_name, tracker)


def install() -> None:
    """Use :func:`request_next_slot` and :func:`_ask_for_slot` in ``FormAction`` (this process)."""
    from rasa.core.actions.forms import FormAction

    from bot.nlu.rasa_patch import patch_once

    patch_once(FormAction, _INSTALLED, **{_RASA_REQUEST: FormAction.request_next_slot,
                                          _RASA_ASK: FormAction._ask_for_slot,
                                          "request_next_slot": request_next_slot, "_ask_for_slot": _ask_for_slot})
