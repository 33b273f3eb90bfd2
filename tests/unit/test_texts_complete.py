"""Every text the bot says exists in every language, is used, stays within SMS limits and never diagnoses.

Languages are the files of data/texts/ (en.yml, es.yml ...): adding one adds a language, and this test then
lists every text still missing in it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.channels.sms_text import SMS_LIMIT
from bot.screening import find_diagnostic_language, load_criteria, load_questionnaire
from bot.screening.translations import missing_texts
from bot.texts import catalogue, languages

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = {"crisis_line": "988", "emergency_number": "911", "poison_control": "1-800-222-1222",
            "helpline_phone": "(555) 010-4242", "clinic_name": "Riverside Recovery Clinic",
            "understood": "you get sick or shaky when you cut down or stop", "hints": '"yes", "no" or "not sure"',
            "when": "tomorrow at 8:00 AM", "also_crisis_line": ""}


def _responses() -> dict[str, list[dict]]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    faq = yaml.safe_load((ROOT / "data" / "nlu" / "faq.yml").read_text(encoding="utf-8"))["responses"]
    return {**domain, **faq}


def _language(variant: dict) -> str | None:
    return next((c["value"] for c in variant.get("condition") or [] if c.get("name") == "language"), None)


def test_there_are_at_least_two_languages():
    assert {"en", "es"} <= set(languages())


@pytest.mark.parametrize("name", sorted(_responses()))
def test_every_response_has_every_language_on_every_channel(name):
    variants = _responses()[name]
    for lang in languages():
        web = [v for v in variants if _language(v) == lang and not v.get("channel")]
        assert web, f"{name}: no {lang} variant"
    channels = {v["channel"] for v in variants if v.get("channel")}
    for channel in channels:
        for lang in languages():
            assert [v for v in variants if _language(v) == lang and v.get("channel") == channel], \
                f"{name}: no {lang} variant for {channel}"
    assert all(_language(v) for v in variants), f"{name}: a variant without a language condition"


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, str(key)))
    elif isinstance(node, list):
        yield (*prefix, f"[{len(node)}]")
    else:
        yield prefix


def test_channel_and_safety_texts_exist_in_every_language():
    english = set(_paths(catalogue("en")))
    for lang in languages():
        missing = english - set(_paths(catalogue(lang)))
        assert not missing, f"{lang} lacks {sorted('.'.join(p) for p in missing)[:10]}"


def test_questionnaire_and_results_are_translated():
    problems = missing_texts(load_questionnaire(), load_criteria())
    assert not problems, problems[:20]


def _response_names_in_code() -> set[str]:
    names = set()
    for path in (ROOT / "actions").glob("*.py"):  # the actions are what sends responses
        names |= set(re.findall(r"\"(utter_[a-z_]+)\"", path.read_text(encoding="utf-8")))
    return names - {"utter_action"}  # a key of Rasa's response selector output, not a response


def _response_names_in_dialogue() -> set[str]:
    names = set()
    for path in (ROOT / "data").rglob("*.yml"):
        names |= set(re.findall(r"action: (utter_[a-z_/]+)", path.read_text(encoding="utf-8")))
    return names


def test_every_response_the_code_names_exists_and_every_response_is_used():
    defined = set(_responses())
    in_code = _response_names_in_code()
    dynamic = {n for n in defined if re.match(r"utter_handoff_(staffed|away)_(chat|text|call)$", n)}
    used = in_code | _response_names_in_dialogue() | dynamic | {"utter_faq"}
    assert not (in_code - defined - {"utter_faq"}), sorted(in_code - defined)
    unused = {n for n in defined if n not in used and not n.startswith("utter_faq/")
              and not n.startswith("utter_ask_")}  # utter_ask_<slot> is said by its form
    assert not unused, sorted(unused)


@pytest.mark.parametrize("name", sorted(_responses()))
def test_sms_variants_fit_an_sms_and_nothing_diagnoses(name):
    for variant in _responses()[name]:
        text = variant.get("text", "")
        for key, value in SETTINGS.items():
            text = text.replace("{" + key + "}", value)
        if variant.get("channel") == "twilio":
            assert len(text) <= SMS_LIMIT, f"{name} ({_language(variant)}): {len(text)} characters"
        assert not find_diagnostic_language(text), (name, find_diagnostic_language(text))
