"""The one-screen snapshot at the top of a handoff, and readable labels for summary values.

``snapshot(handoff, summary, partial, tz)`` -> dict of what a coordinator needs at a glance: band, red flags,
substances, last use, instrument scores, unclear and unanswered questions, contact and preferred time.
``source_title(file)`` -> the seed document's title from ``data/screening/source_titles.yml``.
``partial_summary(answers)`` -> a summary scored from the answers given so far (crisis handoffs stop the
screening early), or None.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

TITLES_FILE = Path(__file__).resolve().parents[2] / "data" / "screening" / "source_titles.yml"
EFFECT_LABELS = {
    "red_flag": "Red flag",
    "step_up": "Points to a more intensive level",
    "caution": "Clinician to review",
    "supports_iop": "Points to IOP (over standard outpatient)",
    "lower_level": "Standard outpatient may be enough",
    "information": "For information",
}
CONTACT_LABELS = {"chat": "Chat", "text": "Text message", "call": "Phone call"}
CHANNEL_LABELS = {"socketio": "Web chat", "web": "Web chat", "rest": "Partner (REST)", "twilio": "SMS",
                  "sms": "SMS", "unknown": "Unknown"}
REASON_LABELS = {"crisis": "Crisis", "asked_for_person": "Asked for a person",
                 "end_of_screening": "Finished screening"}


@functools.lru_cache(maxsize=1)
def _titles() -> dict[str, str]:
    try:
        data = yaml.safe_load(TITLES_FILE.read_text(encoding="utf-8")) or {}
    except OSError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def source_title(file: str) -> str:
    """The document's title, or the file name when the title list does not know it."""
    return _titles().get(file, file)


def channel_label(channel: str | None) -> str:
    return CHANNEL_LABELS.get(channel or "unknown", channel or "Unknown")


def local_time(value: dt.datetime | None, tz: str) -> str:
    """A naive-UTC time as clinic-local ``2026-12-02 10:51 EST``."""
    if value is None:
        return ""
    try:
        zone = ZoneInfo(tz)
    except (KeyError, ValueError):
        zone = dt.timezone.utc
    return value.replace(tzinfo=dt.timezone.utc).astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


@functools.lru_cache(maxsize=1)
def _screening_data():
    from bot.screening import load_criteria, load_questionnaire

    return load_questionnaire(), load_criteria()


def partial_summary(answers: Any) -> dict | None:
    """Score the answers given so far; None when there are none (or the data cannot be read)."""
    if not isinstance(answers, dict) or not answers:
        return None
    from bot.screening import build_summary, score

    questionnaire, criteria = _screening_data()
    result = score(answers, questionnaire, criteria)
    return {**build_summary(result, answers, questionnaire), "partial": True}


def _answer(summary: dict, question_id: str) -> str | None:
    for area in summary.get("answers_by_area") or []:
        for row in area.get("answers") or []:
            if row.get("question_id") == question_id:
                return str(row.get("answer"))
    return None


def _question_labels(ids: list) -> list[str]:
    try:
        questionnaire, _ = _screening_data()
    except Exception:  # noqa: BLE001 - labels are a nicety; fall back to ids
        return [str(i).replace("_", " ") for i in ids]
    return [questionnaire.get(i).label if questionnaire.get(i) else str(i) for i in ids]


def _scores(summary: dict) -> list[dict[str, Any]]:
    try:
        instruments = _screening_data()[0].instruments
    except Exception:  # noqa: BLE001
        instruments = {}
    out = []
    for key, sc in (summary.get("scores") or {}).items():
        inst = instruments.get(key)
        items = len(inst.items) if inst else None
        answered = len(sc.get("answered_items") or [])
        out.append({"name": inst.name if inst else key, "score": sc.get("score"), "max": sc.get("max"),
                    "complete": bool(sc.get("complete")),
                    "answered": f"{answered} of {items} items" if items else f"{answered} items",
                    "note": inst.note if inst else ""})
    return out


def consent_text(handoff: Any) -> str:
    if handoff.consent:
        return "Yes, agreed to be contacted"
    return "Not asked yet (the contact questions were not reached)"


def snapshot(handoff: Any, summary: dict | None, tz: str) -> dict[str, Any]:
    """What the top of the handoff page shows, every value in words."""
    summary = summary or {}
    unanswered = list(summary.get("unanswered") or [])
    return {
        "band": summary.get("band_label") or (summary.get("band") or "").replace("_", " ") or None,
        "urgent": handoff.urgency == "urgent",
        "partial": bool(summary.get("partial")),
        "complete": summary.get("complete"),
        "red_flags": [str(f.get("staff_text") or f.get("text") or f) if isinstance(f, dict) else str(f)
                      for f in summary.get("red_flags") or []],
        "substances": _answer(summary, "substances"),
        "last_use": _answer(summary, "last_use"),
        "withdrawal": _answer(summary, "withdrawal"),
        "scores": _scores(summary),
        "unclear": _question_labels(list(summary.get("unclear") or [])),
        "unanswered_count": len(unanswered),
        "for_whom": "Someone they care about (family / friend answering)" if summary.get("for_whom") == "other"
        else ("Themself" if summary else None),
        "reason": REASON_LABELS.get(handoff.reason, handoff.reason),
        "channel": channel_label(handoff.channel),
        "contact_method": CONTACT_LABELS.get(handoff.contact_preference or "", "Not given"),
        "best_time": handoff.best_time or "Not given",
        "first_name": handoff.first_name or "Not given",
        "phone": handoff.phone or "Not given",
        "consent": consent_text(handoff),
        "waiting_since": local_time(handoff.created_at, tz),
        "trigger": handoff.trigger_message,
    }
