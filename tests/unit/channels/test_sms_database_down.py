"""The SMS channel with its database unreachable: the opt-out list cannot say, and a crisis is still answered."""

from __future__ import annotations

from types import SimpleNamespace

from bot.channels.guard import guarded
from bot.channels.sms import TwilioSmsInput

SENDER = "+15550108001"


async def test_with_the_database_down_a_crisis_text_still_gets_the_crisis_line(tmp_path, monkeypatch):
    from bot import config
    from bot.store import db

    (tmp_path / "a-file").write_text("")  # a database under a plain file can be neither created nor opened
    monkeypatch.setenv("IOPBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("IOPBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'a-file' / 'iopbot.db'}")
    config.get_settings.cache_clear()
    sent: list[str] = []

    async def send(_to: str, body: str) -> bool:
        sent.append(body)
        return True

    async def dialogue(_message) -> None:  # Rasa cannot load the conversation either
        raise RuntimeError("database unreachable")

    channel = TwilioSmsInput("AC00000000000000000000000000000000", "token", "+15550000000")
    channel.sender = SimpleNamespace(send=send)
    try:
        assert channel.opt_outs.is_opted_out(SENDER) is None
        await channel.process(SENDER, "I want to kill myself tonight", guarded(dialogue))
    finally:
        config.get_settings.cache_clear()
        db.dispose_all()
    assert sent and any("988" in body for body in sent)
