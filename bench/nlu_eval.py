"""NLU cross-validation report: intent macro-F1, entity F1, response selection, top confusion pairs.

Reproduce (from the project root, ~10-20 minutes on 2 cores for 3 folds):

    .venv/bin/python bench/nlu_eval.py --folds 3

Steps: (1) checks data/nlu (no example under two intents), (2) builds the project spaCy pipeline into
models/spacy_en_iop if needed, (3) runs ``rasa test nlu --cross-validation`` with config.yml over data/nlu,
writing Rasa's reports to bench/out/nlu_cv (git-ignored), (4) writes the summary to bench/NLU_RESULTS.md.
If a custom component named in config.yml cannot be imported yet, a copy of the config without it is
used from /tmp and the results say so.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NLU_DIR = ROOT / "data" / "nlu"
OUT_DIR = ROOT / "bench" / "out" / "nlu_cv"
RESULTS = ROOT / "bench" / "NLU_RESULTS.md"
RASA = ROOT / ".venv" / "bin" / "rasa"
# names a component imports lazily (inside process()); missing ones would fail the run half-way
LAZY_NEEDS = {"bot.nlu.crisis_override.CrisisOverride": [("bot.safety", "detect_crisis")]}


def load_examples() -> dict[str, list[str]]:
    """intent (retrieval intents as ``faq/<name>``) -> examples, from every file in data/nlu."""
    examples: dict[str, list[str]] = collections.defaultdict(list)
    for path in sorted(NLU_DIR.glob("*.yml")):
        for item in yaml.safe_load(path.read_text()).get("nlu", []):
            for line in item["examples"].splitlines():
                line = line.strip()
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


def effective_config() -> tuple[Path, list[str]]:
    """config.yml, or a /tmp copy without the custom components that cannot be imported yet."""
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    dropped = []
    for component in config["pipeline"]:
        name = component["name"]
        if "." in name:
            module, _, cls = name.rpartition(".")
            try:
                getattr(importlib.import_module(module), cls)
                for needed_module, attr in LAZY_NEEDS.get(name, []):
                    getattr(importlib.import_module(needed_module), attr)
            except (ImportError, AttributeError) as exc:
                dropped.append(f"{name} ({exc.__class__.__name__}: {exc})")
    if not dropped:
        return ROOT / "config.yml", []
    names = {d.split(" ")[0] for d in dropped}
    config["pipeline"] = [c for c in config["pipeline"] if c["name"] not in names]
    handle, path = tempfile.mkstemp(prefix="iop_nlu_config_", suffix=".yml")
    with os.fdopen(handle, "w") as fh:
        yaml.safe_dump(config, fh, sort_keys=False)
    return Path(path), dropped


def run_cross_validation(config: Path, folds: int) -> float:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    argv = [str(RASA), "test", "nlu", "--nlu", str(NLU_DIR), "--config", str(config),
            "--cross-validation", "--folds", str(folds), "--out", str(OUT_DIR)]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    log = OUT_DIR / "rasa_test.log"
    started = time.monotonic()
    with log.open("w") as fh:
        result = subprocess.run(argv, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        sys.exit(f"rasa test nlu failed (exit {result.returncode}); see {log}")
    return time.monotonic() - started


def _read_json(name: str) -> dict | list | None:
    path = OUT_DIR / name
    return json.loads(path.read_text()) if path.exists() else None


def confusion_pairs(errors: list[dict], top: int) -> list[tuple[str, str, int, list[str]]]:
    pairs: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for err in errors:
        predicted = (err.get("intent_prediction") or {}).get("name") or "None"
        pairs[(err["intent"], predicted)].append(err["text"])
    ranked = sorted(pairs.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [(gold, pred, len(texts), texts[:3]) for (gold, pred), texts in ranked[:top]]


def entity_summary() -> list[str]:
    lines = []
    for path in sorted(OUT_DIR.glob("*_report.json")):
        if path.name in {"intent_report.json", "response_selection_report.json"}:
            continue
        report = json.loads(path.read_text())
        macro = report.get("macro avg", {})
        lines.append(f"| {path.stem.replace('_report', '')} | {macro.get('f1-score', 'n/a')} |")
    return lines


def write_results(folds: int, seconds: float, config: Path, dropped: list[str],
                  examples: dict[str, list[str]]) -> None:
    intent = _read_json("intent_report.json") or {}
    errors = _read_json("intent_errors.json") or []
    responses = _read_json("response_selection_report.json") or {}
    per_intent = {k: v for k, v in intent.items() if isinstance(v, dict) and "f1-score" in v
                  and k not in {"macro avg", "weighted avg", "micro avg"}}
    counts = collections.Counter()
    for name, texts in examples.items():
        counts[name.split("/")[0]] += len(texts)

    out = ["# NLU cross-validation results", ""]
    out.append(f"- date: {dt.date.today().isoformat()}")
    out.append(f"- machine: {platform.machine()}, {os.cpu_count()} CPU cores (shared with other work), "
               f"Python {platform.python_version()}")
    out.append(f"- command: `.venv/bin/python bench/nlu_eval.py --folds {folds}` "
               f"(runs `rasa test nlu --nlu data/nlu --config <config> --cross-validation --folds {folds} "
               f"--out bench/out/nlu_cv`)")
    out.append(f"- wall time: {seconds / 60:.1f} min")
    out.append(f"- data: {sum(counts.values())} examples, {len(counts)} intents "
               f"(faq has {sum(1 for k in examples if k.startswith('faq/'))} retrieval sub-intents)")
    if dropped:
        out.append(f"- config: **temporary copy {config} without components that could not be "
                   "imported yet:** " + "; ".join(dropped))
    else:
        out.append("- config: config.yml as committed (incl. SubstanceNormaliser and CrisisOverride)")
    out += ["", "## Intent classification (test folds, accumulated)", ""]
    macro = intent.get("macro avg", {})
    weighted = intent.get("weighted avg", {})
    out.append(f"- **macro-F1: {macro.get('f1-score', float('nan')):.4f}** (target >= 0.95)")
    out.append(f"- weighted F1: {weighted.get('f1-score', float('nan')):.4f}, "
               f"accuracy: {intent.get('accuracy', float('nan')):.4f}, errors: {len(errors)}")
    out += ["", "| intent | examples | precision | recall | F1 | support |", "|---|---|---|---|---|---|"]
    for name, row in sorted(per_intent.items(), key=lambda kv: kv[1]["f1-score"]):
        out.append(f"| {name} | {counts.get(name, '')} | {row['precision']:.3f} | {row['recall']:.3f} | "
                   f"{row['f1-score']:.3f} | {row['support']} |")
    out += ["", "## Top confusion pairs (gold -> predicted)", ""]
    pairs = confusion_pairs(errors, top=10)
    if not pairs:
        out.append("none")
    for gold, pred, n, texts in pairs:
        out.append(f"- {gold} -> {pred}: {n} (e.g. " + "; ".join(f"\"{t}\"" for t in texts) + ")")
    forced = [e for e in errors if (e.get("intent_prediction") or {}).get("name") == "crisis"
              and (e.get("intent_prediction") or {}).get("confidence") == 1.0]
    out.append("")
    out.append(f"Errors forced to `crisis` by the CrisisOverride rule layer (confidence 1.0): {len(forced)}"
               + (" (" + "; ".join(f"{e['intent']}: \"{e['text']}\"" for e in forced[:5]) + ")" if forced else ""))
    out += ["", "## Response selection (faq sub-intents)", ""]
    rs_macro = responses.get("macro avg", {})
    if rs_macro:
        out.append(f"- macro-F1: {rs_macro.get('f1-score', float('nan')):.4f}, "
                   f"accuracy: {responses.get('accuracy', float('nan')):.4f}")
    else:
        out.append("- no response selection report")
    out += ["", "## Entities", ""]
    out.append("Entities (substance, frequency, duration) are produced by the project spaCy EntityRuler "
               "(SpacyEntityExtractor), not by DIET, and the training examples carry no entity annotations. "
               "Rasa's cross-validation therefore has no gold entities to score against: "
               "**entity F1 is N/A** here. The EntityRuler patterns are tested by the bot/nlu unit tests.")
    ent = entity_summary()
    if ent:
        out += ["", "Rasa's entity reports (no gold labels, shown for completeness):", "",
                "| extractor | macro F1 |", "|---|---|", *ent]
    RESULTS.write_text("\n".join(out) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--summarise-only", action="store_true",
                        help="rewrite NLU_RESULTS.md from the reports already in bench/out/nlu_cv")
    args = parser.parse_args()
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"

    examples = load_examples()
    problems = check_data(examples)
    if problems:
        sys.exit("examples under more than one intent:\n  " + "\n  ".join(problems))
    if not args.summarise_only:
        config, dropped = effective_config()
        from bot.training import ensure_spacy_pipeline

        ensure_spacy_pipeline()
        seconds = run_cross_validation(config, args.folds)
        (OUT_DIR / "run.json").write_text(json.dumps(
            {"folds": args.folds, "seconds": seconds, "config": str(config), "dropped": dropped}))
    else:
        run = json.loads((OUT_DIR / "run.json").read_text())
        seconds, args.folds = run["seconds"], run["folds"]
        config, dropped = Path(run["config"]), run["dropped"]
    write_results(args.folds, seconds, config, dropped, examples)
    print(RESULTS.read_text())


if __name__ == "__main__":
    main()
