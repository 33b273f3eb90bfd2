"""The handoff page renders a real screening summary (bot.screening.build_summary): red flags first, band,
every reason with its seed source, answers by area."""

from fastapi.testclient import TestClient
from markupsafe import escape

from bot.screening import load_criteria, load_questionnaire, score
from bot.screening.summary import build_summary
from bot.store import db
from bot.store import repositories as repo

RED_FLAG_ANSWERS = {"substances": ["alcohol"], "last_use": 1, "withdrawal": "yes", "seizure_history": "yes"}


def _answers(questionnaire):
    answers = {}
    for _ in range(100):
        question = questionnaire.next_question(answers)
        if question is None:
            break
        if question.id in RED_FLAG_ANSWERS:
            answers[question.id] = RED_FLAG_ANSWERS[question.id]
        elif question.type == "multi_choice":
            answers[question.id] = [question.choices[-1].id]
        elif question.choices:
            answers[question.id] = (
                "no" if any(c.id == "no" for c in question.choices) else question.choices[0].id
            )
        else:
            answers[question.id] = 3
    return answers


def test_handoff_page_shows_a_real_summary(web, app, console_settings):
    questionnaire, criteria = load_questionnaire(), load_criteria()
    answers = _answers(questionnaire)
    result = score(answers, questionnaire, criteria)
    summary = build_summary(result, answers, questionnaire, for_whom="self", channel="web")
    assert result.red_flags, "the chosen answers should raise a red flag"
    with db.session_scope(console_settings) as s:
        sid = repo.save_screening(
            s,
            sender_id="real-1",
            channel="web",
            answers=answers,
            band=result.band,
            reasons=summary["reasons"],
            criteria_version=result.criteria_version,
            summary=summary,
        )
        hid = repo.create_handoff(
            s, sender_id="real-1", channel="web", reason="end_of_screening", screening_id=sid
        )

    client = TestClient(app)
    web.login(client, *web.STAFF)
    page = client.get(f"/handoffs/{hid}").text
    snap = page[page.index('id="snapshot"'):page.index('id="conversation"')]
    assert snap.index('id="snap-red-flags"') < snap.index('id="snap-band"')
    assert str(escape(summary["red_flags"][0]["staff_text"])) in snap
    page = page[page.index('id="summary"'):]  # the full summary below the snapshot and transcript
    flags_at = page.index('id="red-flags"')
    band_at = page.index(str(escape(summary["band_label"])))
    reasons_at = page.index('id="reasons"') if 'id="reasons"' in page else len(page)
    assert flags_at < band_at < reasons_at
    for flag in summary["red_flags"]:
        assert flags_at < page.index(str(escape(flag["staff_text"]))) < band_at
    for reason in summary["reasons"]:
        assert str(escape(reason["staff_text"])) in page
        assert f'title="{reason["source_file"].split("; ")[0]}"' in page  # the title is shown, the file on hover
    first_quote = summary["reasons"][0]["sources"][0]["quote"]
    assert str(escape(first_quote)) in page
    flagged = {f["criterion_id"] for f in summary["red_flags"]}
    if 'id="reasons"' in page:  # red flags are not repeated among the other reasons
        reasons_html = page[reasons_at : page.index("</ul>", reasons_at)]
        for reason in summary["reasons"]:
            if reason["criterion_id"] in flagged:
                assert str(escape(reason["staff_text"])) not in reasons_html
    first_area = summary["answers_by_area"][0]
    assert str(escape(first_area["label"])) in page
    assert str(escape(first_area["answers"][0]["question"])) in page


async def test_handoff_page_names_the_conversation_language_and_marks_messages(web, app, console_settings):
    """Staff see 'Spanish' and each Spanish message marked (lang="es"); the summary stays in English."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.store.tracker_store import EncryptedSQLTrackerStore

    tracker = DialogueStateTracker.from_events("es-1", [
        UserUttered("hola, mi hijo toma pastillas", parse_data={
            "intent": {"name": "start_screening"}, "entities": [{"entity": "language", "value": "es"}]}),
        SlotSet("language", "es"),
        BotUttered("Gracias por escribirnos."),
    ])
    store = EncryptedSQLTrackerStore(domain=Domain.empty(), url=console_settings.database_url,
                                     settings=console_settings)
    await store.save(tracker)
    with db.session_scope(console_settings) as s:
        hid = repo.create_handoff(s, sender_id="es-1", channel="web")
        assert repo.get_handoff(s, hid).language == "es"  # from the conversation's language slot
    client = TestClient(app)
    web.login(client, *web.STAFF)
    page = client.get(f"/handoffs/{hid}").text
    assert 'id="language">Spanish</span>' in page
    assert page.count('lang="es"') == 2 and "ES</span>" in page
    fragment = client.get(f"/handoffs/{hid}/transcript").text
    assert 'lang="es">hola, mi hijo toma pastillas' in fragment
