"""Opt-out list (persisted, hashed numbers), duplicate MessageSids, options shown per sender."""

from bot.channels.sms_state import OptOuts, SeenMessages, ShownOptions


def test_opt_outs_persist_across_instances_without_storing_numbers(tmp_path):
    path = tmp_path / "sms_opt_outs.json"
    first = OptOuts(path, "secret")
    assert not first.is_opted_out("+15551234567")
    first.opt_out("+15551234567")
    assert first.is_opted_out("+15551234567")
    assert "5551234567" not in path.read_text()
    again = OptOuts(path, "secret")
    assert again.is_opted_out("+15551234567")
    assert not again.is_opted_out("+15557654321")
    again.opt_in("+15551234567")
    assert not OptOuts(path, "secret").is_opted_out("+15551234567")


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
    shown.set("+1", [])
    assert shown.get("+1") == []
