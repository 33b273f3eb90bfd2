"""Crisis and degraded-mode texts: numbers from settings, SMS limits, no diagnostic language."""

from __future__ import annotations

import re

import pytest

from bot.channels.sms_text import SMS_LIMIT
from bot.config import Settings
from bot.safety import CATEGORIES
from bot.safety.texts import crisis_message, fallback_safety_message, safety_question

SETTINGS = Settings(crisis_line="988", emergency_number="911", poison_control="1-800-222-1222",
                    helpline_phone="(555) 010-4242")
DIAGNOSTIC = re.compile(r"you have|addict|alcoholic|diagnos|you suffer from|you are an?", re.IGNORECASE)
MARKUP = re.compile(r"\*\*|__|\[.*\]\(|https?://|<[a-z]")


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("channel", ["web", "sms"])
def test_crisis_message_is_short_plain_and_names_the_help(category, channel):
    lines = crisis_message(category, channel=channel, settings=SETTINGS)
    text = " ".join(lines)
    assert 1 <= len(lines) <= 2
    if channel == "sms":
        assert all(len(line) <= SMS_LIMIT for line in lines)
    assert not MARKUP.search(text)
    assert not DIAGNOSTIC.search(text)
    assert "911" in text and "988" in text
    assert "(555) 010-4242" in text
    assert "team" in text  # a person from the team is being alerted


def test_overdose_message_names_poison_control():
    assert "1-800-222-1222" in " ".join(crisis_message("overdose", settings=SETTINGS))


def test_suicide_message_says_call_or_text_988():
    assert "call or text 988" in " ".join(crisis_message("suicide", channel="sms", settings=SETTINGS))


def test_numbers_come_from_settings():
    custom = Settings(crisis_line="0800 111", emergency_number="112", poison_control="0800 222",
                      helpline_phone="0800 333")
    text = " ".join(crisis_message("overdose", channel="sms", settings=custom))
    assert "112" in text and "0800 222" in text and "0800 333" in text and "911" not in text


def test_unknown_category_still_gets_emergency_help():
    text = " ".join(crisis_message("something_else", settings=SETTINGS))
    assert "911" in text and "988" in text


@pytest.mark.parametrize("channel", ["web", "sms"])
def test_fallback_message_has_crisis_numbers_and_a_person(channel):
    text = fallback_safety_message(channel, settings=SETTINGS)
    for number in ("988", "911", "1-800-222-1222", "(555) 010-4242"):
        assert number in text
    assert not DIAGNOSTIC.search(text) and not MARKUP.search(text)
    if channel == "sms":
        assert len(text) <= SMS_LIMIT


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("channel", ["web", "sms"])
def test_spanish_crisis_message_gives_988_in_spanish_and_a_person(category, channel):
    lines = crisis_message(category, channel=channel, settings=SETTINGS, lang="es")
    text = " ".join(lines)
    assert "911" in text and "988" in text and "equipo" in text
    assert "marque 2" in text or "AYUDA" in text  # 988's Spanish option
    assert not MARKUP.search(text)
    if channel == "sms":
        assert all(len(line) <= SMS_LIMIT for line in lines)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_safety_question_asks_about_now_and_names_the_numbers(lang):
    text = safety_question(SETTINGS, lang=lang)
    assert "988" in text and "911" in text and "?" in text


def test_an_unreadable_texts_file_still_gives_the_numbers(monkeypatch, tmp_path):
    from bot import texts

    monkeypatch.setattr(texts, "TEXTS_DIR", tmp_path)
    texts.catalogue.cache_clear()
    try:
        for lang in ("en", "es"):
            text = " ".join(crisis_message("suicide", settings=SETTINGS, lang=lang))
            assert "988" in text and "911" in text and "(555) 010-4242" in text
            assert "988" in fallback_safety_message("sms", settings=SETTINGS, lang=lang)
    finally:
        texts.catalogue.cache_clear()
