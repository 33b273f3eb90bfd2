"""The screening form: ask the next question from the questionnaire data, parse answers, score."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    answer_reader,
    answers_of,
    channel_of,
    clicked_choice_id,
    for_whom,
    hint_list,
    language_of,
    question_message,
    say,
    screening_data,
    settings,
)
from actions.crisis import respond_to_crisis
from bot.conversation.answer_flow import State, Turn, decide
from bot.conversation.navigation import is_correction, question_to_change
from bot.nlu.form_ask import ASKED_SLOT
from bot.store.gateway import store


def _current_question(tracker: Tracker, answers: dict[str, Any]):
    questionnaire, _ = screening_data()
    current = tracker.get_slot("screening_current")
    if current and questionnaire.get(current) is not None and questionnaire.is_applicable(current, answers):
        return questionnaire.get(current)
    return questionnaire.next_question(answers)


DIGRESSION_CONFIDENCE = 0.5


def answer_digression(dispatcher: CollectingDispatcher, tracker: Tracker, question) -> bool:
    """Answer a question the person asked instead of answering ours (FAQ, "why?", "are you a bot?").

    Only used when the text is not a valid answer: "cost" to "what worries you?" is an answer, not an FAQ.
    """
    message = tracker.latest_message
    intent = message.get("intent") or {}
    if (intent.get("confidence") or 0) < DIGRESSION_CONFIDENCE:
        return False
    name = intent.get("name")
    if name == "faq":
        action = ((message.get("response_selector") or {}).get("faq") or {}).get("response", {}).get("utter_action")
        if not action:
            return False
        dispatcher.utter_message(response=action)
    elif name == "ask_why":
        dispatcher.utter_message(text=question.why_in(language_of(tracker)))
    elif name == "bot_challenge":
        dispatcher.utter_message(response="utter_iamabot")
    elif name == "out_of_scope":
        dispatcher.utter_message(response="utter_out_of_scope")
    else:
        return False
    return True


def redo_answer(dispatcher: CollectingDispatcher, answers: dict[str, Any], target) -> dict[str, Any]:
    """Forget the answer to ``target`` so the form asks it next; the slots to set."""
    answers.pop(target.id, None)
    say(dispatcher, "utter_redo_answer")
    return {"screening_answers": answers, "screening_current": target.id, "screening_reasks": 0.0,
            "screening_pending": None, "screening_selected": None}


def _state(tracker: Tracker) -> State:
    return State(pending=tracker.get_slot("screening_pending"),
                 reasks=int(tracker.get_slot("screening_reasks") or 0),
                 selected=tuple(tracker.get_slot("screening_selected") or ()))


def _turn(tracker: Tracker, typed: str, clicked: str | None) -> Turn:
    intent = tracker.latest_message.get("intent") or {}
    return Turn(text=typed, clicked=clicked, intent=intent.get("name"),
                confidence=float(intent.get("confidence") or 0.0))


class ValidateScreeningForm(FormValidationAction):
    """Reads each message as the answer to the open question (bot.conversation.answer_flow decides)."""

    def name(self) -> str:
        return "validate_screening_form"

    async def validate_screen_answer(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: dict) -> dict[str, Any]:
        """Read the answer; when the form goes on, ask its next question here (Rasa then skips
        ``action_ask_screen_answer``, which would say the same: bot/nlu/form_ask.py)."""
        slots = self._read(value, dispatcher, tracker)
        if slots.get("screen_answer") is None:
            slots.update(ask_open_question(dispatcher, _AfterValidation(tracker, slots)))
            slots[ASKED_SLOT] = "screen_answer"
        return slots

    def _read(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        questionnaire, _ = screening_data()
        answers = answers_of(tracker)
        question = _current_question(tracker, answers)
        if question is None:
            return {"screen_answer": "done", "screening_current": None}
        typed = str(value or "")
        clicked = clicked_choice_id(tracker, question)
        if not clicked and is_correction(typed):
            target = question_to_change(typed, questionnaire, answers)
            if target is not None:  # "i said weekly but its daily": ask that earlier question again
                return {"screen_answer": None, **redo_answer(dispatcher, answers, target)}
        outcome = decide(question, _turn(tracker, typed, clicked), _state(tracker), answer_reader())
        slots: dict[str, Any] = {"screening_pending": outcome.state.pending,
                                 "screening_reasks": float(outcome.state.reasks),
                                 "screening_selected": list(outcome.state.selected) or None,
                                 "screen_answer": None, "screening_current": question.id}
        if outcome.kind == "command":
            return {**slots, **self._command(outcome.command, dispatcher, tracker, answers, questionnaire)}
        lang = language_of(tracker)
        if outcome.kind == "confirm":
            say(dispatcher, "utter_confirm_answer",
                understood=question.understood_text(outcome.value, for_whom(tracker), lang))
            return slots
        if outcome.kind == "reask":
            if _state(tracker).pending is not None:
                say(dispatcher, "utter_answer_try_again")
            elif answer_digression(dispatcher, tracker, question):
                return {**slots, "screening_reasks": float(_state(tracker).reasks)}  # a question, not a miss
            else:
                say(dispatcher, "utter_answer_not_understood", hints=hint_list(question, lang))
            return slots
        if outcome.kind == "toggle":
            return slots
        if outcome.kind == "give_up":
            say(dispatcher, "utter_answer_noted_unsure")
        return {**slots, **self._store(dispatcher, tracker, question, outcome.value, typed)}

    def _store(self, dispatcher, tracker, question, value, typed: str) -> dict[str, Any]:
        from bot.screening import score

        questionnaire, criteria = screening_data()
        answers = {**answers_of(tracker), question.id: value}
        slots: dict[str, Any] = {"screening_answers": answers}
        if not tracker.get_slot("crisis_active") and score(answers, questionnaire, criteria).urgent:
            # A safety answer means help now, before any further question.
            respond_to_crisis(dispatcher, tracker, category="suicide", trigger=typed)
            slots.update(screen_answer="crisis", screening_current=None, screening_status="paused",
                         crisis_active=True)
            return slots
        following = questionnaire.next_question(answers)
        if following is None:
            slots.update(screen_answer="done", screening_current=None)
        else:
            slots.update(screen_answer=None, screening_current=following.id)
        return slots

    @staticmethod
    def _command(command: str | None, dispatcher, tracker, answers, questionnaire) -> dict[str, Any]:
        """Stop / goodbye end the form paused (progress kept); go back / change redo an earlier answer."""
        if command in ("stop", "goodbye"):
            return {"screen_answer": "goodbye" if command == "goodbye" else "paused",
                    "screening_status": "paused", "screening_pending": None, "screening_selected": None}
        text = tracker.latest_message.get("text") or ""
        target = question_to_change(text, questionnaire, answers, go_back=command == "go_back")
        if target is None:
            say(dispatcher, "utter_nothing_to_change")
            return {}
        return redo_answer(dispatcher, answers, target)


def ask_open_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    """Ask the open question (nothing while a confirm-back waits; ticked choices while selecting); the slot
    naming it."""
    question = _current_question(tracker, answers_of(tracker))
    if question is None:
        return {"screening_current": None}
    if tracker.get_slot("screening_pending") is None:
        selected = tuple(tracker.get_slot("screening_selected") or ())
        dispatcher.utter_message(**question_message(question, for_whom(tracker), channel_of(tracker),
                                                    selected=selected, lang=language_of(tracker)))
    return {"screening_current": question.id}


class _AfterValidation:
    """The tracker as the form's next step sees it: with the slots this validation sets."""

    def __init__(self, tracker: Tracker, slots: dict[str, Any]) -> None:
        self._tracker, self._slots = tracker, slots

    def get_slot(self, name: str) -> Any:
        return self._slots[name] if name in self._slots else self._tracker.get_slot(name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tracker, name)


