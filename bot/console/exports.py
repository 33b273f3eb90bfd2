"""CSV export of handoffs (admins only). Cells that a spreadsheet would run as a formula are neutralised."""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable

from bot.console.summary import item_view

COLUMNS = [
    "handoff_id", "created_at_utc", "urgency", "status", "channel", "reason", "band", "criteria_version",
    "contact_preference", "best_time", "first_name", "phone", "consent", "assignee", "claimed_at_utc",
    "closed_at_utc", "reasons",
]


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def handoffs_csv(rows: Iterable[Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for h in rows:
        screening = h.screening
        reasons = []
        if screening is not None:
            for reason in screening.reasons or []:
                view = item_view(reason)
                files = ", ".join(src["file"] for src in view["sources"] if src["file"])
                reasons.append(view["text"] + (f" [{files}]" if files else ""))
        writer.writerow([safe_cell(v) for v in (
            h.id, h.created_at, h.urgency, h.status, h.channel, h.reason,
            screening.band if screening else "", screening.criteria_version if screening else "",
            h.contact_preference, h.best_time, h.first_name, h.phone, "yes" if h.consent else "no",
            h.assignee.username if h.assignee else "", h.claimed_at, h.closed_at, "; ".join(reasons),
        )])
    return out.getvalue()
