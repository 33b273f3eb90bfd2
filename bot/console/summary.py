"""Turn a screening's summary JSON into what the handoff page shows, without assuming one fixed shape.

Red flags come first (``red_flags`` / ``flags``), then the band (``band_label`` / ``band`` / the screening's
band), then reasons (``reasons`` of the summary or of the screening) each with its sources; every other key
is shown generically.
"""

from __future__ import annotations

from typing import Any

TEXT_KEYS = ("text", "reason", "explanation", "message", "label", "title", "criterion", "id")
SOURCE_KEYS = ("sources", "source", "seed", "cite", "citation")
USED_KEYS = {"red_flags", "flags", "band", "band_label", "reasons"}


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def item_view(item: Any) -> dict[str, Any]:
    """``{"text", "sources": [...], "extra": {...}}`` for a reason / red flag given as a string or a dict."""
    if not isinstance(item, dict):
        return {"text": str(item), "sources": [], "extra": {}}
    text_key = next((k for k in TEXT_KEYS if item.get(k)), None)
    source_key = next((k for k in SOURCE_KEYS if item.get(k)), None)
    sources = [str(s) for s in _as_list(item.get(source_key))] if source_key else []
    extra = {k: v for k, v in item.items() if k not in (text_key, source_key) and v not in (None, "", [], {})}
    return {"text": str(item[text_key]) if text_key else "", "sources": sources, "extra": extra}


def summary_view(screening: Any) -> dict[str, Any] | None:
    if screening is None:
        return None
    summary = screening.summary if screening.summary is not None else {}
    if not isinstance(summary, dict):
        summary = {"summary": summary}
    red_flags = [item_view(f) for f in _as_list(summary.get("red_flags") or summary.get("flags"))]
    band = summary.get("band_label") or summary.get("band") or screening.band
    reasons = _as_list(summary.get("reasons")) or _as_list(screening.reasons)
    other = {k: v for k, v in summary.items() if k not in USED_KEYS and v not in (None, "", [], {})}
    return {
        "red_flags": red_flags,
        "band": band,
        "band_code": screening.band,
        "reasons": [item_view(r) for r in reasons],
        "other": other,
        "answers": screening.answers or {},
        "criteria_version": screening.criteria_version,
        "for_whom": screening.for_whom,
        "completed_at": screening.completed_at,
    }