class ActionAskScreenAnswer(Action):
    """Asks the open question when the form starts or comes back to it (after an answer the validator asks)."""

    def name(self) -> str:
        return "action_ask_screen_answer"

    async def run(self, dispatcher, tracker, domain):
        return [SlotSet(name, value) for name, value in ask_open_question(dispatcher, tracker).items()]


class ActionScoreScreening(Action):
    """After the form: give the result with its reasons and the notice, store it, offer a person."""

    def name(self) -> str:
        return "action_score_screening"

    async def run(self, dispatcher, tracker, domain):
        from bot.screening import build_summary, person_message, score
        from bot.screening.translations import result_wording

        if tracker.get_slot("screening_status") == "paused":
            if tracker.get_slot("screen_answer") in ("paused", "goodbye"):  # stopped from the form
                say(dispatcher, "utter_paused")
                if tracker.get_slot("screen_answer") == "goodbye":
                    say(dispatcher, "utter_goodbye")
            else:
                say(dispatcher, "utter_paused_earlier")
            return [SlotSet("screen_answer", None)]
        questionnaire, criteria = screening_data()
        answers = answers_of(tracker)
        channel = channel_of(tracker)
        result = score(answers, questionnaire, criteria)
        summary = build_summary(result, answers, questionnaire, for_whom=for_whom(tracker), channel=channel)
        stored = result.to_dict()
        with store() as s:
            s.save_screening(sender_id=tracker.sender_id, channel=tracker.get_latest_input_channel(),
                             for_whom=for_whom(tracker), answers=answers, band=result.band,
                             reasons=stored.get("reasons", []), criteria_version=result.criteria_version,
                             summary=summary, language=language_of(tracker))
        conf = settings()
        dispatcher.utter_message(text=person_message(result, channel=channel, crisis_line=conf.crisis_line,
                                                     emergency_number=conf.emergency_number,
                                                     wording=result_wording(language_of(tracker))))
        say(dispatcher, "utter_offer_person")
        return [SlotSet("screening_status", "completed"), SlotSet("screening_result", stored)]


