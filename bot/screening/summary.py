"""Summaries of a screening: a structured dict for storage, a staff-readable text and the person's message.

``build_summary(result, answers, questionnaire, *, for_whom, contact, channel)`` -> dict (JSON-serialisable)
``staff_text(summary)`` -> str: red flags first, band, reasons with sources, answers by area, contact,
the not-medical-advice statement.
``person_message(result, channel)`` -> str: the short result for the person (web or SMS), with the statement.
"""

from __future__ import annotations

import textwrap
from typing import Any, Mapping

from bot.screening.language import DISCLAIMER, DISCLAIMER_SHORT
from bot.screening.model import AREAS, Questionnaire, ScreeningResult
from bot.screening.vocabulary import CONCERN_BANDS, IOP_GOOD_FIT

SUMMARY_SCHEMA = 1
_EFFECT_WORDS = {
    "red_flag": "RED FLAG",
    "step_up": "step up",
    "caution": "review",
    "supports_iop": "supports IOP",
    "lower_level": "lower level",
    "information": "info",
}


def build_summary(result: ScreeningResult, answers: Mapping[str, Any], questionnaire: Questionnaire, *,
                  for_whom: str = "self", contact: Any = None, channel: str = "web") -> dict[str, Any]:
    """The structured summary stored with a handoff. ``contact`` is whatever contact preference the
    conversation collected (a string or a small dict), stored as given."""
    applicable, effective = questionnaire.walk(answers or {})
    by_area: list[dict[str, Any]] = []
    for area, label in AREAS.items():
        rows = []
        for question in applicable:
            if question.area != area or question.id not in effective:
                continue
            value = effective[question.id]
            rows.append({"question_id": question.id, "question": question.label,
                         "answer": question.display(value), "value": value})
        if rows:
            by_area.append({"area": area, "label": label, "risk": result.area_risks.get(area, "low"),
                            "answers": rows})
    data = result.to_dict()
    return {
        "schema": SUMMARY_SCHEMA,
        "band": result.band,
        "band_label": result.band_label,
        "urgent": result.urgent,
        "red_flags": data["red_flags"],
        "reasons": data["reasons"],
        "area_risks": data["area_risks"],
        "scores": data["scores"],
        "answers_by_area": by_area,
        "complete": result.complete,
        "unanswered": list(result.unanswered),
        "unclear": list(result.unclear),
        "for_whom": "other" if for_whom == "other" else "self",
        "channel": channel,
        "contact": contact,
        "criteria_version": result.criteria_version,
        "questionnaire_version": result.questionnaire_version,
        "disclaimer": DISCLAIMER,
    }


