"""NLU evaluation report: cross-validation on data/nlu and a held-out test set (intents, entities, FAQs).

Reproduce (from the project root; about 10 minutes on 2 cores):

    .venv/bin/python bench/nlu_eval.py --folds 5 --seed 7

Steps: (1) checks data/nlu (no example under two intents), (2) builds the project spaCy pipeline into
models/spacy_en_iop if needed, (3) runs ``rasa test nlu --cross-validation`` with config.yml over data/nlu
(reports in bench/out/nlu_cv, git-ignored), (4) trains one NLU model on all of data/nlu and runs
``rasa test nlu`` on bench/data/nlu_holdout.yml — messages written independently of the training data,
with hand-annotated entities, never trained on (reports in bench/out/nlu_holdout), (5) writes the summary
to bench/NLU_RESULTS.md. ``--skip-cv`` / ``--skip-holdout`` run one part; ``--summarise-only`` rewrites the
summary from the reports on disk.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NLU_DIR = ROOT / "data" / "nlu"
HOLDOUT = ROOT / "bench" / "data" / "nlu_holdout.yml"
CV_OUT = ROOT / "bench" / "out" / "nlu_cv"
HOLDOUT_OUT = ROOT / "bench" / "out" / "nlu_holdout"
RESULTS = ROOT / "bench" / "NLU_RESULTS.md"
RASA = ROOT / ".venv" / "bin" / "rasa"
TARGET = 0.95
AVERAGES = {"macro avg", "weighted avg", "micro avg", "accuracy"}


def load_examples(path: Path | None = None) -> dict[str, list[str]]:
    """intent (retrieval intents as ``faq/<name>``) -> examples, from every file in data/nlu (or one file)."""
    examples: dict[str, list[str]] = collections.defaultdict(list)
    for file in [path] if path else sorted(NLU_DIR.glob("*.yml")):
        for item in yaml.safe_load(file.read_text()).get("nlu", []):
            for raw in item["examples"].splitlines():
                line = raw.strip()
                if line.startswith("- "):
                    examples[item["intent"]].append(line[2:].strip())
    return examples


def check_data(examples: dict[str, list[str]]) -> list[str]:
    """Problems: the same example (case-insensitive) under two intents, or the exact text twice under one."""
    owners: dict[str, set[str]] = collections.defaultdict(set)
    problems = []
    for intent, texts in examples.items():
        for text, n in collections.Counter(texts).items():
            owners[text.lower()].add(intent)
            if n > 1:
                problems.append(f"{text!r}: {n} times under {intent}")
    return problems + [f"{text!r}: {sorted(i)}" for text, i in owners.items() if len(i) > 1]


# Rasa's cross-validation shuffles with numpy's global random state: seed it so a run can be repeated.
_SEEDED_RASA = ("import sys, numpy; numpy.random.seed(int(sys.argv.pop(1))); sys.argv[0] = 'rasa'; "
                "from rasa.__main__ import main; main()")


def _rasa(argv: list[str], log: Path, seed: int | None = None) -> float:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    command = [str(RASA), *argv] if seed is None else [sys.executable, "-c", _SEEDED_RASA, str(seed), *argv]
    started = time.monotonic()
    with log.open("w") as fh:
        result = subprocess.run(command, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        sys.exit(f"rasa {argv[0]} {argv[1]} failed (exit {result.returncode}); see {log}")
    return time.monotonic() - started


def run_cross_validation(folds: int, seed: int) -> float:
    CV_OUT.mkdir(parents=True, exist_ok=True)
    return _rasa(["test", "nlu", "--nlu", str(NLU_DIR), "--config", "config.yml", "--cross-validation",
                  "--folds", str(folds), "--out", str(CV_OUT)], CV_OUT / "rasa_test.log", seed=seed)


ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def plain(example: str) -> str:
    """An example without Rasa's inline entity annotations, lower-cased: ``[oxy](substance) daily`` -> ``oxy daily``."""
    return ANNOTATION.sub(r"\1", example).strip().lower()


def unseen_holdout(target: Path, training: dict[str, list[str]]) -> tuple[int, int]:
    """Write the held-out set without the messages that also occur in the training data (same words, any
    case): short messages like "idk" are written independently by both authors. Returns (kept, dropped)."""
    seen = {plain(t) for texts in training.values() for t in texts}
    kept = dropped = 0
    lines = []
    for line in HOLDOUT.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("- ") and line.startswith("      "):
            if plain(stripped[2:]) in seen:
                dropped += 1
                continue
            kept += 1
        lines.append(line)
    target.write_text("\n".join(lines) + "\n")
    return kept, dropped


