"""The project spaCy pipeline recognises substances (street names included), frequencies and durations."""

from __future__ import annotations

import functools

import pytest

from bot.nlu.pipeline import CATEGORIES, build_and_save, build_pipeline, normalise_substance

STREET_NAMES = {
    "oxy": "opioids", "oxys": "opioids", "percs": "opioids", "perc 30s": "opioids", "roxy": "opioids",
    "fent": "opioids", "fentanyl": "opioids", "dope": "opioids", "heroin": "opioids", "smack": "opioids",
    "h": "opioids", "kratom": "opioids", "blues": "opioids",
    "bars": "benzodiazepines", "xans": "benzodiazepines", "xanax": "benzodiazepines",
    "benzos": "benzodiazepines", "klonopin": "benzodiazepines",
    "molly": "mdma_hallucinogens", "ecstasy": "mdma_hallucinogens",
    "booze": "alcohol", "liquor": "alcohol", "beer": "alcohol", "wine": "alcohol", "vodka": "alcohol",
    "meth": "stimulants", "ice": "stimulants", "crystal": "stimulants", "tina": "stimulants",
    "coke": "stimulants", "crack": "stimulants", "blow": "stimulants",
    "weed": "cannabis", "pot": "cannabis", "kush": "cannabis", "dabs": "cannabis", "carts": "cannabis",
    "pills": "pills_unspecified",
    "suboxone": "opioid_treatment", "subs": "opioid_treatment", "methadone": "opioid_treatment",
}


@functools.lru_cache(maxsize=1)
def nlp():
    return build_pipeline()


def entities(text: str) -> list[tuple[str, str, str]]:
    return [(ent.text, ent.label_, ent.ent_id_) for ent in nlp()(text).ents]


@pytest.mark.parametrize("name,category", sorted(STREET_NAMES.items()))
def test_every_street_name_is_recognised_and_normalised(name, category):
    assert normalise_substance(name) == category
    assert normalise_substance(name.upper()) == category
    found = entities(f"mostly {name} these days")
    assert (name, "substance", category) in found, found


@pytest.mark.parametrize("text,expected", [
    ("Percs and BARS", [("Percs", "opioids"), ("BARS", "benzodiazepines")]),
    ("i do roxy 30s and fentynal", [("roxy 30s", "opioids"), ("fentynal", "opioids")]),
    ("xanex, klonipin, alchohol", [("xanex", "benzodiazepines"), ("klonipin", "benzodiazepines"),
                                   ("alchohol", "alcohol")]),
])
def test_case_and_common_misspellings(text, expected):
    found = [(t, cat) for t, label, cat in entities(text) if label == "substance"]
    assert found == expected


def test_false_friends_are_not_substances():
    found = entities("had ice cream then my phone blew up, what a pot of coffee")
    assert not [e for e in found if e[1] == "substance"]
    assert not [e for e in entities("i get the blues every winter") if e[1] == "substance"]


@pytest.mark.parametrize("text,span", [
    ("i drink every day", "every day"), ("3 times a week", "3 times a week"), ("on weekends", "on weekends"),
    ("most nights", "most nights"), ("twice a day", "twice a day"), ("2x a week", "2x a week"),
    ("xans like 4 a day", "4 a day"), ("a few days a week", "a few days a week"), ("all the time", "all the time"),
])
def test_frequencies(text, span):
    assert (span, "frequency", "") in entities(text)


def test_all_the_without_time_is_not_a_frequency():
    assert not [e for e in entities("can i redo all the questions") if e[1] == "frequency"]


@pytest.mark.parametrize("text,span", [
    ("for 5 years", "for 5 years"), ("about 6 months", "about 6 months"),
    ("since i was 15", "since i was 15"),
    ("a couple of years", "a couple of years"), ("10+ years", "10+ years"), ("half my life", "half my life"),
    ("did aa for years", "for years"),
])
def test_durations(text, span):
    assert (span, "duration", "") in entities(text)


def test_normalise_substance_edge_cases():
    assert normalise_substance("some oxys") == "opioids"
    assert normalise_substance("Perc-30s!") == "opioids"
    assert normalise_substance("my grandma") is None
    assert normalise_substance("") is None


def test_every_lexicon_category_is_known():
    from bot.nlu.pipeline import load_lexicon

    assert set(load_lexicon()["substances"]) <= set(CATEGORIES)


def test_saved_pipeline_loads_from_disk_with_the_same_entities(tmp_path):
    import spacy

    path = build_and_save(tmp_path / "spacy_en_iop")
    loaded = spacy.load(path)
    doc = loaded("took percs and booze every day for 2 years")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("percs", "substance"), ("booze", "substance"), ("every day", "frequency"),
        ("for 2 years", "duration")]
    assert loaded("took percs")[0].lemma_ == "take"  # lookup lemmatizer tables were saved too
