"""``explain_table``: the questionnaire and the criteria as plain-text tables a clinician can check.

Used by ``iopbot screening explain``. Every question shows its area, type, when it is asked, its
instrument and wording; every criterion its condition in words, effect, risk, band, staff reason, the
person text and the exact source quotes.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Sequence

from bot.screening.conditions import describe
from bot.screening.loader import SOURCES_DIR, verify_quotes
from bot.screening.model import AREAS, CriteriaSet, Questionnaire

WIDTH = 110


def _table(headers: Sequence[str], widths: Sequence[int], rows: Sequence[Sequence[str]]) -> list[str]:
    """A simple wrapped, pipe-separated table."""
    def render(cells: Sequence[str]) -> list[str]:
        wrapped = [textwrap.wrap(str(c), w, break_long_words=False) or [""] for c, w in zip(cells, widths,
                                                                                            strict=True)]
        height = max(len(w) for w in wrapped)
        lines = []
        for i in range(height):
            parts = [(w[i] if i < len(w) else "").ljust(width)
                     for w, width in zip(wrapped, widths, strict=True)]
            lines.append(" | ".join(parts).rstrip())
        return lines

    out = render(headers)
    out.append("-+-".join("-" * w for w in widths))
    for row in rows:
        out.extend(render(row))
        out.append("")
    return out


def explain_table(questionnaire: Questionnaire, criteria: CriteriaSet,
                  sources_dir: Path = SOURCES_DIR) -> str:
    """Questions and criteria with their sources, as text (about 120 columns wide).

    Ends with a source check: every quote looked up verbatim in the seed copies in ``sources_dir``."""
    out: list[str] = []
    out.append(f"IOP SCREENING - questionnaire {questionnaire.version}, criteria {criteria.version}")
    out.append("For clinical review. Results are never a diagnosis; they suggest a level of care to discuss.")
    out.append("")
    out.append("BAND RULE (ASAM principle: the highest-risk area decides, never an average)")
    for line in (
        "1. any high-risk area: safety red flag -> urgent_safety; withdrawal/medical red flag -> detox_first;"
        " step_up -> more_intensive",
        "2. else any moderate area: a caution (incl. every source conflict) -> iop_review; otherwise"
        " iop_good_fit",
        "3. else all low: lower_level criterion -> standard_outpatient; otherwise iop_review",
    ):
        out.extend(textwrap.wrap(line, WIDTH, subsequent_indent="   "))
    out.append("")
    out.append("BANDS")
    for band in criteria.bands.values():
        out.append(f"  {band.id}: {band.label}")
    out.append("")
    out.append("INSTRUMENTS")
    for inst in questionnaire.instruments.values():
        scored = f", max {inst.max_score}" if inst.scored and inst.max_score else ""
        out.extend(textwrap.wrap(f"  {inst.id} = {inst.name}{scored}: items {', '.join(inst.items)}. "
                                 f"{inst.attribution} {inst.note}", WIDTH, subsequent_indent="      "))
    out.append("")
    out.append(f"QUESTIONS ({len(questionnaire)}, asked in this order; skipped when 'asked when' is false)")
    rows = []
    for n, q in enumerate(questionnaire, start=1):
        choices = "; ".join(c.label + (f" [{c.points}]" if c.points is not None else "") for c in q.choices)
        wording = q.text("self") + (f"  Choices: {choices}" if choices else "")
        qtype = q.type + (f" ({q.instrument})" if q.instrument else "")
        asked = describe(q.ask_if) if q.ask_if else "always"
        rows.append([f"{n}. {q.id}", AREAS[q.area].split(" (")[0], qtype, asked, wording])
    out.extend(_table(["question", "area", "type", "asked when", "wording (self) and choices"],
                      [22, 14, 16, 22, 36], rows))
    out.append(f"CRITERIA ({len(criteria)}, version {criteria.version})")
    rows = []
    for c in criteria:
        band = c.band or ("-" if c.effect in ("supports_iop", "lower_level", "information") else "")
        effect = f"{c.effect}{' CONFLICT' if c.conflict else ''} / risk {c.risk or '-'} / band {band}"
        sources = " ".join(f"{s.file}: \u201c{s.quote}\u201d" for s in c.sources)
        rows.append([c.id, AREAS[c.area].split(" (")[0], effect, describe(c.condition),
                     f"STAFF: {c.staff} PERSON: {c.person} SOURCE: {sources}"])
    headers = ["criterion", "area", "effect", "when", "reason and source"]
    id_width = max(len(c.id) for c in criteria)
    out.extend(_table(headers, [id_width, 10, 16, 24, 60 - id_width], rows))
    problems = verify_quotes(criteria, sources_dir)
    total = sum(len(c.sources) for c in criteria)
    if problems:
        out.append(f"SOURCE CHECK: {len(problems)} of {total} quotes NOT found verbatim in {sources_dir}:")
        out.extend(f"  - {p}" for p in problems)
    else:
        out.append(f"SOURCE CHECK: all {total} quotes found verbatim in the seed files ({sources_dir}).")
    return "\n".join(out).rstrip() + "\n"