def run_holdout(training: dict[str, list[str]]) -> tuple[float, int, int]:
    HOLDOUT_OUT.mkdir(parents=True, exist_ok=True)
    unseen = HOLDOUT_OUT / "holdout_unseen.yml"
    kept, dropped = unseen_holdout(unseen, training)
    with tempfile.TemporaryDirectory(prefix="iop_nlu_model_") as model_dir:
        seconds = _rasa(["train", "nlu", "--config", "config.yml", "--nlu", str(NLU_DIR), "--out", model_dir,
                         "--fixed-model-name", "holdout"], HOLDOUT_OUT / "rasa_train.log")
        seconds += _rasa(["test", "nlu", "--nlu", str(unseen), "--model", str(Path(model_dir) / "holdout.tar.gz"),
                          "--out", str(HOLDOUT_OUT)], HOLDOUT_OUT / "rasa_test.log")
    return seconds, kept, dropped


def _read_json(folder: Path, name: str):
    path = folder / name
    return json.loads(path.read_text()) if path.exists() else None


def confusion_pairs(errors: list[dict], top: int) -> list[tuple[str, str, int, list[str]]]:
    pairs: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for err in errors:
        predicted = (err.get("intent_prediction") or {}).get("name") or "None"
        pairs[(err["intent"], predicted)].append(err["text"])
    ranked = sorted(pairs.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [(gold, pred, len(texts), texts[:3]) for (gold, pred), texts in ranked[:top]]


def intent_section(folder: Path, counts: collections.Counter, top: int) -> list[str]:
    intent = _read_json(folder, "intent_report.json") or {}
    errors = _read_json(folder, "intent_errors.json") or []
    if not intent:
        return ["- no intent report"]
    macro, weighted = intent["macro avg"], intent["weighted avg"]
    met = "met" if macro["f1-score"] >= TARGET else "NOT met"
    out = [f"- **intent macro-F1: {macro['f1-score']:.4f}** (target >= {TARGET}: {met})",
           f"- weighted F1: {weighted['f1-score']:.4f}, accuracy: {intent['accuracy']:.4f}, "
           f"errors: {len(errors)} of {int(weighted['support'])}",
           "", "| intent | training examples | precision | recall | F1 | support |", "|---|---|---|---|---|---|"]
    rows = {k: v for k, v in intent.items() if k not in AVERAGES and isinstance(v, dict) and "f1-score" in v}
    for name, row in sorted(rows.items(), key=lambda kv: kv[1]["f1-score"]):
        out.append(f"| {name} | {counts.get(name, '')} | {row['precision']:.3f} | {row['recall']:.3f} | "
                   f"{row['f1-score']:.3f} | {row['support']} |")
    out += ["", "Top confusion pairs (gold -> predicted):", ""]
    pairs = confusion_pairs(errors, top)
    out += [f"- {gold} -> {pred}: {n} (e.g. " + "; ".join(f"\"{t}\"" for t in texts) + ")"
            for gold, pred, n, texts in pairs] or ["- none"]
    forced = [e for e in errors if (e.get("intent_prediction") or {}).get("name") == "crisis"
              and (e.get("intent_prediction") or {}).get("confidence") == 1.0]
    out += ["", f"Errors forced to `crisis` by the CrisisOverride rule layer (confidence 1.0): {len(forced)}"
            + (" (" + "; ".join(f"{e['intent']}: \"{e['text']}\"" for e in forced[:5]) + ")" if forced else "")]
    return out


def response_section(folder: Path) -> list[str]:
    report = _read_json(folder, "response_selection_report.json") or {}
    if "macro avg" not in report:
        return ["- no response selection report"]
    return [f"- FAQ answer selection (faq sub-intents) macro-F1: {report['macro avg']['f1-score']:.4f}, "
            f"accuracy: {report['accuracy']:.4f}"]


NOTES = [
    "- Baseline for comparison: the 2026-11-22 run of this report (DIET + Rasa ResponseSelector, 1673 examples, "
    "3 folds) had intent macro-F1 0.785 and FAQ answer selection 0.691. The 2026-12-01 run (3167 examples, "
    "before chat_text) had 0.923 in cross-validation and 0.938 on 317 unseen held-out messages.",
    "- The folds are dealt at random (here with a fixed seed): unseeded repeats on one data set differed by up "
    "to 0.004 in macro-F1, so a score just above 0.95 is a pass with little margin. The seed makes the number "
    "repeatable, not more certain.",
    "- Cross-validation scores the classifier on the training data's own hard cases: single words, SMS "
    "shorthand, emoji, out-of-scope questions shaped like FAQs, past-tense crisis words. Many of them occur "
    "once, so a fold that holds one out cannot learn it. The held-out set is the better picture of messages "
    "people write; its macro average weighs intents with 1-10 unseen messages as much as the big ones, so read "
    "its accuracy and weighted F1 too.",
    "- `crisis` recall includes the CrisisOverride rule layer, which is part of the NLU pipeline; "
    "bench/CRISIS_RESULTS.md measures the rules alone on larger sets.",
    "- Inside the screening form the answer parsers read every message first, so an answer the classifier "
    "files under another intent (\"percocet\" as out_of_scope) is still taken as the answer. The intents that "
    "interrupt the form (crisis, request_human, stop/go back/change/restart, goodbye) are not, except that a "
    "stop or goodbye reply that is word for word one of the question's choices (\"Not now, but interested\") "
    "answers it.",
    "- Both classifiers read each message as typed and through bot/nlu/chat_text.py (emoji by name, SMS "
    "shorthand spelled out: \"gn\" -> \"good night\"); the sentence embedding sees only the readable form.",
    "- Entity definitions differ on purpose in places: the lexicon tags \"drink\" / \"drinking\" as alcohol "
    "and points in time (\"last week\") as duration, because the last-use question needs them; the gold set "
    "does not. \"blues\" (pressed fentanyl pills) is a substance, \"the blues\" is not.",
]
ENTITY_LABELS = ("substance", "frequency", "duration")


def evaluate_entities() -> dict:
    """Span-level scores of the project spaCy pipeline (what SpacyEntityExtractor emits) on the held-out set's
    hand-annotated entities. Rasa's own ``test nlu`` skips pretrained extractors such as SpacyEntityExtractor,
    so we score it here: exact = same start, end and label; overlap = same label and overlapping characters."""
    import spacy
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.training import SPACY_DIR

    nlp = spacy.load(SPACY_DIR)
    counts = {label: collections.Counter() for label in ENTITY_LABELS}
    errors = []
    for message in load_data(str(HOLDOUT)).training_examples:
        text = message.get("text")
        gold = {(e["start"], e["end"], e["entity"]) for e in message.get("entities") or []}
        found = {(e.start_char, e.end_char, e.label_) for e in nlp(text).ents if e.label_ in ENTITY_LABELS}
        for label in ENTITY_LABELS:
            g = {x for x in gold if x[2] == label}
            f = {x for x in found if x[2] == label}
            counts[label].update(gold=len(g), found=len(f), exact=len(g & f),
                                 overlap_gold=sum(any(a[0] < b[1] and b[0] < a[1] for b in f) for a in g),
                                 overlap_found=sum(any(a[0] < b[1] and b[0] < a[1] for b in g) for a in f))
        if gold != found:
            errors.append({"text": text, "gold": sorted(text[a:b] + f" ({lab})" for a, b, lab in gold),
                           "found": sorted(text[a:b] + f" ({lab})" for a, b, lab in found)})
    HOLDOUT_OUT.mkdir(parents=True, exist_ok=True)
    (HOLDOUT_OUT / "entity_errors.json").write_text(json.dumps(errors, indent=1))
    return {"counts": {k: dict(v) for k, v in counts.items()}, "errors": errors[:6], "n_errors": len(errors)}


def _prf(tp_found: int, found: int, tp_gold: int, gold: int) -> tuple[float, float, float]:
    precision = tp_found / found if found else 0.0
    recall = tp_gold / gold if gold else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def entity_section(result: dict) -> list[str]:
    out = ["Entities (project spaCy EntityRuler, as SpacyEntityExtractor emits them; scored by this script because "
           "`rasa test nlu` skips pretrained extractors). Scored on all messages of the set: the EntityRuler is "
           "built from bot/nlu/lexicon.yml, not learned from data/nlu.", "",
           "| entity | gold | found | exact P | exact R | exact F1 | overlap F1 |", "|---|---|---|---|---|---|---|"]
    total = collections.Counter()
    for label, c in result["counts"].items():
        total.update(c)
        exact = _prf(c.get("exact", 0), c.get("found", 0), c.get("exact", 0), c.get("gold", 0))
        overlap = _prf(c.get("overlap_found", 0), c.get("found", 0), c.get("overlap_gold", 0), c.get("gold", 0))
        out.append(f"| {label} | {c.get('gold', 0)} | {c.get('found', 0)} | {exact[0]:.3f} | {exact[1]:.3f} | "
                   f"{exact[2]:.3f} | {overlap[2]:.3f} |")
    exact = _prf(total["exact"], total["found"], total["exact"], total["gold"])
    overlap = _prf(total["overlap_found"], total["found"], total["overlap_gold"], total["gold"])
    out += [f"| **all (micro)** | {total['gold']} | {total['found']} | {exact[0]:.3f} | {exact[1]:.3f} | "
            f"**{exact[2]:.3f}** | {overlap[2]:.3f} |", "",
            f"Messages where the spans differ from the gold: {result['n_errors']} (all in "
            "bench/out/nlu_holdout/entity_errors.json), e.g.:", ""]
    out += [f"- \"{e['text']}\": gold {e['gold']}, found {e['found']}" for e in result["errors"]]
    return out


def write_results(run: dict, examples: dict[str, list[str]]) -> None:
    counts = collections.Counter()
    for name, texts in examples.items():
        counts[name.split("/")[0]] += len(texts)
    out = ["# NLU evaluation results", "",
           f"- date: {run['date']}",
           f"- machine: {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}",
           f"- command: `.venv/bin/python bench/nlu_eval.py --folds {run['folds']} --seed {run.get('seed', 7)}`"
           " (the seed fixes how the examples are dealt into folds)",
           f"- training data: {sum(counts.values())} examples in data/nlu, {len(counts)} intents "
           f"(faq has {sum(1 for k in examples if k.startswith('faq/'))} retrieval sub-intents)",
           "- config: config.yml as committed (spaCy pipeline, sentence embeddings, TfidfEmbeddingIntentClassifier, "
           "TfidfEmbeddingResponseSelector, FallbackClassifier, CrisisOverride)", ""]
    if "cv_seconds" in run:
        out += [f"## Cross-validation ({run['folds']} folds over data/nlu, test folds accumulated)", "",
                f"Wall time {run['cv_seconds'] / 60:.1f} min.", "",
                *intent_section(CV_OUT, counts, 12), "", *response_section(CV_OUT), "",
                "- entities: the training examples carry no entity annotations (entities come from the spaCy "
                "EntityRuler, not a trained extractor), so cross-validation has no gold entities; see the held-out "
                "set.", ""]
    if "holdout_seconds" in run:
        out += [f"## Held-out test set (bench/data/nlu_holdout.yml: {run['holdout_kept']} messages not in the "
                "training data)", "",
                "Written independently of data/nlu (its author saw only the intent definitions in "
                "data/nlu/README.md, the questionnaire and the bot's texts), never used for training; entities "
                f"annotated by hand. {run['holdout_dropped']} of its messages also occur word for word in data/nlu "
                "(short ones such as \"idk\", written by both authors) and are left out of this score. Model "
                f"trained on all of data/nlu; train + test {run['holdout_seconds'] / 60:.1f} min.", "",
                *intent_section(HOLDOUT_OUT, counts, 8), "", *response_section(HOLDOUT_OUT), "",
                *entity_section(run["entities"]), ""]
    out += ["## How to read this", "", *NOTES]
    RESULTS.write_text("\n".join(out).rstrip() + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7, help="seed for dealing the examples into folds")
    parser.add_argument("--skip-cv", action="store_true")
    parser.add_argument("--skip-holdout", action="store_true")
    parser.add_argument("--summarise-only", action="store_true",
                        help="rewrite NLU_RESULTS.md from the reports already in bench/out")
    args = parser.parse_args()
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"

    examples = load_examples()
    problems = check_data(examples)
    if problems:
        sys.exit("examples under more than one intent:\n  " + "\n  ".join(problems))
    run_file = ROOT / "bench" / "out" / "nlu_run.json"
    if args.summarise_only:
        run = json.loads(run_file.read_text())
    else:
        from bot.training import ensure_spacy_pipeline

        ensure_spacy_pipeline()
        run = {"date": dt.date.today().isoformat(), "folds": args.folds, "seed": args.seed}
        if not args.skip_cv:
            run["cv_seconds"] = run_cross_validation(args.folds, args.seed)
        if not args.skip_holdout:
            run["holdout_seconds"], run["holdout_kept"], run["holdout_dropped"] = run_holdout(examples)
            run["entities"] = evaluate_entities()
        run_file.parent.mkdir(parents=True, exist_ok=True)
        run_file.write_text(json.dumps(run))
    write_results(run, examples)
    print(RESULTS.read_text())


if __name__ == "__main__":
    main()
