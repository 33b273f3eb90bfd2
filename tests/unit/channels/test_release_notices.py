"""The end of a staff takeover: "has left" / "back with the assistant" said once, recorded, then listen."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet

from bot.channels import release
from bot.conversation.live_chat import notice

DOMAIN = Domain.from_dict({"slots": {"language": {"type": "text", "mappings": [{"type": "custom"}]}}})


class Output:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict]] = []

    async def send_text_message(self, recipient_id: str, text: str, **kwargs) -> None:
        self.sent.append((recipient_id, text, kwargs))


async def _app_with(events) -> SimpleNamespace:
    store = InMemoryTrackerStore(DOMAIN)
    tracker = await store.get_or_create_tracker("c1")
    for event in events:
        tracker.update(event)
    await store.save(tracker)
    return SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(lock_store=InMemoryLockStore(),
                                                                     tracker_store=store)))


def _joined(lang: str = "en") -> BotUttered:
    kwargs = notice(lang, "joined", "Dana")
    return BotUttered(kwargs.pop("text"), metadata=kwargs)


async def test_release_is_announced_once_in_the_conversation_language_and_ends_with_listen():
    app = await _app_with([SlotSet("language", "es"), _joined("es"), BotUttered("hola")])
    output = Output()
    assert await release.announce_release(app, "c1", output) is True
    texts = [text for _, text, _ in output.sent]
    assert texts[0].startswith("Dana, del equipo de admisión, ha salido"), texts
    assert "de nuevo con el asistente" in texts[1]
    assert [kwargs["iopbot_notice"] for _, _, kwargs in output.sent] == ["left", "back"]
    tracker = await app.ctx.agent.tracker_store.retrieve("c1")
    assert isinstance(tracker.events[-1], ActionExecuted) and tracker.events[-1].action_name == "action_listen"
    assert await release.announce_release(app, "c1", output) is False  # not again
    assert len(output.sent) == 2


async def test_nothing_is_said_when_nobody_joined():
    app = await _app_with([BotUttered("hi")])
    output = Output()
    assert await release.announce_release(app, "c1", output) is False
    assert output.sent == []


async def test_the_watch_announces_a_release_without_waiting_for_the_person(monkeypatch):
    app = await _app_with([_joined()])
    output = Output()
    held = {"c1": True}
    monkeypatch.setattr("bot.store.repositories.is_taken_over", lambda sender_id: held[sender_id])
    watch = release.ReleaseWatch(interval=0.01)
    watch.watch("c1")
    watch.start(lambda: app, lambda: output)
    await asyncio.sleep(0.05)
    assert output.sent == []  # still taken over
    held["c1"] = False
    for _ in range(100):
        if output.sent:
            break
        await asyncio.sleep(0.01)
    assert [kwargs["iopbot_notice"] for _, _, kwargs in output.sent] == ["left", "back"]
    assert watch.joined == set()
    await watch.stop()


async def test_stopping_the_watch_ends_its_loop_and_it_can_start_again(monkeypatch):
    monkeypatch.setattr("bot.store.repositories.is_taken_over", lambda _sender_id: True)
    watch = release.ReleaseWatch(interval=0.01)
    watch.watch("c1")
    watch.start(lambda: None, Output)
    task = watch._task
    await asyncio.sleep(0.03)
    await watch.stop()
    assert task.done() and task.cancelled()
    await watch.stop()  # a second stop (or one before any start) is harmless
    watch.start(lambda: None, Output)
    assert watch._task is not None and not watch._task.done()
    await watch.stop()