class ActionExplainQuestion(Action):
    def name(self) -> str:
        return "action_explain_question"

    async def run(self, dispatcher, tracker, domain):
        question = _current_question(tracker, answers_of(tracker))
        if question is None or tracker.get_slot("screening_status") != "in_progress":
            say(dispatcher, "utter_why_generic")
        else:
            dispatcher.utter_message(text=question.why_in(language_of(tracker)))
        return []


class ActionChangeAnswer(Action):
    """"Go back" or "change my answer about X": forget that answer so the form asks it again."""

    def name(self) -> str:
        return "action_change_answer"

    async def run(self, dispatcher, tracker, domain):
        questionnaire, _ = screening_data()
        answers = answers_of(tracker)
        text = tracker.latest_message.get("text") or ""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        target = question_to_change(text, questionnaire, answers, go_back=intent == "go_back")
        if target is None:
            say(dispatcher, "utter_nothing_to_change")
            return [SlotSet("screening_status", "in_progress")]
        slots = {**redo_answer(dispatcher, answers, target), "screening_status": "in_progress"}
        return [SlotSet(name, value) for name, value in slots.items()]


class ActionRestartScreening(Action):
    def name(self) -> str:
        return "action_restart_screening"

    async def run(self, dispatcher, tracker, domain):
        say(dispatcher, "utter_restarting")
        return [SlotSet("screening_answers", {}), SlotSet("screening_current", None),
                SlotSet("screening_reasks", 0.0), SlotSet("screening_status", "in_progress"),
                SlotSet("screening_pending", None), SlotSet("screening_selected", None),
                SlotSet("screening_result", None), SlotSet("crisis_active", False)]


class ActionPauseScreening(Action):
    def name(self) -> str:
        return "action_pause_screening"

    async def run(self, dispatcher, tracker, domain):
        say(dispatcher, "utter_paused")
        status = tracker.get_slot("screening_status")
        return [SlotSet("screening_status", "paused" if status in ("in_progress", "paused") else status)]


class ActionResumeScreening(Action):
    def name(self) -> str:
        return "action_resume_screening"

    async def run(self, dispatcher, tracker, domain):
        answered = len(answers_of(tracker))
        if answered:
            say(dispatcher, "utter_welcome_back")
        return [SlotSet("screening_status", "in_progress"), SlotSet("screening_reasks", 0.0),
                SlotSet("screening_pending", None), SlotSet("screening_selected", None)]


class ActionRemindPaused(Action):
    """While the screening is paused, every reply ends with how to carry on."""

    def name(self) -> str:
        return "action_remind_paused"

    async def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("screening_status") == "paused" and not tracker.get_slot("crisis_active"):
            say(dispatcher, "utter_screening_paused")
        return []


class ActionSwitchLanguage(Action):
    """"En español" / "in English": say so in the new language (the slot is already set); a form then asks
    its question again in that language."""

    def name(self) -> str:
        return "action_switch_language"

    async def run(self, dispatcher, tracker, domain):
        say(dispatcher, "utter_language_switched")
        return []
