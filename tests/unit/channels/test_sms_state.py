"""Duplicate MessageSids and options shown per sender (the opt-out list, in the database, is tested in
tests/integration/store/test_store_sms_opt_outs.py)."""

from bot.channels.sms_state import SeenMessages, ShownOptions


def test_duplicate_message_sids_are_recognised():
    seen = SeenMessages()
    assert seen.first_time("SM1")
    assert not seen.first_time("SM1")
    assert seen.first_time("SM2")


def test_seen_messages_are_bounded():
    seen = SeenMessages(max_items=3)
    for sid in ("a", "b", "c", "d"):
        assert seen.first_time(sid)
    assert seen.first_time("a")  # the oldest was forgotten
    assert not seen.first_time("d")


def test_shown_options_per_sender():
    shown = ShownOptions()
    shown.set("+1", [("Yes", "/affirm")])
    assert shown.get("+1") == [("Yes", "/affirm")]
    assert shown.get("+2") == []
    shown.set("+1", [])  # a later turn without options replaces them
    assert shown.get("+1") == []
