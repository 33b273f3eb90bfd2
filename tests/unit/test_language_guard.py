"""No response the bot can send diagnoses or judges; the notice appears where it must."""

import re
from pathlib import Path

import pytest
import yaml

from bot.config import load_settings
from bot.conversation import texts

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = re.compile(r"you have (a |an )?[\w -]{0,30}(disorder|addiction|disease|illness|problem)|"
                       r"you are an? addict|\baddict\b|addicts\b|diagnos(e|ed|is|ing) (you|with)|"
                       r"you suffer from|alcoholic|junkie|\bdruggie\b|you are (sick|an? user)", re.I)


def _responses_from(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text()) or {}
    found = []
    for variants in (data.get("responses") or {}).values():
        for variant in variants:
            found.append(variant.get("text") or "")
            found += [b.get("title", "") for b in variant.get("buttons") or []]
    return found


def _all_domain_and_faq_texts() -> list[str]:
    found = _responses_from(ROOT / "domain.yml")
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        found += _responses_from(path)
    return found


def _conversation_texts() -> list[str]:
    settings = load_settings(ROOT / "data" / "clinic.yml")
    out = [texts.NOT_ADVICE, texts.unclear_hint(), texts.consent_declined(settings)]
    for channel in ("web", "sms"):
        out += [texts.notice(settings, channel), texts.consent_question(channel), texts.for_whom_question(channel),
                texts.paused(settings, channel)]
    return out


def test_there_are_responses_to_check():
    assert len(_all_domain_and_faq_texts()) > 15


@pytest.mark.parametrize("text", _all_domain_and_faq_texts() + _conversation_texts())
def test_no_diagnostic_or_judging_language(text):
    assert not FORBIDDEN.search(text), text


def test_the_guard_itself_catches_the_phrases():
    for bad in ["You have a substance use disorder", "you are an addict", "We diagnosed you with",
                "you suffer from anxiety", "as an alcoholic"]:
        assert FORBIDDEN.search(bad)


def test_notice_before_first_question_names_no_advice_and_crisis_numbers():
    settings = load_settings(ROOT / "data" / "clinic.yml")
    for channel in ("web", "sms"):
        notice = texts.notice(settings, channel)
        assert "not medical advice" in notice and "diagnosis" in notice and "emergenc" in notice
        assert settings.crisis_line in notice and settings.emergency_number in notice
    assert len(texts.notice(settings, "sms")) <= 320
