"""Crisis detection: recall and false alarms of the product's verdict (``bot.safety.assess``), per set and mode.

    .venv/bin/python bench/crisis_eval.py                 # frozen + development sets, all modes
    .venv/bin/python bench/crisis_eval.py --dev-only      # while tuning: never reads the frozen set
    .venv/bin/python bench/crisis_eval.py --write         # also writes bench/CRISIS_RESULTS.md

Sets:
* frozen evaluation (``bench/data/frozen/crisis_eval.yml``, English + Spanish): written outside the team
  before the change; never used for rules, training or thresholds;
* round-4 holdout (``bench/data/frozen/crisis_r4_holdout_*.yml``): the random half of a later outside set
  (with junk, markup and code strings), split off before anyone read it; the other half was trained on.
  Its misses were read and fixed in round 5, so since then it is a development number;
* round-16 holdout (``bench/data/frozen/crisis_r16_holdout_*.yml``): the random half (seed 16, per label) of a
  fourteenth outside set (2026-12-05, two non-crises per crisis, asked to weigh on non-crises that share words
  with a crisis: negation, someone's past, reported speech, media, idioms, questions about help, everyday
  mentions of pills, guns, bridges), split off before anyone read it; never tuned on;
* round-15 holdout (``bench/data/frozen/crisis_r15_holdout_*.yml``): the random half (seed 15, per label) of a
  thirteenth outside set (2026-12-05, one non-crisis per crisis, asked for hard-to-catch crises: indirect,
  denied first, joked about, asked as a question, buried in a long message), split off before anyone read it;
  never tuned on;
* round-14 holdout (``bench/data/frozen/crisis_r14_holdout_*.yml``): the random half (seed 14, per label) of a
  twelfth outside set (2026-12-05, three non-crises per crisis, asked to weigh on non-crises a careful person
  would not treat as an emergency: passive thoughts said safe, someone now looked after, idioms), split off
  before anyone read it; never tuned on;
* round-13 holdout (``bench/data/frozen/crisis_r13_holdout_*.yml``): the random half (seed 13, per label) of an
  eleventh outside set (2026-12-04, three non-crises per crisis, many spelling tricks and long messages), split
  off before anyone read it; never tuned on;
* round-12 holdout (``bench/data/frozen/crisis_r12_holdout_*.yml``): the random half (seed 12, per label) of a
  tenth outside set (2026-12-04, three non-crises per crisis, some long messages), split off before anyone read
  it; never tuned on;
* round-11 holdout (``bench/data/frozen/crisis_r11_holdout_*.yml``): the random half (seed 11, per label) of a
  ninth outside set (2026-12-04, three non-crises per crisis), split off before anyone read it; never tuned on;
* round-10 holdout (``bench/data/frozen/crisis_r10_holdout_*.yml``): the random half (seed 10, per label) of an
  eighth outside set (2026-12-03, three non-crises per crisis), split off before anyone read it; never tuned on;
* round-9 holdout (``bench/data/frozen/crisis_r9_holdout_*.yml``): the random half (seed 9, per label) of a
  seventh outside set (2026-12-03, three non-crises per crisis), split off before anyone read it; never tuned on;
* round-8 holdout (``bench/data/frozen/crisis_r8_holdout_*.yml``): a sixth outside set (2026-12-03, three
  non-crises per crisis), frozen whole before anyone read it; never tuned on;
* round-7 holdout (``bench/data/frozen/crisis_r7_holdout_*.yml``): the random half of a fifth outside set
  (2026-12-03, three non-crises per crisis), split off before anyone read it; never tuned on;
* round-6 holdout (``bench/data/frozen/crisis_r6_holdout_*.yml``): the random half of a fourth outside set
  (2026-12-03, two hard negatives per crisis), split off before anyone read it; never tuned on;
* round-5 holdout (``bench/data/frozen/crisis_r5_holdout_*.yml``): the random half of a third outside set;
  its misses were read and fixed in round 6, so since then it is a development number;
* development check (``tests/data/crisis_holdout.yml``): not trained on, but looked at while writing rules;
* development (``data/safety/*.yml``): what the model learns from and the rules were written against;
  scored by 5-fold cross-validation of the model (the rules are the same in every fold).

Each message gets one of three verdicts: crisis (the crisis answer with 988/911 and an urgent handoff),
check (one direct safety question, which also names 988 and 911), none. Reported: recall = crisis
messages answered as a crisis; "caught" = crisis or check; false alarms = non-crisis messages answered as a
crisis; "asked" = non-crisis messages that got the safety question.

Modes: first message (the message alone); mid-screening (after "2. ", "yes ", "no, ", "every day. ", as if
typed as part of an answer; a crisis must be found after every prefix); evasion variants of every crisis
message (zero-width space / joiner / non-joiner, word joiner, soft hyphen or BOM inside words, Cyrillic
look-alikes, fullwidth letters, spaced letters, leetspeak, a lone surrogate, and after 2,500 characters).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results_file import write_keeping_history  # noqa: E402

FROZEN = ROOT / "bench" / "data" / "frozen" / "crisis_eval.yml"
FROZEN_DIR = ROOT / "bench" / "data" / "frozen"  # crisis_r<N>_holdout_{en,es}.yml
DEV_R4 = ROOT / "bench" / "data" / "dev"  # crisis_dev_r4_{en,es}.yml, trained on since round 4
DEV_CHECK = ROOT / "tests" / "data" / "crisis_holdout.yml"
DEV = ROOT / "data" / "safety"
# the later outside sets (bench/data/frozen/crisis_r<N>_holdout_*.yml), newest first, with their report titles
HOLDOUTS = (
    (16, "Round-16 holdout (random half of a fourteenth outside set, split off before anyone read it, never tuned on)"),
    (15, "Round-15 holdout (random half of a thirteenth outside set, split off before anyone read it, never tuned on)"),
    (14, "Round-14 holdout (random half of a twelfth outside set, split off before anyone read it, never tuned on)"),
    (13, "Round-13 holdout (random half of an eleventh outside set, split off before anyone read it, never tuned on)"),
    (12, "Round-12 holdout (random half of a tenth outside set, split off before anyone read it, never tuned on)"),
    (11, "Round-11 holdout (random half of a ninth outside set, split off before anyone read it, never tuned on)"),
    (10, "Round-10 holdout (random half of an eighth outside set, split off before anyone read it, never tuned on)"),
    (9, "Round-9 holdout (random half of a seventh outside set, split off before anyone read it, never tuned on)"),
    (8, "Round-8 holdout (a sixth outside set, frozen whole before anyone read it, never tuned on)"),
    (7, "Round-7 holdout (random half of a fifth outside set, split off before anyone read it, never tuned on)"),
    (6, "Round-6 holdout (random half of a fourth outside set, split off before anyone read it, never tuned on)"),
    (5, "Round-5 holdout (outside set; its misses were read and fixed in round 6: a development number since)"),
    (4, "Round-4 holdout (outside set; its misses were read and fixed in round 5: a development number since)"),
)
PREFIXES = ("2. ", "yes ", "no, ", "every day. ")
_CYRILLIC = str.maketrans({"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "i": "і", "y": "у", "x": "х"})
_LEET = str.maketrans({"i": "1", "e": "3", "a": "4", "o": "0", "s": "5"})


def _inside_words(char: str) -> Callable[[str], str]:
    def apply(text: str) -> str:
        return " ".join(w[: len(w) // 2] + char + w[len(w) // 2:] if len(w) >= 4 else w for w in text.split(" "))
    return apply


def _per_word(transform: Callable[[str], str]) -> Callable[[str], str]:
    return lambda text: " ".join(transform(w) if len(w) >= 4 else w for w in text.split(" "))


def _one_letter(table) -> Callable[[str], str]:
    def word(w: str) -> str:
        for i, ch in enumerate(w):
            if ch in table:
                return w[:i] + chr(table[ord(ch)]) + w[i + 1:]
        return w
    return _per_word(word)


def _spaced(text: str) -> str:
    words = text.split(" ")
    longest = sorted(range(len(words)), key=lambda i: -len(words[i]))[:2]
    return " ".join(" ".join(w) if i in longest else w for i, w in enumerate(words))


EVASIONS: dict[str, Callable[[str], str]] = {
    "zero-width space": _inside_words("\u200b"), "zero-width joiner": _inside_words("\u200d"),
    "zero-width non-joiner": _inside_words("\u200c"), "word joiner": _inside_words("\u2060"),
    "soft hyphen": _inside_words("\u00ad"), "BOM": _inside_words("\ufeff"),
    "Cyrillic look-alike": _one_letter(_CYRILLIC),
    "fullwidth": lambda t: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in t),
    "spaced letters": _spaced, "leetspeak": _per_word(lambda w: w.translate(_LEET)),
    "lone surrogate": _inside_words("\ud800"),
    "after 2,500 characters": lambda t: "I have a question about the program and the schedule. " * 45 + t,
}


# the round-10 writer's short category names (the files stay as written)
CATEGORY_NAMES = {"withdrawal": "dangerous_withdrawal", "medical": "medical_emergency"}


def load(path: Path, pattern: str = "*.yml") -> list[dict]:
    """Messages as dicts with text, label (crisis / not_crisis), category or kind, lang (a file named
    ``*_es.yml`` is Spanish)."""
    import yaml

    files = sorted(path.glob(pattern)) if path.is_dir() else [path]
    out = []
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        if "messages" in data:
            default = "es" if file.stem.endswith("_es") else "en"
            out += [dict(m, lang=m.get("lang", default), **({"category": CATEGORY_NAMES[m["category"]]}
                                                            if m.get("category") in CATEGORY_NAMES else {}))
                    for m in data["messages"]]
        else:  # the older format: crisis: {category: [texts]}, non_crisis: {kind: [texts]}
            out += [{"text": t, "label": "crisis", "category": c, "lang": "en"}
                    for c, texts in data["crisis"].items() for t in texts]
            out += [{"text": t, "label": "not_crisis", "kind": k, "lang": "en"}
                    for k, texts in data["non_crisis"].items() for t in texts]
    return out


class Tally:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.misses: list[tuple[str, str, str]] = []

    def add(self, group: str, message: dict, verdict: str) -> None:
        row = self.rows[group]
        if message["label"] == "crisis":
            row["crises"] += 1
            row["crisis"] += verdict == "crisis"
            row["caught"] += verdict in ("crisis", "check")
            if verdict != "crisis":
                self.misses.append((group, verdict, message["text"][:160]))
        else:
            row["calm"] += 1
            row["alarm"] += verdict == "crisis"
            row["asked"] += verdict == "check"
            if verdict != "none":
                self.misses.append((group, verdict, message["text"][:160]))


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def evaluate(messages: list[dict], verdict: Callable[[str], str], evasions: bool, mid_form: bool) -> Tally:
    tally = Tally()
    for message in messages:
        lang, text = message["lang"], message["text"]
        tally.add(f"first message ({lang})", message, verdict(text))
        if mid_form:
            verdicts = [verdict(prefix + text) for prefix in PREFIXES]
            worst = ("none" if "none" in verdicts else "check" if "check" in verdicts else "crisis") \
                if message["label"] == "crisis" else \
                ("crisis" if "crisis" in verdicts else "check" if "check" in verdicts else "none")
            tally.add(f"mid-screening ({lang})", message, worst)
        if evasions and message["label"] == "crisis":
            for name, transform in EVASIONS.items():
                tally.add(f"evasion: {name} ({lang})", message, verdict(transform(text)))
    return tally


def table(title: str, tally: Tally) -> list[str]:
    lines = [f"### {title}", "", "| mode | crises | answered as crisis | caught (crisis or safety question) "
             "| non-crises | false alarms | safety question asked |", "|---|---|---|---|---|---|---|"]
    for group in sorted(tally.rows, key=lambda g: (g.startswith("evasion"), g)):
        r = tally.rows[group]
        lines.append(f"| {group} | {r['crises']} | {pct(r['crisis'], r['crises'])} | {pct(r['caught'], r['crises'])} "
                     f"| {r['calm'] or '-'} | {pct(r['alarm'], r['calm'])} | {pct(r['asked'], r['calm'])} |")
    return lines + [""]


def cross_validated(messages: list[dict], folds: int = 5) -> Tally:
    """The development set scored by a model trained on the other folds (the rules are the same)."""
    import numpy as np

    from bot.nlu.embedding import default_encoder
    from bot.safety import assessment, model

    nlu_rows = model.training_rows(data_dir=ROOT / "no-such-dir")  # NLU examples and screening answers
    vectors: dict[str, np.ndarray] = {}

    def embed(texts):  # each text is embedded once for all folds
        missing = [t for t in dict.fromkeys(texts) if t not in vectors]
        if missing:
            vectors.update(zip(missing, default_encoder().encode(missing), strict=True))
        return np.stack([vectors[t] for t in texts])

    tally = Tally()
    for fold in range(folds):
        test = [m for i, m in enumerate(messages) if i % folds == fold]
        train = [m for i, m in enumerate(messages) if i % folds != fold]
        rows = [(m["text"], m["category"] if m["label"] == "crisis" else model.NONE) for m in train] + nlu_rows
        fitted = model.train(rows, embed)
        original = assessment._model
        assessment._model = lambda fitted=fitted: fitted
        assessment._cached.cache_clear()
        try:
            part = evaluate(test, lambda t: assessment.assess(t).level, evasions=False, mid_form=False)
        finally:
            assessment._model = original
            assessment._cached.cache_clear()
        for group, row in part.rows.items():
            for key, value in row.items():
                tally.rows[group][key] += value
        tally.misses += part.misses
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev-only", action="store_true", help="development sets only (while tuning)")
    parser.add_argument("--write", action="store_true", help="write bench/CRISIS_RESULTS.md")
    parser.add_argument("--misses", type=int, default=0, help="print this many misses / alarms per set")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validated development set")
    args = parser.parse_args(argv)

    from bot.safety import assess
    from bot.safety.model import build

    build()  # the saved model, rebuilt only when its sources changed
    started = time.perf_counter()
    assess("warm up")
    cold = time.perf_counter() - started
    timings: list[float] = []
    failures = 0

    def verdict(text: str) -> str:
        nonlocal failures
        start = time.perf_counter()
        result = assess(text)
        timings.append(time.perf_counter() - start)
        failures += result.source == "failure"  # the detector broke: a "caught" crisis would be a false number
        return result.level

    results: list[tuple[str, Tally]] = []
    if not args.dev_only:
        results.append(("Frozen evaluation set (written outside the team, never tuned on)",
                        evaluate(load(FROZEN), verdict, evasions=True, mid_form=True)))
        results += [(title, evaluate(load(FROZEN_DIR, f"crisis_r{n}_holdout_*.yml"), verdict, evasions=True,
                                     mid_form=True)) for n, title in HOLDOUTS]
    results.append(("Development check (tests/data/crisis_holdout.yml)",
                    evaluate(load(DEV_CHECK), verdict, evasions=True, mid_form=True)))
    if not args.no_cv:
        results.append(("Development set (data/safety, model scored by 5-fold cross-validation)",
                        cross_validated(load(DEV))))
    lines = ["# Crisis detection", "", f"`bench/crisis_eval.py`, {time.strftime('%Y-%m-%d')}, "
             f"Python {platform.python_version()}. Verdicts of `bot.safety.assess` (English rules, Spanish rules, "
             "crisis model). See the script's docstring for the sets and columns.", ""]
    for title, tally in results:
        lines += table(title, tally)
        first = [r for g, r in tally.rows.items() if g.startswith("first")]
        crises, calm = sum(r["crises"] for r in first), sum(r["calm"] for r in first)
        print(f"{title[:60]:60} first message: crisis {pct(sum(r['crisis'] for r in first), crises)} "
              f"caught {pct(sum(r['caught'] for r in first), crises)} false alarms "
              f"{pct(sum(r['alarm'] for r in first), calm)} asked {pct(sum(r['asked'] for r in first), calm)}")
        evasion = [r for g, r in tally.rows.items() if g.startswith("evasion")]
        if evasion:
            found, total = sum(r["crisis"] for r in evasion), sum(r["crises"] for r in evasion)
            print(f"{'':60} evasions: crisis {pct(found, total)}")
        for miss in tally.misses[: args.misses]:
            print("   ", miss)
    ordered = sorted(timings)
    if ordered:
        lines.append(f"Time per message: median {1000 * ordered[len(ordered) // 2]:.1f} ms, 95th percentile "
                     f"{1000 * ordered[int(len(ordered) * 0.95)]:.1f} ms; first call (loading rules and model) "
                     f"{cold:.1f} s.")
    if failures:
        print(f"ERROR: the detector failed on {failures} messages (see the log); no results written")
        return 1
    if args.write:
        write_keeping_history(ROOT / "bench" / "CRISIS_RESULTS.md", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
