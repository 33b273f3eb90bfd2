"""The project's English spaCy pipeline: blank English + lookup lemmatizer + EntityRuler.

No spaCy model can be downloaded here, so the pipeline is built from ``spacy.blank("en")``, the lookup
lemmatizer (tables from ``spacy-lookups-data``) and an EntityRuler whose patterns come from
``bot/nlu/lexicon.yml``. Entity labels:

* ``substance`` – a substance, including street names and common misspellings ("percs", "fent", "bars",
  "molly", "booze"); the pattern id (``ent.ent_id_``) is the category, as is ``normalise_substance(text)``;
* ``frequency`` – "every day", "3 times a week", "on weekends", "most nights" …;
* ``duration`` – "for 5 years", "6 months", "since i was 15", "half my life" …;
* ``no_substance`` – false friends such as "ice cream" or "blow up" (the longer match wins over the
  substance word inside it); the Rasa component ``SubstanceNormaliser`` drops these.

Rasa loads the saved pipeline by path (``bot.training`` calls ``build_and_save("models/spacy_en_iop")``
before ``rasa train``)::

    pipeline:
      - name: SpacyNLP
        model: models/spacy_en_iop
      ...
      - name: SpacyEntityExtractor
        dimensions: [substance, frequency, duration]
      - name: bot.nlu.substance_normaliser.SubstanceNormaliser
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

LEXICON_PATH = Path(__file__).with_name("lexicon.yml")
SUBSTANCE = "substance"
FREQUENCY = "frequency"
DURATION = "duration"
NO_SUBSTANCE = "no_substance"
CATEGORIES = (
    "alcohol",
    "opioids",
    "opioid_treatment",
    "benzodiazepines",
    "stimulants",
    "cannabis",
    "mdma_hallucinogens",
    "sedatives_other",
    "pills_unspecified",
)


@functools.lru_cache(maxsize=1)
def load_lexicon(path: Path | None = None) -> dict[str, Any]:
    """The lexicon YAML (substances by category, false friends, frequency and duration patterns)."""
    with (path or LEXICON_PATH).open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    unknown = set(data["substances"]) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"{LEXICON_PATH}: unknown substance categories {sorted(unknown)}")
    return data


def _key(text: str) -> str:
    """Lower case, punctuation and spacing folded: "Perc-30s!" -> "perc 30s"."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _forms(name: str) -> list[str]:
    forms = [name]
    if " " not in name and not name.endswith("s") and len(name) > 1:
        forms.append(name + "s")
    return forms


@functools.lru_cache(maxsize=1)
def substance_names() -> dict[str, str]:
    """Every recognised name (folded with ``_key``, plurals included) -> category."""
    names: dict[str, str] = {}
    for category, entries in load_lexicon()["substances"].items():
        for entry in entries:
            for form in _forms(str(entry)):
                names.setdefault(_key(form), category)
    return names


def normalise_substance(text: str) -> str | None:
    """Map a substance mention ("Percs", "xanax bars", "some oxys") to its category, or None.

    Exact names first (folded), then a plural "s" dropped, then the longest known name inside the text.
    """
    key = _key(text)
    if not key:
        return None
    names = substance_names()
    if key in names:
        return names[key]
    if key.endswith("s") and key[:-1] in names:
        return names[key[:-1]]
    words = key.split()
    for size in range(min(len(words), 4), 0, -1):
        for start in range(len(words) - size + 1):
            category = names.get(" ".join(words[start:start + size]))
            if category:
                return category
    return None


def _token_pattern(nlp, phrase: str) -> list[dict[str, str]]:
    return [{"LOWER": token.lower_} for token in nlp.make_doc(phrase)]


def ruler_patterns(nlp) -> list[dict[str, Any]]:
    """EntityRuler patterns built from the lexicon (tokenised with ``nlp``'s own tokenizer)."""
    lexicon = load_lexicon()
    patterns: list[dict[str, Any]] = []
    for category, entries in lexicon["substances"].items():
        for entry in entries:
            for form in _forms(str(entry)):
                patterns.append({"label": SUBSTANCE, "pattern": _token_pattern(nlp, form), "id": category})
    for phrase in lexicon.get("false_friends", []):
        patterns.append({"label": NO_SUBSTANCE, "pattern": _token_pattern(nlp, str(phrase))})
    for label in (FREQUENCY, DURATION):
        for pattern in lexicon.get(label, []):
            patterns.append({"label": label, "pattern": pattern})
    return patterns


def build_pipeline():
    """spacy.blank("en") + lookup lemmatizer + EntityRuler with the lexicon's patterns."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    # initialize() loads the lookup tables; it would also reset a ruler's patterns, so the ruler comes after
    nlp.initialize()
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "validate": True})
    ruler.add_patterns(ruler_patterns(nlp))
    return nlp


def build_and_save(path: str | Path) -> Path:
    """Build the pipeline and write it to ``path`` (a dir Rasa's SpacyNLP loads as ``model: <path>``)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(path)
    return path
