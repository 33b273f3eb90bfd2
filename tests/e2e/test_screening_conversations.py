"""Whole screenings over REST against real Rasa and action servers, answered the way people type."""

import pytest

from bot.store import repositories
from bot.store.models import ConversationActivity
from tests.e2e.conversation import all_text, answer_all, asked_question, database, start

pytestmark = pytest.mark.e2e

# A person drinking heavily every day, no safety risk, with a supportive home: free text throughout.
SELF_FREE_TEXT = {
    "suicidal_thoughts": "nope", "suicide_plan": "no", "suicide_behavior": "nah", "harm_others": "no way",
    "substances": "mostly booze tbh", "last_use": "last night", "withdrawal": "yeah i get shaky in the morning",
    "seizure_history": "never had one", "alcohol_frequency": "every day", "alcohol_amount": "like 8",
    "alcohol_binge": "most days", "use_frequency": "every day", "medical": "no", "phq_interest": "several days",
    "phq_mood": "not at all", "mental_health": "anxiety", "daily_functioning": "kinda",
    "readiness": "I'm ready to start now", "relapse": "no", "home": "stable, i live with my wife",
    "support": "my wife and my sister are really supportive", "recent_treatment": "none",
    "attend": "evenings work", "group": "comfortable", "worries": "cost",
}


def test_full_screening_for_myself_in_free_text(stack):
    sender = "e2e-self"
    replies, asked = answer_all(stack, sender, start(stack, sender), SELF_FREE_TEXT)
    said = all_text(replies)
    assert "not medical advice" in said
    assert asked[0] == "suicidal_thoughts"  # safety comes first
    assert len(asked) <= 25
    with database(stack) as session:
        screening = repositories.latest_screening(session, sender)
        assert screening is not None
        assert screening.for_whom == "self"
        unclear = [qid for qid, value in screening.answers.items() if value == "unclear"]
        assert not unclear, f"free-text answers not understood: {unclear}"
        # daily drinking with morning shakes is withdrawal risk: never an IOP-good-fit result
        assert screening.band != "iop_good_fit"
    # offered a person; "yes" creates a normal handoff
    assert "someone from our team" in said
    assert "reach you" in all_text(stack.send(sender, "yes please"))
    stack.send(sender, "stay in this chat")
    stack.send(sender, "skip")
    done = all_text(stack.send(sender, "yes"))
    assert "let our team know" in done
    with database(stack) as session:
        handoff = repositories.get_active_handoff(session, sender)
        assert handoff is not None and handoff.urgency == "normal" and handoff.reason == "end_of_screening"
        assert handoff.contact_preference == "chat" and handoff.consent is True and handoff.first_name is None


def test_screening_for_a_loved_one_uses_their_wording(stack):
    sender = "e2e-other"
    replies = start(stack, sender, "it's for my son")
    assert asked_question(replies, who="other") == "suicidal_thoughts"
    answers = {**SELF_FREE_TEXT, "substances": "he uses percs and sometimes fent", "withdrawal": "not sure",
               "readiness": "he doesn't think he needs it", "opioid_medication": "Not now, but interested"}
    replies, asked = answer_all(stack, sender, replies, answers, who="other")
    assert "not medical advice" in all_text(replies)
    with database(stack) as session:
        screening = repositories.latest_screening(session, sender)
        assert screening.for_whom == "other"
        assert "opioids" in screening.answers["substances"]
        # a typed choice that sounds like "not now" answers the question instead of pausing
        assert screening.answers["opioid_medication"] == "interested"


def test_faq_digressions_and_an_answer_change_resume_the_form(stack):
    sender = "e2e-faq"
    replies = start(stack, sender)
    replies = stack.send(sender, "no")  # suicidal_thoughts
    following = asked_question(replies)
    faq = stack.send(sender, "how many hours a week is IOP?")
    assert "hours" in all_text(faq)
    assert asked_question(faq) == following, "the form must ask the same question again after an FAQ"
    faq2 = stack.send(sender, "will my employer find out?")
    assert "employer" in all_text(faq2) or "private" in all_text(faq2)
    assert asked_question(faq2) == following
    # answer, then change the previous answer
    replies = stack.send(sender, SELF_FREE_TEXT.get(following, "no"))
    changed = stack.send(sender, "go back")
    assert asked_question(changed) == following
    replies, _ = answer_all(stack, sender, stack.send(sender, "no"), SELF_FREE_TEXT)
    assert "not medical advice" in all_text(replies)


def test_a_correction_typed_as_an_answer_redoes_that_question(stack):
    sender = "e2e-correction"
    answers = {**SELF_FREE_TEXT, "home": "my roommate drinks a lot"}
    replies, asked = answer_all(stack, sender, start(stack, sender), answers, stop_after="home")
    assert asked[-1] == "home" and asked_question(replies) != "home"
    replies = stack.send(sender, "i said my roommate drinks but actually i live with my wife now, its a stable home")
    assert "redo" in all_text(replies) and asked_question(replies) == "home"
    replies, _ = answer_all(stack, sender, stack.send(sender, "stable, i live with my wife"), SELF_FREE_TEXT)
    assert "not medical advice" in all_text(replies)
    with database(stack) as session:
        assert repositories.latest_screening(session, sender).answers["home"] == ["stable"]


def test_stop_then_resume_keeps_earlier_answers(stack):
    sender = "e2e-stop"
    replies = start(stack, sender)
    replies = stack.send(sender, "no")
    replies = stack.send(sender, "no")
    open_question = asked_question(replies)
    paused = stack.send(sender, "I need to stop for now")
    assert "saved" in all_text(paused) and "continue" in all_text(paused)
    with database(stack) as session:  # what the Overview counts: where this person stopped, nothing they said
        row = session.query(ConversationActivity).filter_by(sender_id=sender).one()
        assert (row.channel, row.language, row.question) == ("web", "en", open_question)
        assert row.screening_opened_at is not None and row.last_active_at >= row.screening_opened_at
    resumed = stack.send(sender, "continue")
    qid = asked_question(resumed)
    assert qid is not None and qid not in ("suicidal_thoughts",)
    replies, _ = answer_all(stack, sender, resumed, SELF_FREE_TEXT)
    with database(stack) as session:
        assert repositories.latest_screening(session, sender).answers["suicidal_thoughts"] == "no"


def test_talk_to_a_person_mid_screening(stack):
    sender = "e2e-human"
    start(stack, sender)
    assert "reach you" in all_text(stack.send(sender, "can I talk to a real person"))
    assert "number" in all_text(stack.send(sender, "call me please"))
    assert "good time" in all_text(stack.send(sender, "(555) 201-3344"))
    stack.send(sender, "weekday evenings")
    stack.send(sender, "my name is sam")
    assert "let our team know" in all_text(stack.send(sender, "yes"))
    with database(stack) as session:
        handoff = repositories.get_active_handoff(session, sender)
        assert handoff.contact_preference == "call" and handoff.phone == "+15552013344"
        assert handoff.first_name == "Sam" and handoff.best_time == "weekday evenings"


def test_no_consent_to_contact_creates_no_handoff(stack):
    sender = "e2e-no-contact"
    stack.send(sender, "i want to talk to someone")
    stack.send(sender, "stay here")
    stack.send(sender, "skip")
    reply = all_text(stack.send(sender, "no"))
    assert "won't contact you" in reply and "988" in reply
    with database(stack) as session:
        assert repositories.get_active_handoff(session, sender) is None