def staff_text(summary: Mapping[str, Any]) -> str:
    """Plain text for staff (console, e-mail body inside the console, export). Red flags come first."""
    out: list[str] = []
    wrap = textwrap.TextWrapper(width=100, subsequent_indent="      ")
    out.append("SCREENING SUMMARY - not medical advice or a diagnosis")
    flags = summary.get("red_flags") or []
    if flags:
        out.append("")
        out.append(f"RED FLAGS ({len(flags)}):")
        for flag in flags:
            out.extend(wrap.wrap(f"  !! {flag['staff_text']} [{flag['criterion_id']}]"))
    out.append("")
    out.append(f"Result band: {summary.get('band_label')} ({summary.get('band')})"
               + ("  ** URGENT **" if summary.get("urgent") else ""))
    other = summary.get("for_whom") == "other"
    who = "someone they care about (family/friend answering)" if other else "themself"
    out.append(f"Screened for: {who}; channel: {summary.get('channel')}")
    out.append(f"Contact preference: {_contact(summary.get('contact'))}")
    if not summary.get("complete", True):
        out.append(f"Incomplete: not yet answered: {', '.join(summary.get('unanswered') or [])}")
    if summary.get("unclear"):
        out.append(f"Unclear after asking twice: {', '.join(summary['unclear'])}")
    risks = summary.get("area_risks") or {}
    raised = [f"{AREAS.get(a, a)}: {r}" for a, r in risks.items() if r != "low"]
    out.append("Area risks: " + ("; ".join(raised) if raised else "all low"))
    for name, sc in (summary.get("scores") or {}).items():
        status = "" if sc.get("complete") else " (incomplete)"
        out.append(f"Score {name}: {sc.get('score')}/{sc.get('max')}{status}"
                   " - screening score, not a diagnosis")
    out.append("")
    out.append("REASONS (criterion, effect, source):")
    for reason in summary.get("reasons") or []:
        effect = _EFFECT_WORDS.get(reason["effect"], reason["effect"])
        conflict = " [SOURCES CONFLICT]" if reason.get("conflict") else ""
        out.extend(wrap.wrap(f"  - [{effect}]{conflict} {reason['staff_text']} ({reason['criterion_id']})"))
        for source in reason.get("sources") or []:
            out.extend(wrap.wrap(f"      source {source['file']}: \u201c{source['quote']}\u201d"))
    out.append("")
    out.append("ANSWERS BY AREA:")
    for block in summary.get("answers_by_area") or []:
        out.append(f"  {block['label']} (risk: {block['risk']})")
        for row in block["answers"]:
            out.extend(wrap.wrap(f"    - {row['question']}: {row['answer']}"))
    out.append("")
    versions = (f"Questionnaire {summary.get('questionnaire_version')}, "
                f"criteria {summary.get('criteria_version')}.")
    out.append(versions)
    out.append(summary.get("disclaimer") or DISCLAIMER)
    return "\n".join(out)


def _contact(contact: Any) -> str:
    if contact is None or contact in ("", {}):
        return "(not given)"
    if isinstance(contact, Mapping):
        return ", ".join(f"{k}: {v}" for k, v in contact.items() if v not in (None, ""))
    return str(contact)


def person_message(result: ScreeningResult, channel: str = "web", *, crisis_line: str = "988",
                   emergency_number: str = "911", max_points: int = 3, wording=None) -> str:
    """The short result for the person, in plain language, always with the not-medical-advice statement.

    Web: the band text, up to ``max_points`` reasons that shaped the band, and the full statement.
    SMS: the band text and the short statement only (fits in two SMS segments).
    ``crisis_line`` / ``emergency_number`` fill the urgent text (pass the clinic settings); ``wording``
    (``bot.screening.translations.result_wording(lang)``) gives the texts in another language.
    """
    band_text = result.band_text
    if band_text is None:
        raise ValueError("result has no band text; build it with score()")
    fill = {"crisis_line": crisis_line, "emergency_number": emergency_number}
    web, sms = wording.bands.get(result.band, (band_text.web, band_text.sms)) if wording else \
        (band_text.web, band_text.sms)
    if channel == "sms":
        return f"{sms.format(**fill)} {wording.disclaimer_short if wording else DISCLAIMER_SHORT}"
    lines = [web.format(**fill)]
    points = _person_points(result, max_points, wording.criteria if wording else {})
    if points:
        lines.append("")
        lines.append(wording.stood_out if wording else "What stood out:")
        lines.extend(f"- {p}" for p in points)
    lines.append("")
    lines.append(wording.disclaimer if wording else DISCLAIMER)
    return "\n".join(lines)


def _person_points(result: ScreeningResult, max_points: int, translated: Mapping[str, str]) -> list[str]:
    """Person texts of the reasons that shaped the band (not fit factors or information), deduplicated."""
    wanted = ("red_flag", "step_up", "caution") if result.band in CONCERN_BANDS else ("supports_iop", "lower_level")
    points: list[str] = []
    for reason in result.reasons:
        text = translated.get(reason.criterion_id, reason.person_text)
        if reason.effect in wanted and text not in points:
            if result.band == IOP_GOOD_FIT and reason.risk != "moderate":
                continue
            points.append(text)
    return points[:max_points]
