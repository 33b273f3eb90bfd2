import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.intro import ValidateIntroForm
from actions.screening import (
    ActionAskScreenAnswer,
    ActionChangeAnswer,
    ActionScoreScreening,
    ValidateScreeningForm,
)
from bot.screening import load_questionnaire
from bot.store import repositories
from tests.actions.conftest import make_tracker, rendered, responses, texts

NO_RISK = {"suicidal_thoughts": "no", "harm_others": "no"}


def _slots(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_a_clear_answer_is_stored_and_the_next_question_chosen(dispatcher, domain):
    tracker = make_tracker("nope", intent="deny", active_loop="screening_form",
                           slots={"screening_current": "suicidal_thoughts", "screening_answers": {}},
                           new_slots={"screen_answer": "nope"})
    slots = _slots(await ValidateScreeningForm().run(dispatcher, tracker, domain))
    assert slots["screening_answers"] == {"suicidal_thoughts": "no"}
    assert slots["screen_answer"] is None  # the form keeps asking
    expected_next = load_questionnaire().next_question({"suicidal_thoughts": "no"}).id
    assert slots["screening_current"] == expected_next


async def test_unclear_is_asked_again_once_then_recorded_as_unclear(dispatcher, domain):
    base = {"screening_current": "support", "screening_answers": dict(NO_RISK)}
    first = _slots(await ValidateScreeningForm().run(
        dispatcher, make_tracker("purple", active_loop="screening_form", slots=base,
                                 new_slots={"screen_answer": "purple"}), domain))
    assert first["screen_answer"] is None and first["screening_reasks"] == 1.0
    assert responses(dispatcher) == ["utter_answer_not_understood"]
    not_understood, asked_again = dispatcher.messages
    assert '"my family"' in not_understood["hints"]  # example answers from the questionnaire data
    assert first["form_asked"] == "screen_answer" and asked_again["text"]  # then the question again
    second = _slots(await ValidateScreeningForm().run(
        dispatcher, make_tracker("purple", active_loop="screening_form",
                                 slots={**base, "screening_reasks": 1.0}, new_slots={"screen_answer": "purple"}),
        domain))
    assert second["screening_answers"]["support"] == "unclear"
    assert second["screening_reasks"] == 0.0
    assert second["screening_current"] != "support"
    assert responses(dispatcher)[-1] == "utter_answer_noted_unsure"  # the person is told


async def test_a_yes_to_suicidal_thoughts_gets_crisis_help_and_an_urgent_handoff(dispatcher, domain):
    tracker = make_tracker("yes", intent="affirm", active_loop="screening_form", sender_id="crisis-1",
                           slots={"screening_current": "suicidal_thoughts", "screening_answers": {}},
                           new_slots={"screen_answer": "yes"})
    slots = _slots(await ValidateScreeningForm().run(dispatcher, tracker, domain))
    said = texts(dispatcher)
    assert "988" in said and "911" in said
    assert slots["crisis_active"] is True and slots["screening_status"] == "paused"
    assert slots["screen_answer"] == "crisis"  # the form stops asking
    handoff = repositories.get_active_handoff("crisis-1")
    assert handoff is not None and handoff.urgency == "urgent" and handoff.reason == "crisis"
    assert handoff.language == "en"  # stored plainly for the console's language filter


async def test_question_has_buttons_on_the_web_and_numbers_on_sms(dispatcher, domain):
    tracker = make_tracker("yes", slots={"screening_current": "support", "screening_answers": dict(NO_RISK)})
    await ActionAskScreenAnswer().run(dispatcher, tracker, domain)
    web = dispatcher.messages[-1]
    assert len(web["buttons"]) == 3
    sms_tracker = make_tracker("yes", channel="twilio",
                               slots={"screening_current": "support", "screening_answers": dict(NO_RISK)})
    await ActionAskScreenAnswer().run(dispatcher, sms_tracker, domain)
    sms = dispatcher.messages[-1]
    assert not sms.get("buttons") and "1" in sms["text"] and len(sms["text"]) <= 320


async def test_question_wording_adapts_for_someone_else(dispatcher, domain):
    slots = {"screening_current": "support", "screening_answers": dict(NO_RISK)}
    await ActionAskScreenAnswer().run(dispatcher, make_tracker(slots=slots), domain)
    await ActionAskScreenAnswer().run(dispatcher, make_tracker(slots={**slots, "screening_for": "other"}), domain)
    assert dispatcher.messages[0]["text"] != dispatcher.messages[1]["text"]


async def test_declining_consent_ends_the_intro(dispatcher, domain):
    tracker = make_tracker("no thanks", intent="deny", active_loop="intro_form",
                           new_slots={"consent_answer": "no thanks"})
    slots = _slots(await ValidateIntroForm().run(dispatcher, tracker, domain))
    assert slots["consent_given"] is False and slots["screening_for"] == "declined"


async def test_for_whom_is_parsed(dispatcher, domain):
    tracker = make_tracker("for my son", active_loop="intro_form", slots={"consent_given": True},
                           new_slots={"screening_for": "for my son"})
    slots = _slots(await ValidateIntroForm().run(dispatcher, tracker, domain))
    assert slots["screening_for"] == "other"


async def test_result_is_shown_with_the_notice_and_stored(dispatcher, domain):
    answers = {"suicidal_thoughts": "no", "harm_others": "no", "substances": ["alcohol"], "last_use": "within_2_weeks",
               "withdrawal": "no", "seizure_history": "no"}
    tracker = make_tracker("no", intent="deny", sender_id="done-1",
                           slots={"screening_answers": answers, "screening_status": "in_progress"})
    events = await ActionScoreScreening().run(dispatcher, tracker, domain)
    assert "not medical advice" in texts(dispatcher).lower()
    assert _slots(events)["screening_status"] == "completed"
    stored = repositories.latest_screening("done-1")
    assert stored is not None and stored.answers == answers and stored.band
    assert stored.language == "en"


async def test_change_answer_about_a_topic_forgets_that_answer(dispatcher, domain):
    answers = {"suicidal_thoughts": "no", "harm_others": "no", "substances": ["alcohol"], "support": "some"}
    tracker = make_tracker("can i change my answer about support", intent="change_answer",
                           slots={"screening_answers": answers})
    slots = _slots(await ActionChangeAnswer().run(dispatcher, tracker, domain))
    assert slots["screening_current"] == "support"
    assert "support" not in slots["screening_answers"] and "substances" in slots["screening_answers"]


def test_fallbacks_are_counted_only_while_consecutive():
    from actions.fallback import consecutive_fallbacks

    def user(intent):
        return {"event": "user", "parse_data": {"intent": {"name": intent}}}

    assert consecutive_fallbacks([user("greet"), user("nlu_fallback"), {"event": "bot"}, user("nlu_fallback")]) == 2
    assert consecutive_fallbacks([user("nlu_fallback"), user("inform"), user("nlu_fallback")]) == 1
    assert consecutive_fallbacks([user("greet")]) == 0


async def test_second_fallback_in_a_row_offers_a_person(dispatcher, domain):
    from actions.fallback import ActionHandleFallback

    tracker = make_tracker("asdf", intent="nlu_fallback")
    tracker.events.insert(0, {"event": "user", "text": "qwer", "parse_data": {"intent": {"name": "nlu_fallback"}}})
    await ActionHandleFallback().run(dispatcher, tracker, domain)
    assert "connect you with a person" in texts(dispatcher)


async def test_session_start_carries_answers_over_only_with_consent(dispatcher, domain):
    from actions.session import ActionSessionStart

    kept = {"consent_given": True, "screening_answers": {"suicidal_thoughts": "no"}, "screening_status": "in_progress"}
    events = await ActionSessionStart().run(dispatcher, make_tracker(slots=kept), domain)
    slots = _slots(events)
    assert slots["screening_answers"] == {"suicidal_thoughts": "no"}
    assert slots["screening_status"] == "paused"  # so a greeting offers to continue or start over
    events = await ActionSessionStart().run(dispatcher, make_tracker(slots={**kept, "consent_given": None}), domain)
    assert "screening_answers" not in _slots(events)


async def test_a_clicked_quick_reply_is_read_from_its_payload_not_from_nlu(dispatcher, domain):
    from actions.common import choice_payload

    question = load_questionnaire().get("group")
    await ActionAskScreenAnswer().run(dispatcher, make_tracker(slots={"screening_current": "group",
                                                                      "screening_answers": dict(NO_RISK)}), domain)
    payloads = [b["payload"] for b in dispatcher.messages[-1]["buttons"]]
    assert payloads == [choice_payload(c.id) for c in question.choices]
    # NLU read the label as a crisis once; the click still counts as the answer it names
    clicked = question.choices[-1].id
    tracker = make_tracker(choice_payload(clicked), intent="crisis", active_loop="screening_form",
                           slots={"screening_current": "group", "screening_answers": dict(NO_RISK)},
                           new_slots={"screen_answer": choice_payload(clicked)},
                           entities=[{"entity": "choice", "value": clicked}])
    slots = _slots(await ValidateScreeningForm().run(dispatcher, tracker, domain))
    assert slots["screening_answers"]["group"] == clicked


async def test_choose_all_that_apply_buttons_toggle_then_done_stores_them(dispatcher, domain):
    from actions.common import choice_payload
    from bot.conversation.answer_flow import DONE

    base = {"screening_current": "home", "screening_answers": dict(NO_RISK)}

    async def click(choice, selected):
        tracker = make_tracker(choice_payload(choice), intent="inform", active_loop="screening_form",
                               slots={**base, "screening_selected": selected},
                               new_slots={"screen_answer": choice_payload(choice)},
                               entities=[{"entity": "choice", "value": choice}])
        return _slots(await ValidateScreeningForm().run(dispatcher, tracker, domain))

    first = await click("stable", None)
    assert first["screening_selected"] == ["stable"] and "home" not in first.get("screening_answers", {})
    second = await click("someone_uses", ["stable"])
    assert second["screening_selected"] == ["stable", "someone_uses"]
    await ActionAskScreenAnswer().run(dispatcher, make_tracker(slots={**base, "screening_selected":
                                                                      second["screening_selected"]}), domain)
    titles = [b["title"] for b in dispatcher.messages[-1]["buttons"]]
    assert titles[0].startswith("\u2713") and titles[-1] == "Done"
    unticked = await click("stable", ["stable", "someone_uses"])
    assert unticked["screening_selected"] == ["someone_uses"]
    done = await click(DONE, ["someone_uses"])
    assert done["screening_answers"]["home"] == ["someone_uses"] and done["screening_selected"] is None


async def test_a_reading_in_between_is_said_back_and_stored_on_yes(dispatcher, domain):
    base = {"screening_current": "withdrawal", "screening_answers": {**NO_RISK, "substances": ["alcohol"],
                                                                     "last_use": 1}}
    tracker = make_tracker("maybe a lil", active_loop="screening_form", slots=base,
                           new_slots={"screen_answer": "maybe a lil"})
    asked = _slots(await ValidateScreeningForm().run(dispatcher, tracker, domain))
    assert asked["screening_pending"] in ("yes", "unsure") and "withdrawal" not in asked.get("screening_answers", {})
    assert responses(dispatcher) == ["utter_confirm_answer"]
    assert dispatcher.messages[-1]["understood"]
    await ActionAskScreenAnswer().run(dispatcher, make_tracker(slots={**base, **asked}), domain)
    assert len(dispatcher.messages) == 1  # the question is not repeated under "is that right?"
    yes = make_tracker("/affirm", intent="affirm", active_loop="screening_form",
                       slots={**base, "screening_pending": asked["screening_pending"]},
                       new_slots={"screen_answer": "/affirm"})
    stored = _slots(await ValidateScreeningForm().run(dispatcher, yes, domain))
    assert stored["screening_answers"]["withdrawal"] == asked["screening_pending"]
    assert stored["screening_pending"] is None
    no = make_tracker("no thats wrong", intent="deny", active_loop="screening_form",
                      slots={**base, "screening_pending": "yes"}, new_slots={"screen_answer": "no thats wrong"})
    again = _slots(await ValidateScreeningForm().run(dispatcher, no, domain))
    assert "withdrawal" not in again.get("screening_answers", {}) and again["screening_pending"] is None
    assert responses(dispatcher)[-1] == "utter_answer_try_again"


async def test_descriptions_are_answers(domain):
    cases = [("withdrawal", "dope sick bad when i run out", "yes"), ("medical", "im 10 weeks pregnant", "yes"),
             ("withdrawal", "no i can stop whenever", "no"), ("readiness", "my wife is making me", "someone_else")]
    for qid, text, expected in cases:
        answers = {**NO_RISK, "substances": ["opioids"], "last_use": 1}
        tracker = make_tracker(text, intent="stop_screening", active_loop="screening_form",
                               slots={"screening_current": qid, "screening_answers": answers},
                               new_slots={"screen_answer": text})
        slots = _slots(await ValidateScreeningForm().run(CollectingDispatcher(), tracker, domain))
        assert slots.get("screening_answers", {}).get(qid, slots.get("screening_pending")) == expected, text


async def test_consent_question_comes_after_the_notice_on_both_channels(dispatcher, domain):
    from actions.intro import ActionAskConsentAnswer

    await ActionAskConsentAnswer().run(dispatcher, make_tracker(), domain)
    notice, question = rendered(dispatcher)
    assert "not medical advice" in notice["text"] and "988" in notice["text"]
    assert [b["payload"] for b in question["buttons"]] == ["Yes", "No"]
    notice, question = rendered(dispatcher, channel="twilio")
    assert not question.get("buttons") and "YES or NO" in question["text"] and "988" in notice["text"]


async def test_a_typed_choice_read_as_stop_still_answers_the_question(dispatcher, domain):
    answers = {**NO_RISK, "substances": ["opioids"]}
    slots = {"screening_current": "opioid_medication", "screening_answers": answers,
             "requested_slot": "screen_answer"}
    tracker = make_tracker("not now, but interested", intent="stop_screening", active_loop="screening_form",
                           slots=slots, new_slots={"screen_answer": "not now, but interested"})
    result = _slots(await ValidateScreeningForm().run(dispatcher, tracker, domain))
    assert result["screening_answers"]["opioid_medication"] == "interested"
    assert result["screening_current"] != "opioid_medication"


async def test_a_clear_stop_or_goodbye_pauses_the_form_and_an_answer_shaped_stop_does_not(dispatcher, domain):
    slots = {"screening_current": "readiness", "requested_slot": "screen_answer",
             "screening_answers": {**NO_RISK, "substances": ["opioids"]}}
    for text, intent, expected in (("not now", "stop_screening", "paused"), ("can we stop", "inform", "paused"),
                                   ("bye", "goodbye", "goodbye"), ("ya no quiero seguir", "stop_screening",
                                                                   "paused")):
        tracker = make_tracker(text, intent=intent, active_loop="screening_form", slots=slots,
                               new_slots={"screen_answer": text})
        result = _slots(await ValidateScreeningForm().run(dispatcher, tracker, domain))
        assert result["screen_answer"] == expected and result["screening_status"] == "paused", text
    tracker = make_tracker("i want to stop using i think", intent="stop_screening", active_loop="screening_form",
                           slots=slots, new_slots={"screen_answer": "i want to stop using i think"})
    result = _slots(await ValidateScreeningForm().run(dispatcher, tracker, domain))
    assert "screening_status" not in result
    assert result.get("screening_answers", {}).get("readiness") or result.get("screening_pending")


async def test_a_correction_typed_as_an_answer_asks_that_earlier_question_again(dispatcher, domain):
    answers = {**NO_RISK, "home": ["alone"]}
    text = "i said i live alone but i actually live with my sister"
    tracker = make_tracker(text, active_loop="screening_form",
                           slots={"screening_current": "support", "screening_answers": dict(answers)},
                           new_slots={"screen_answer": text})
    slots = _slots(await ValidateScreeningForm().run(dispatcher, tracker, domain))
    assert slots["screening_current"] == "home" and "home" not in slots["screening_answers"]
    assert "support" not in slots["screening_answers"]  # not taken as the answer to the current question
    assert responses(dispatcher) == ["utter_redo_answer"]


ASK_CASES = [  # (open question, what the person writes, slots before): every way a turn of the form can go
    ("suicidal_thoughts", "nope", {}),
    ("support", "purple", {}),
    ("support", "purple", {"screening_reasks": 1.0}),
    ("withdrawal", "maybe a lil", {"substances": ["alcohol"], "last_use": 1}),
    ("home", "i live alone and its stable", {}),
    ("withdrawal", "i said no drugs but i meant alcohol", {"substances": ["opioids"], "last_use": 1}),
    ("support", "stop", {}),
    ("suicidal_thoughts", "yes i want to kill myself", {}),
    ("readiness", "i want to start now", {"substances": ["alcohol"], "last_use": 1}),
]


@pytest.mark.parametrize(("current", "text", "earlier"), ASK_CASES)
@pytest.mark.parametrize("language", ["en", "es"])
async def test_the_validator_asks_what_the_ask_action_would_after_it(domain, current, text, earlier, language):
    """A turn of the form used to end with Rasa calling action_ask_screen_answer; the validator now asks in the
    same call. Its messages and slots must be exactly the validator's own followed by what the ask action says
    and sets given the validator's slots."""
    base = {"screening_current": current, "screening_answers": {**NO_RISK, **earlier}, "language": language}
    if current == "suicidal_thoughts":
        base["screening_answers"] = {}
    tracker = make_tracker(text, active_loop="screening_form", slots=base, new_slots={"screen_answer": text})
    now = CollectingDispatcher()
    slots = _slots(await ValidateScreeningForm().run(now, tracker, domain))

    if slots.get("screen_answer") is not None:  # the form ends or pauses: Rasa asks nothing
        assert "form_asked" not in slots
        return
    assert slots["form_asked"] == "screen_answer"
    after = {k: v for k, v in slots.items() if k != "form_asked"}
    ask = CollectingDispatcher()
    asked = _slots(await ActionAskScreenAnswer().run(ask, make_tracker(slots={**base, **after}), domain))
    assert now.messages[len(now.messages) - len(ask.messages):] == ask.messages
    assert slots["screening_current"] == asked["screening_current"]
