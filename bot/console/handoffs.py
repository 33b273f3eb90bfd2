"""One handoff: its page, the transcript fragment and what staff do with it.

    GET  /handoffs/{id} (+ /transcript)      summary, transcript, notes, status, reply box
    POST /handoffs/{id}/status|assign|notes  status actions (the repository's rule), assignee, notes
    POST /handoffs/{id}/reply|deliver        a staff reply, saved and handed to the chat server for delivery
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from bot.console import relay
from bot.console.deps import CurrentUser, DbSession, DbSessions, NotFound, back_to, csrf, flash, render
from bot.console.snapshot import channel_label, partial_summary, snapshot
from bot.console.summary import partial_view, summary_view
from bot.store import repositories as repo
from bot.store.models import Handoff
from bot.store.slots import latest_slot
from bot.store.transcript import conversation_language, load_transcript
from bot.texts import staff_language_name

router = APIRouter(prefix="/handoffs/{handoff_id}")

ACTION_LABELS = {
    "claim": "Claim",
    "in_conversation": "Mark in conversation",
    "release": "Release back to the bot",
    "close": "Close",
    "reopen": "Reopen",
}
STATUS_MESSAGES = {
    "release": "Released: the bot answers this person again.",
    "close": "Handoff closed.",
}


def _handoff(s, handoff_id: int) -> Handoff:
    handoff = repo.get_handoff(s, handoff_id)
    if handoff is None:
        raise NotFound("handoff", handoff_id)
    return handoff


@router.get("", response_class=HTMLResponse)
def handoff_page(request: Request, handoff_id: int, user: CurrentUser, s: DbSession):
    handoff = _handoff(s, handoff_id)
    screening = handoff.screening or repo.latest_screening(s, handoff.sender_id)
    partial = None if screening is not None else \
        partial_summary(latest_slot(s, handoff.sender_id, "screening_answers"))
    transcript = load_transcript(handoff.sender_id, session=s)
    staff = [u for u in repo.list_staff(s) if u.active]
    notes = repo.list_notes(s, handoff_id)
    replies = repo.list_staff_messages(s, handoff_id)
    actions = repo.allowed_actions(s, handoff)
    repo.audit(s, user.username, "handoff.view", f"handoff:{handoff_id}",
               {"screening_id": screening.id if screening else None})
    stored = screening.summary if screening is not None and isinstance(screening.summary, dict) else None
    clinic_tz = request.app.state.settings.staffed_hours.timezone
    return render(
        request, "handoff.html", user, snap=snapshot(handoff, stored or partial, clinic_tz), staff=staff,
        channel_label=channel_label, partial=partial is not None,
        handoff=handoff, screening=screening, transcript=transcript,
        summary=summary_view(screening) if screening is not None else (partial and partial_view(partial)),
        language=staff_language_name(conversation_language(transcript)), notes=notes, replies=replies,
        actions=[(a, ACTION_LABELS[a]) for a in actions],
    )


@router.get("/transcript", response_class=HTMLResponse)
def transcript_fragment(request: Request, handoff_id: int, user: CurrentUser, s: DbSession):
    handoff = _handoff(s, handoff_id)
    transcript = load_transcript(handoff.sender_id, session=s)
    repo.audit_throttled(s, user.username, "transcript.refresh", f"handoff:{handoff_id}")
    return render(request, "_transcript.html", user, transcript=transcript, handoff=handoff)


@router.post("/status", dependencies=[csrf])
def change_status(request: Request, handoff_id: int, user: CurrentUser, sessions: DbSessions,
                  action: str = Form("")):
    try:
        with sessions.begin() as s:
            status = repo.change_status(s, handoff_id, action, repo.get_staff(s, user.id)).status
    except repo.InvalidTransition as exc:
        flash(request, "error", str(exc))
        return back_to(handoff_id)
    flash(request, "ok", STATUS_MESSAGES.get(action, f"Status is now {status.replace('_', ' ')}."))
    return back_to(handoff_id)


@router.post("/assign", dependencies=[csrf])
def assign(request: Request, handoff_id: int, user: CurrentUser, sessions: DbSessions, staff_id: str = Form("")):
    target = int(staff_id) if staff_id.isdigit() else None
    try:
        with sessions.begin() as s:
            row = repo.reassign(s, handoff_id, target, repo.get_staff(s, user.id))
            name = row.assignee.username if row.assignee else None
    except repo.InvalidTransition as exc:
        flash(request, "error", str(exc))
        return back_to(handoff_id)
    flash(request, "ok", f"Assigned to {name}." if name else "Nobody is assigned now; the bot answers again.")
    return back_to(handoff_id)


@router.post("/notes", dependencies=[csrf])
def add_note(request: Request, handoff_id: int, user: CurrentUser, sessions: DbSessions, text: str = Form("")):
    try:
        with sessions.begin() as s:
            repo.add_note(s, handoff_id, user.username, text)
    except ValueError as exc:
        flash(request, "error", str(exc))
        return back_to(handoff_id)
    flash(request, "ok", "Note saved.")
    return back_to(handoff_id)


def _attempt_delivery(request: Request, sessions, handoff_id: int, sender_id: str, actor: str) -> None:
    result = relay.deliver(request.app.state.settings, sender_id)
    with sessions.begin() as s:
        pending = [m.id for m in repo.pending_staff_messages(s, sender_id)]
        repo.record_delivery_attempt(s, pending, result.error)
        repo.audit(s, actor, "reply.deliver", f"handoff:{handoff_id}", {"ok": result.ok, "pending": len(pending)})
    if result.ok:
        flash(request, "ok", "Reply sent to the chat server for delivery.")
    else:
        flash(request, "error", f"Not delivered yet: {result.error}. The reply is saved and stays "
                                "pending; use “Retry delivery” when the chat server is back.")


@router.post("/reply", dependencies=[csrf])
def reply(request: Request, handoff_id: int, user: CurrentUser, sessions: DbSessions, text: str = Form("")):
    try:
        with sessions.begin() as s:
            handoff = _handoff(s, handoff_id)
            if not handoff.is_open:
                flash(request, "error", "This handoff is closed; reopen it to reply.")
                return back_to(handoff_id)
            if handoff.status != "in_conversation":
                repo.change_status(s, handoff_id, "in_conversation", repo.get_staff(s, user.id))
            repo.add_staff_message(s, handoff_id, user.username, text)
            sender_id = handoff.sender_id
    except ValueError as exc:
        flash(request, "error", str(exc))
        return back_to(handoff_id)
    _attempt_delivery(request, sessions, handoff_id, sender_id, user.username)
    return back_to(handoff_id)


@router.post("/deliver", dependencies=[csrf])
def retry_delivery(request: Request, handoff_id: int, user: CurrentUser, sessions: DbSessions):
    with sessions() as s:
        sender_id = _handoff(s, handoff_id).sender_id
    _attempt_delivery(request, sessions, handoff_id, sender_id, user.username)
    return back_to(handoff_id)
