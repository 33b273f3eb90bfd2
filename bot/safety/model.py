"""The crisis model: how likely a message is a crisis, and of which kind, learned from labelled messages.

A second opinion beside the rules (``bot.safety.detector``) for what rules cannot list: indirect and
preparatory language ("wrote letters to my kids tonight", "googled how many tylenol it takes"), and Spanish.
Learns from ``data/safety/*.yml`` (crisis / not crisis, English and Spanish) plus every non-crisis NLU
example of ``data/nlu`` (ordinary chat, answers, questions) as "none". ``iopbot train`` builds it into
``models/crisis/`` when its sources change; the Rasa server loads it (``loaded_model``).

Classes: none + the five crisis categories; ``crisis_probability`` is 1 - p(none).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import yaml

from bot.config import PROJECT_ROOT
from bot.text.normalise import crisis_form

log = logging.getLogger(__name__)

DATA_DIR = PROJECT_ROOT / "data" / "safety"
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
MODEL_DIR = PROJECT_ROOT / "models" / "crisis"
# questionnaire areas whose example answers train the model as "none" (see training_rows)
ANSWER_AREAS = ("substances", "withdrawal")
MODEL_FILE = "crisis.skops"
NONE = "none"
# code the saved model depends on, beside its data
SOURCES = (Path(__file__), *(Path(__file__).parents[1] / "text" / name
                             for name in ("normalise.py", "canonical.py", "obfuscation.py", "data/keep_words.txt")))


@dataclass(frozen=True)
class CrisisEstimate:
    probability: float  # that the message is a crisis
    category: str | None  # the most likely crisis category


class CrisisModel:
    def __init__(self, classifier) -> None:
        self.classifier = classifier

    def estimate(self, text: str) -> CrisisEstimate:
        """The most worrying of: the whole message, and each of its sentences (so a crisis in the middle of
        a long message is not diluted by the rest)."""
        from bot.nlu.embedding import default_encoder

        parts = _parts(crisis_form(text))
        if not parts:
            return CrisisEstimate(0.0, None)
        vectors = default_encoder().encode(parts) if self.classifier.uses_vectors else None
        rows = self.classifier.probabilities(parts, vectors)
        labels = self.classifier.labels
        none = labels.index(NONE) if NONE in labels else None
        worst = max(range(len(parts)), key=lambda i: 1.0 - (rows[i][none] if none is not None else 0.0))
        scores = dict(zip(labels, map(float, rows[worst]), strict=True))
        crisis = {label: p for label, p in scores.items() if label != NONE}
        category = max(crisis, key=crisis.get) if crisis else None
        return CrisisEstimate(1.0 - scores.get(NONE, 0.0), category)


_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")
MAX_PARTS = 400


# a short answer in front of what the person adds ("no, ...", "yes ...", "2. ..."): read the rest on its own too
_ANSWER_LEAD = re.compile(r"^(?:yes|yeah|yep|ya|si|no|nope|nah|not really|\d{1,2}|every day|daily|never)\b[\s,.:;!-]+")


def _parts(words: str) -> list[str]:
    """The message, the message without a short answer in front, and its sentences (alone and in pairs)."""
    if not words:
        return []
    parts = [words[:2000]]
    lead = _ANSWER_LEAD.match(words)
    if lead and words[lead.end():].strip():
        parts.append(words[lead.end():][:2000])
    sentences = [s.strip() for s in _SENTENCES.split(words) if s and s.strip()]
    if len(sentences) > 1:
        parts += sentences + [" ".join(sentences[i:i + 2]) for i in range(len(sentences) - 1)]
    return list(dict.fromkeys(parts))[:MAX_PARTS]


def training_rows(data_dir: Path = DATA_DIR, nlu_dir: Path = NLU_DIR,
                  with_answers: bool = True) -> list[tuple[str, str]]:
    """(text, label) pairs: the labelled crisis sets, plus as "none" the non-crisis NLU examples and the
    questionnaire's example answers about use and withdrawal ("the shakes in the morning till i drink" answers
    the withdrawal question; it is not an emergency). Answers about mood, home or worries stay out: next to
    the crisis sets they taught the model that "gave my dog to my sister" is ordinary."""
    rows: list[tuple[str, str]] = []
    if with_answers:
        rows += [(text, NONE) for text in _screening_answers()]
    for path in sorted(data_dir.glob("*.yml")):
        for message in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("messages") or []:
            label = message["category"] if message["label"] == "crisis" else NONE
            rows.append((str(message["text"]), label))
    for path in sorted(nlu_dir.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            intent = str(block.get("intent", ""))
            if not intent or intent in ("crisis", "crisis_check") or "examples" not in block:
                continue
            for line in str(block["examples"]).splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text:
                    rows.append((_plain(text), NONE))
    return rows


def _screening_answers() -> list[str]:
    from bot.screening import load_questionnaire
    from bot.screening.examples import NOT_ANSWER, load_examples

    questionnaire, examples = load_questionnaire(), load_examples()
    return [text for question in questionnaire if question.area in ANSWER_AREAS
            for text, label in examples.for_question(question) if label != NOT_ANSWER]


def _plain(example: str) -> str:
    """An NLU example without entity markup: "[heroin](substance)" -> "heroin"."""
    return re.sub(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}", lambda m: m.group(1) or m.group(2), example)


def sources_hash(data_dir: Path = DATA_DIR, nlu_dir: Path = NLU_DIR) -> str:
    digest = hashlib.sha256()
    screening = PROJECT_ROOT / "data" / "screening"
    files = sorted(data_dir.glob("*.yml")) + sorted(nlu_dir.glob("*.yml")) + \
        [screening / "questionnaire.yml", *sorted((screening / "translations").glob("*.yml"))] + \
        list(SOURCES)
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def train(rows: Sequence[tuple[str, str]], embed=None) -> CrisisModel:
    from bot.text.classifier import TextClassifier

    texts = [crisis_form(text) for text, _ in rows]
    vectors = embed(texts) if embed is not None else None
    return CrisisModel(TextClassifier.fit(texts, [label for _, label in rows], vectors, C=10.0,
                                          embedding_weight=1.5, char_range=(2, 5)))


def build(model_dir: Path = MODEL_DIR, force: bool = False) -> bool:
    """Train and save the model when its sources changed (or ``force``). Returns True when rebuilt."""
    from bot.nlu.embedding import default_encoder

    stamp = model_dir / ".source-hash"
    current = sources_hash()
    if not force and stamp.exists() and stamp.read_text() == current and (model_dir / MODEL_FILE).exists():
        return False
    model = train(training_rows(), default_encoder().encode)
    model.classifier.save(model_dir / MODEL_FILE)
    stamp.write_text(current)
    return True


@functools.lru_cache(maxsize=1)
def loaded_model(model_dir: Path = MODEL_DIR) -> CrisisModel | None:
    """The saved model, or None (then the rules decide alone; logged once)."""
    from bot.text.classifier import TextClassifier

    try:
        classifier = TextClassifier.load(model_dir / MODEL_FILE)
    except Exception:  # noqa: BLE001 - a broken file must not take crisis detection down
        log.exception("could not load the crisis model; the rules decide alone")
        return None
    if classifier is None:
        log.warning("no crisis model in %s (run `iopbot train`); the rules decide alone", model_dir)
        return None
    return CrisisModel(classifier)
