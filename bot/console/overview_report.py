"""The Overview figures as groups of cells, with the small-cell rule applied, and as CSV / JSON.

Small-cell rule: a count of 1 to ``min_cell - 1`` people (or handoffs) is shown as "< 5" and its value is
withheld (JSON ``"value": null, "suppressed": true``); 0 stays 0. A median or 90th percentile is withheld
when fewer than ``min_cell`` handoffs were answered. Nothing here names or describes a single person.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from typing import Any

_MINUTES_SHOWN_UP_TO = 90  # a duration shorter than this reads in minutes, a longer one in hours


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    value: float | None  # None when suppressed or unknown
    display: str
    suppressed: bool = False
    unit: str = "people"


@dataclass
class Group:
    key: str
    title: str
    cells: list[Cell] = field(default_factory=list)
    chart: str = "bars"  # bars | columns | none
    note: str = ""


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def count(key: str, n: int, min_cell: int, label: str | None = None, unit: str = "people") -> Cell:
    if 0 < n < min_cell:
        return Cell(key, label or _label(key), None, f"< {min_cell}", True, unit)
    return Cell(key, label or _label(key), n, str(n), False, unit)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes = seconds / 60
    if minutes < _MINUTES_SHOWN_UP_TO:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} h"


def wait(key: str, label: str, seconds: float | None, answered: int, min_cell: int) -> Cell:
    if 0 < answered < min_cell:
        return Cell(key, label, None, f"< {min_cell} answered", True, "minutes")
    minutes = None if seconds is None else round(seconds / 60, 1)
    return Cell(key, label, minutes, duration(seconds), False, "minutes")


def build(raw: dict[str, Any], min_cell: int, opted_out: int) -> list[Group]:
    """Groups of cells for the page, CSV and JSON (the same numbers everywhere); ``opted_out``: numbers that
    replied STOP in the period and are still opted out (``bot.store.sms_opt_outs.count_between``)."""
    conv, scr, cri, hand, rep = (raw[k] for k in ("conversations", "screenings", "crisis", "handoffs",
                                                  "reply_times"))
    groups = [
        Group("conversations", "Conversations started", [
            count("started", conv["total"], min_cell, "People who started a conversation"),
            *(count(c, n, min_cell, f"… on {c}") for c, n in conv["by_channel"].items())]),
        Group("conversations_by_day", "Conversations started per day (UTC)",
              [count(d.isoformat(), n, min_cell, d.isoformat()) for d, n in conv["by_day"]], chart="columns"),
        Group("screenings", "Screenings", [
            count("started", scr["started"], min_cell, "Started"),
            count("completed", scr["completed"], min_cell, "Completed"),
            count("stopped", scr["stopped"], min_cell, "Stopped before the result"),
            count("in_progress", scr["in_progress"], min_cell, "Still going (active recently)")]),
        Group("stopped_at", "Where people stopped (last question shown)",
              [count(q, n, min_cell, _label(q)) for q, n in scr["stopped_at"].items()]),
        Group("bands", "Screening results (bands)",
              [count(b, n, min_cell, _label(b)) for b, n in scr["bands"].items()]),
        Group("crisis", "Crisis answers and urgent handoffs", [
            count("answers_given", cri["answers_given"], min_cell, "People given the crisis answer"),
            count("urgent_handoffs", cri["urgent_handoffs"], min_cell, "People with an urgent handoff")]),
        Group("handoffs", "Handoffs opened in the period, by current status", [
            count("total", hand["total"], min_cell, "People handed off"),
            *(count(s, n, min_cell, _label(s)) for s, n in hand["by_status"].items())]),
    ]
    replies = Group("reply_times", "Time from handoff to first staff reply", chart="bars",
                    note="Per handoff; nearest-rank median and 90th percentile; staffed hours from clinic settings.")
    for hours, name in (("staffed", "staffed hours"), ("after_hours", "after hours")):
        r = rep[hours]
        replies.cells += [
            count(f"{hours}_handoffs", r["handoffs"], min_cell, f"Handoffs, {name}", "handoffs"),
            count(f"{hours}_unanswered", r["handoffs"] - r["replied"], min_cell, f"No reply yet, {name}",
                  "handoffs"),
            wait(f"{hours}_median", f"Median wait, {name}", r["median_seconds"], r["replied"], min_cell),
            wait(f"{hours}_p90", f"90th percentile wait, {name}", r["p90_seconds"], r["replied"], min_cell)]
    groups.append(replies)
    opt = count("opted_out", opted_out, min_cell, "Numbers that opted out in the period (still opted out)", "numbers")
    groups.append(Group("sms_opt_outs", "SMS opt-outs (STOP)", [opt], chart="none",
                        note="By the date of the STOP (numbers on the list before the upgrade to the database are "
                             "dated at the upgrade); none on the web; the language filter does not apply."))
    return groups


def as_json(groups: list[Group], meta: dict[str, Any]) -> dict[str, Any]:
    return {**meta, "sections": {g.key: {"title": g.title, "cells": [asdict(c) for c in g.cells]}
                                 for g in groups}}


def as_csv(groups: list[Group], meta: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["period_from", "period_to", "channel", "section", "key", "label", "value", "unit"])
    for g in groups:
        for c in g.cells:
            writer.writerow([meta["period"]["from"], meta["period"]["to"], meta["channel"] or "all", g.key, c.key,
                             c.label, c.display if c.suppressed or c.value is None else _plain(c.value), c.unit])
    return out.getvalue()


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
