"""SMS rendering: numbered options, plain text, 320-character parts split at sentence boundaries."""

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.sms_text import (
    SMS_LIMIT,
    already_numbered,
    keyword,
    match_option,
    numbered_options,
    pack,
    plain,
    render,
    resubscribes,
    split_sms,
)

BUTTONS = [{"title": "Yes, continue", "payload": "/resume_screening"},
           {"title": "Start over", "payload": "/restart_screening"}]


def test_buttons_become_numbered_options():
    assert render("Pick up where we left off?", BUTTONS) == (
        "Pick up where we left off? Reply 1 Yes, continue or 2 Start over.")
    assert numbered_options(["Yes", "No", "Not sure"]) == "Reply 1 Yes, 2 No or 3 Not sure."
    assert numbered_options(["OK"]) == "Reply 1 OK."


def test_text_that_already_lists_numbers_is_not_numbered_twice():
    text = "Any health problems? Reply 1 Yes, 2 No or 3 Not sure."
    assert already_numbered(text)
    assert render(text, [{"title": "Yes", "payload": "yes"}]) == text
    assert not already_numbered("Reply YES or NO.")


def test_plain_removes_markdown_links_and_tags():
    text = "**Important:** see [our page](https://clinic.example/iop) or https://x.example/a. <b>Call</b> tel:988 _now_"
    out = plain(text)
    assert "*" not in out and "_" not in out and "<" not in out
    assert "http" not in out and "example" not in out
    assert "our page" in out and "Call 988" in out and "now" in out


def test_plain_keeps_ordinary_punctuation_and_words_with_underscores():
    assert plain("It's 9-12 hours a week (3 sessions).") == "It's 9-12 hours a week (3 sessions)."
    assert plain("snake_case stays") == "snake_case stays"


def test_split_at_sentence_boundaries():
    sentences = [f"Sentence number {i} is here and it says something useful." for i in range(12)]
    parts = split_sms(" ".join(sentences))
    assert len(parts) > 1
    assert all(len(p) <= SMS_LIMIT for p in parts)
    for part in parts:
        assert part.endswith("."), part  # never cut inside a sentence
    assert " ".join(parts) == " ".join(sentences)


def test_closing_quotes_and_brackets_stay_with_their_sentence():
    text = 'Say "stop." Then (if you like.) we go on! ' + "Word " * 70
    parts = split_sms(text)
    assert parts[0].startswith('Say "stop." Then (if you like.) we go on!')
    assert "".join(" ".join(parts).split()) == "".join(text.split())


def test_an_overlong_sentence_is_cut_between_words():
    words = ["alcohol"] * 120
    parts = split_sms(" ".join(words))
    assert all(len(p) <= SMS_LIMIT for p in parts)
    assert " ".join(parts).split() == words


def test_a_single_huge_token_is_cut_by_characters():
    parts = split_sms("x" * 700)
    assert [len(p) for p in parts] == [320, 320, 60]


def test_pack_joins_short_messages_into_one_sms():
    assert pack(["Thanks.", "Next question? Reply 1 Yes or 2 No."]) == [
        "Thanks.\nNext question? Reply 1 Yes or 2 No."]


def test_a_message_that_fits_is_never_split_across_sms():
    intro = "Thank you. " + "Answer in your own words, not sure is always OK. " * 5
    question = "Safety first: in the past month, have you had such thoughts? Reply 1 Yes, 2 No or 3 Not sure."
    parts = pack([intro, question])
    assert parts == [intro.strip(), question]


def test_pack_keeps_order_and_empty_input():
    assert pack([]) == []
    assert pack(["", "  "]) == []
    first, second = "A" * 200 + ".", "B" * 200 + "."
    assert pack([first, second]) == [first, second]


@given(st.lists(st.text(alphabet=st.characters(whitelist_categories=("L", "N", "P", "Zs")),
                        max_size=900), max_size=6))
def test_pack_limits_and_loses_no_words(texts):
    parts = pack(texts)
    assert all(0 < len(p) <= SMS_LIMIT for p in parts)
    words_in = [w for t in texts for w in re.split(r"\s+", t) if w]
    words_out = [w for p in parts for w in re.split(r"\s+", p) if w]
    assert "".join(words_out) == "".join(words_in)


def test_carrier_keywords():
    for word in ("STOP", "stop", " Stop. ", "unsubscribe", "CANCEL", "end", "quit", "stopall"):
        assert keyword(word) == "stop", word
    for word in ("HELP", "help!", "info"):
        assert keyword(word) == "help", word
    for word in ("START", "unstop"):
        assert keyword(word) == "start", word
    for text in ("yes", "please stop asking about my mom", "I need help", "1", "", "stop it now"):
        assert keyword(text) is None, text
    assert resubscribes("YES") and resubscribes("start") and not resubscribes("no")


def test_number_replies_map_to_the_shown_payloads():
    options = [(b["title"], b["payload"]) for b in BUTTONS]
    assert match_option("1", options) == "/resume_screening"
    assert match_option(" #2 ", options) == "/restart_screening"
    assert match_option("2.", options) == "/restart_screening"
    assert match_option("option 1", options) == "/resume_screening"
    assert match_option("yes, continue", options) == "/resume_screening"
    assert match_option("START OVER", options) == "/restart_screening"
    assert match_option("3", options) is None
    assert match_option("0", options) is None
    assert match_option("yes", options) is None  # free text goes to the bot as typed
    assert match_option("1", []) is None
