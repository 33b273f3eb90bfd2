"""Turn a screening's summary JSON into what the handoff page shows.

Built for ``bot.screening.summary.build_summary`` output (``band_label``, ``red_flags`` and ``reasons`` with
``staff_text``/``sources`` [{file, quote}], ``answers_by_area``, ``area_risks`` …) but tolerant of any shape:
red flags first, then the band, then reasons each with its sources; unknown keys are shown generically.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from bot.console.snapshot import EFFECT_LABELS, source_title

TEXT_KEYS = ("staff_text", "text", "reason", "explanation", "message", "label", "title", "criterion_id", "id")
SOURCE_KEYS = ("sources", "source", "source_file", "seed", "cite", "citation")
AREA_WORDS = {"mental_health": "mental health"}
HIDDEN_ITEM_KEYS = {
    "person_text",
    "source_quote",
    "source_file",
    "criterion_id",
    "effect",
    "area",
    "risk",
    "conflict",
    "answers",
}
SHOWN_KEYS = {
    "red_flags",
    "flags",
    "band",
    "band_label",
    "reasons",
    "answers_by_area",
    "area_risks",
    "schema",
    "disclaimer",
    "criteria_version",
    "for_whom",
    "channel",
    "urgent",
    "complete",
    "unanswered",
    "unclear",
    "scores",
    "contact",
    "questionnaire_version",
    "partial",
}


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _source(value: Any) -> dict[str, str]:
    """``{file, title, quote}``: the title comes from data/screening/source_titles.yml."""
    if isinstance(value, dict):
        file = str(value.get("file") or value.get("source") or "")
        return {"file": file, "title": source_title(file), "quote": str(value.get("quote") or "")}
    return {"file": str(value), "title": source_title(str(value)), "quote": ""}


def _badges(item: dict) -> list[str]:
    out = []
    if item.get("effect"):
        out.append(EFFECT_LABELS.get(item["effect"], str(item["effect"]).replace("_", " ")))
    if item.get("area"):
        out.append(AREA_WORDS.get(item["area"], str(item["area"]).replace("_", " ")))
    if item.get("risk"):
        out.append(f"{item['risk']} risk")
    return out


def item_view(item: Any) -> dict[str, Any]:
    """``{"text", "sources": [{file, quote}], "badges": [...], "conflict", "extra": {...}}`` for a reason or
    red flag given as a string or a dict."""
    if not isinstance(item, dict):
        return {"text": str(item), "sources": [], "badges": [], "conflict": False, "extra": {}}
    text_key = next((k for k in TEXT_KEYS if item.get(k)), None)
    source_key = next((k for k in SOURCE_KEYS if item.get(k)), None)
    sources = [_source(s) for s in _as_list(item.get(source_key))] if source_key else []
    badges = _badges(item)
    extra = {
        k: v
        for k, v in item.items()
        if k not in (text_key, source_key) and k not in HIDDEN_ITEM_KEYS and v not in (None, "", [], {})
    }
    return {
        "text": str(item[text_key]) if text_key else "",
        "sources": sources,
        "badges": badges,
        "conflict": bool(item.get("conflict")),
        "extra": extra,
    }


def _areas(summary: dict) -> list[dict[str, Any]]:
    areas = []
    for area in _as_list(summary.get("answers_by_area")):
        if not isinstance(area, dict):
            continue
        rows = [
            {
                "question": str(r.get("question") or r.get("question_id") or ""),
                "answer": str(r.get("answer") or ""),
            }
            for r in _as_list(area.get("answers"))
            if isinstance(r, dict)
        ]
        areas.append(
            {
                "label": str(area.get("label") or area.get("area") or ""),
                "risk": area.get("risk"),
                "rows": rows,
            }
        )
    return areas


def partial_view(summary: dict) -> dict[str, Any]:
    """The view of a summary scored from a stopped screening's answers (no stored screening row)."""
    return summary_view(SimpleNamespace(summary=summary, reasons=[], band=summary.get("band"),
                                        criteria_version=None, for_whom=None, completed_at=None, answers={}))


def summary_view(screening: Any) -> dict[str, Any] | None:
    if screening is None:
        return None
    summary = screening.summary if screening.summary is not None else {}
    if not isinstance(summary, dict):
        summary = {"summary": summary}
    red_flags = [item_view(f) for f in _as_list(summary.get("red_flags") or summary.get("flags"))]
    reasons = _as_list(summary.get("reasons")) or _as_list(screening.reasons)
    flagged = {f.get("criterion_id") for f in _as_list(summary.get("red_flags")) if isinstance(f, dict)} - {
        None
    }
    areas = _areas(summary)
    return {
        "red_flags": red_flags,
        "band": summary.get("band_label") or summary.get("band") or screening.band,
        "band_code": screening.band or summary.get("band"),
        "reasons": [
            item_view(r) for r in reasons if not (isinstance(r, dict) and r.get("criterion_id") in flagged)
        ],
        "areas": areas,
        "area_risks": summary.get("area_risks") if isinstance(summary.get("area_risks"), dict) else {},
        "other": {k: v for k, v in summary.items() if k not in SHOWN_KEYS and v not in (None, "", [], {})},
        "answers": {} if areas else (screening.answers or {}),
        "criteria_version": screening.criteria_version or summary.get("criteria_version"),
        "for_whom": screening.for_whom or summary.get("for_whom"),
        "completed_at": screening.completed_at,
        "disclaimer": summary.get("disclaimer"),
    }
