"""The canonical text form: one spelling for every detector and classifier, whatever tricks were typed."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text.canonical import canonical, valid_text

HIDDEN = {
    "zero-width space": "I want to k\u200bill myself", "zero-width joiner": "I want to ki\u200dll myself",
    "zero-width non-joiner": "I want to ki\u200cll myself", "word joiner": "I want to ki\u2060ll myself",
    "soft hyphen": "I want to ki\u00adll myself", "BOM": "I want to \ufeffkill myself",
    "Cyrillic ka": "I want to \u043aill myself", "fullwidth": "Ｉ ｗａｎｔ ｔｏ ｋｉｌｌ ｍｙｓｅｌｆ",
    "spaced": "I want to k i l l myself", "dotted": "I want to k.i.l.l myself", "leet": "I want to k1ll myself",
    "lone surrogate": "I want to ki\ud800ll myself", "mathematical bold": "I want to 𝐤𝐢𝐥𝐥 myself",
    "small capitals": "I want to ᴋɪʟʟ myself", "combining marks": "I want to k̸̢i̴l̵l̶ myself",
    "masked": "I want to k*ll myself", "variation selector": "I want to ki\ufe0fll myself",
}


@pytest.mark.parametrize("trick", sorted(HIDDEN))
def test_hidden_spellings_become_the_plain_words(trick):
    assert canonical(HIDDEN[trick]) == "i want to kill myself"


@pytest.mark.parametrize("text", ["k i l l m y s e l f", "su-i-cide", "w4nt t0 d13", "3nd it all"])
def test_spelled_out_words_are_rejoined_into_words(text):
    assert canonical(text) in ("kill myself", "suicide", "want to die", "end it all")


@pytest.mark.parametrize("text", ["r u a bot", "1 2 3", "9am every day", "b4 work", "m30s and xans", "3pm",
                                  "2nd time", "10mg", "2x a week", "self-harm", "well-being", "i a m ok"])
def test_ordinary_chat_stays_as_typed(text):
    assert canonical(text) == text.lower()


def test_spanish_keeps_its_enye_and_folds_accents():
    assert canonical("Mañana me siento así, día difícil") == "mañana me siento asi, dia dificil"
    assert canonical("qu1er0 m4t4rm3") == "quiero matarme"


def test_the_whole_message_is_read_however_long():
    text = "just a question about the program. " * 3000 + "I want to k\u200bill myself"
    assert canonical(text).endswith("i want to kill myself")


def test_not_text_is_empty_and_bytes_are_decoded():
    assert canonical(None) == "" and canonical(42) == "" and canonical(b"hi") == "hi"


def test_valid_text_keeps_the_words_and_drops_what_cannot_be_stored():
    assert valid_text("ki\ud800ll me \ufffe") == "kill me "


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_lowercase_encodable_text(text):
    out = canonical(text)
    out.encode("utf-8")  # no lone surrogates survive
    assert out == out.lower() or not out.isascii()
