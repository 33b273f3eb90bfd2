"""Evaluate the rule crisis detector (bot.safety.detect_crisis) on the labelled crisis sets.

    .venv/bin/python bench/crisis_eval.py [--data tests/data/crisis_eval.yml ...] [--json out.json]

Modes:
  first message  the message alone, as the first thing a person types;
  mid-form       the message typed as (part of) an answer in the questionnaire: it is evaluated after each
                 of the prefixes "2. ", "yes ", "no, ", "every day. " (typical answers to a screening
                 question, followed by what the person adds). A crisis message counts as found mid-form
                 only if it is found after every prefix; a non-crisis message is a false alarm mid-form
                 if any prefix makes it alarm.
The detector sees only the text (it does not know which question was asked); answering "yes" to the
safety question is the screening engine's job.

Reported per set and mode: recall per crisis category and overall, false-alarm rate per non-crisis group
and overall, precision (flagged messages that are crises), category agreement (flagged crisis messages
given their labelled category), and time per message (the cold start, i.e. building the pipeline on the
first call, is reported separately).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.safety import detect_crisis  # noqa: E402

DEFAULT_SETS = [ROOT / "tests" / "data" / "crisis_eval.yml", ROOT / "tests" / "data" / "crisis_holdout.yml"]
MID_FORM_PREFIXES = ("2. ", "yes ", "no, ", "every day. ")


def load(path: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    crisis = [(cat, text) for cat, texts in data["crisis"].items() for text in texts]
    calm = [(group, text) for group, texts in data["non_crisis"].items() for text in texts]
    return crisis, calm


def evaluate(crisis, calm, prefixes, timings) -> dict:
    def run(text):
        start = time.perf_counter()
        signal = detect_crisis(text)
        timings.append(time.perf_counter() - start)
        return signal

    found = defaultdict(lambda: [0, 0])  # category -> [found, total]
    agree = [0, 0]
    misses = []
    for category, text in crisis:
        signals = [run(p + text) for p in prefixes]
        ok = all(signals)
        found[category][0] += ok
        found[category][1] += 1
        if ok:
            agree[0] += signals[0].category == category
            agree[1] += 1
        else:
            misses.append({"category": category, "text": text})
    alarms = defaultdict(lambda: [0, 0])  # group -> [alarms, total]
    false_alarms = []
    for group, text in calm:
        signals = [run(p + text) for p in prefixes]
        hit = next((s for s in signals if s), None)
        alarms[group][0] += bool(hit)
        alarms[group][1] += 1
        if hit:
            false_alarms.append({"group": group, "text": text, "category": hit.category, "rule": hit.rule,
                                 "phrase": hit.phrase})
    tp = sum(f for f, _ in found.values())
    fp = sum(a for a, _ in alarms.values())
    n_crisis = sum(t for _, t in found.values())
    n_calm = sum(t for _, t in alarms.values())
    return {
        "recall": tp / n_crisis,
        "recall_by_category": {c: f / t for c, (f, t) in found.items()},
        "counts_by_category": {c: t for c, (_, t) in found.items()},
        "false_alarm_rate": fp / n_calm,
        "false_alarm_by_group": {g: a / t for g, (a, t) in alarms.items()},
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "category_agreement": agree[0] / agree[1] if agree[1] else 1.0,
        "n_crisis": n_crisis,
        "n_non_crisis": n_calm,
        "misses": misses,
        "false_alarms": false_alarms,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, nargs="*", default=DEFAULT_SETS)
    parser.add_argument("--json", type=Path, help="also write all numbers, misses and false alarms here")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    detect_crisis("warm up")
    cold_start = time.perf_counter() - start
    machine = f"{platform.machine()} {platform.processor() or ''} python {platform.python_version()}"
    report = {"machine": machine,
              "cold_start_seconds": round(cold_start, 2), "sets": {}}
    timings: list[float] = []
    for path in args.data:
        crisis, calm = load(path)
        results = {"first_message": evaluate(crisis, calm, ("",), timings),
                   "mid_form": evaluate(crisis, calm, MID_FORM_PREFIXES, timings)}
        report["sets"][path.name] = results
        print(f"\n== {path.name}: {len(crisis)} crisis, {len(calm)} non-crisis messages")
        for mode, r in results.items():
            print(f"-- {mode}: recall {r['recall']:.1%}  false alarms {r['false_alarm_rate']:.1%}  "
                  f"precision {r['precision']:.1%}  category agreement {r['category_agreement']:.1%}")
            for category, value in r["recall_by_category"].items():
                print(f"   recall    {category:<22} {value:6.1%}  (n={r['counts_by_category'][category]})")
            for group, value in r["false_alarm_by_group"].items():
                print(f"   false al. {group:<22} {value:6.1%}")
            for miss in r["misses"]:
                print(f"   MISSED [{miss['category']}] {miss['text']}")
            for alarm in r["false_alarms"]:
                where = f"{alarm['group']} -> {alarm['category']}/{alarm['rule']}"
                print(f"   FALSE ALARM [{where}] {alarm['text']}")
    ms = sorted(t * 1000 for t in timings)
    report["per_message_ms"] = {"mean": round(statistics.mean(ms), 3), "p50": round(ms[len(ms) // 2], 3),
                                "p95": round(ms[int(len(ms) * 0.95)], 3), "max": round(ms[-1], 3),
                                "n": len(ms)}
    print(f"\ncold start (first call builds the pipeline): {cold_start:.2f} s")
    print("per message (ms): " + ", ".join(f"{k} {v}" for k, v in report["per_message_ms"].items()))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
