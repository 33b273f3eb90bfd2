"""What our actions read from a conversation's history, and the bounded part of it sent to the action server.

Pure helpers (no Rasa import): an event is a dict (the action server's ``tracker.events``) or a Rasa event
object (the Rasa server), read the same way (``kind``, ``intent_of``, ``metadata_of``).

Everything the actions look up in past events is a :class:`BackScan`: walk the *relevant* events from the
latest backwards and stop at the first *stop* event. Such a scan reads only the relevant events from the end
back to (and including) that stop event, so it gives the same answer on any list that keeps those events in
order. :func:`events_for_action` keeps exactly that for every scan below, plus the last two turns whole (rasa-sdk
reads the slot events at the end, the latest user message and its input channel), instead of the whole session
Rasa sends by default (hundreds of kB late in a long conversation; ``bench/PROFILE.md``). A new action that
reads older events must add its scan to :data:`SCANS` (``tests/unit/conversation/test_history.py`` checks every
helper here on random histories, full vs trimmed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

NOTICE_KEY = "iopbot_notice"  # bot message metadata: "joined" / "left" / "back" (bot.conversation.live_chat)
STAFF_NAME_KEY = "staff_name"
FALLBACK_INTENT = "nlu_fallback"
CRISIS_CHECK_INTENT = "crisis_check"
NOT_CAUGHT = "utter_not_caught"
ASK_CONTACT_METHOD = "utter_ask_contact_method"
KEEP_TURNS = 2  # whole user turns always sent (the current one and the one before)


def kind(event: Any) -> str | None:
    """"user", "bot", "slot", "action" ... (a dict's ``event``, a Rasa event's ``type_name``)."""
    if isinstance(event, dict):
        return event.get("event")
    return getattr(type(event), "type_name", None)


def _field(event: Any, name: str) -> Any:
    return event.get(name) if isinstance(event, dict) else getattr(event, name, None)


def metadata_of(event: Any) -> dict:
    """A bot message's metadata ({} for other events)."""
    return (_field(event, "metadata") or {}) if kind(event) == "bot" else {}


def parse_data_of(event: Any) -> dict:
    """A user message's NLU result ({} for other events)."""
    return (_field(event, "parse_data") or {}) if kind(event) == "user" else {}


def intent_of(event: Any) -> str | None:
    """A user message's intent name (None for other events)."""
    return (parse_data_of(event).get("intent") or {}).get("name")


def text_of(event: Any) -> str | None:
    return _field(event, "text")


def _always(event: Any) -> bool:  # noqa: ARG001
    return True


@dataclass(frozen=True)
class BackScan:
    """The ``kind`` events (optionally only the ``relevant`` ones) from the latest backwards, up to and
    including the first ``stop`` event."""

    name: str
    kind: str
    stop: Callable[[Any], bool]
    relevant: Callable[[Any], bool] = _always

    def reads(self, event: Any) -> bool:
        return kind(event) == self.kind and self.relevant(event)

    def read(self, events: Sequence[Any]) -> list[Any]:
        """The events this scan reads, latest first."""
        seen = []
        for event in reversed(events):
            if self.reads(event):
                seen.append(event)
                if self.stop(event):
                    break
        return seen


def _is_notice(event: Any) -> bool:
    return metadata_of(event).get(NOTICE_KEY) in ("joined", "left", "back")


def _is_crisis_check(event: Any) -> bool:
    return intent_of(event) == CRISIS_CHECK_INTENT


def _utter(event: Any) -> Any:
    return metadata_of(event).get("utter_action")


STAFF_NOTICE = BackScan("staff notice", "bot", _always, relevant=_is_notice)
CRISIS_CHECK = BackScan("crisis check message", "user", _always, relevant=_is_crisis_check)
FALLBACKS = BackScan("fallbacks in a row", "user", lambda e: intent_of(e) != FALLBACK_INTENT)
CONTACT_MISSES = BackScan("contact misses in a row", "bot", lambda e: _utter(e) not in (NOT_CAUGHT, ASK_CONTACT_METHOD))
LATEST_USER = BackScan("latest user message", "user", _always)  # rasa-sdk's get_latest_input_channel
SCANS = (STAFF_NOTICE, CRISIS_CHECK, FALLBACKS, CONTACT_MISSES, LATEST_USER)


def announced_staff(events: Iterable[Any]) -> str | None:
    """The staff member the person was last told has joined and not yet left (None: the assistant)."""
    found = STAFF_NOTICE.read(list(events or []))
    if found and metadata_of(found[0]).get(NOTICE_KEY) == "joined":
        return str(metadata_of(found[0]).get(STAFF_NAME_KEY) or "")
    return None


def consecutive_fallbacks(events: Sequence[Any]) -> int:
    """How many of the latest user messages in a row were not understood (nlu_fallback)."""
    return sum(1 for e in FALLBACKS.read(events) if intent_of(e) == FALLBACK_INTENT)


def contact_misses_in_a_row(events: Sequence[Any]) -> int:
    """How many times in a row the bot said it did not catch the answer to 'how should we reach you'."""
    return sum(1 for e in CONTACT_MISSES.read(events) if _utter(e) == NOT_CAUGHT)


def crisis_check_message(events: Sequence[Any]) -> Any | None:
    """The latest user message NLU read as a possible crisis (intent crisis_check), or None."""
    found = CRISIS_CHECK.read(events)
    return found[0] if found else None


def events_for_action(events: Sequence[Any], keep_turns: int = KEEP_TURNS) -> list[Any]:
    """The events to send with an action call: the last ``keep_turns`` user turns whole, and before them
    only what a scan in :data:`SCANS` reads. The order is kept; with fewer turns everything is sent."""
    events = events if isinstance(events, list) else list(events)
    kinds = [kind(event) for event in events]
    users = [i for i, k in enumerate(kinds) if k == "user"]
    if len(users) < keep_turns:
        return list(events)
    start = users[-keep_turns]
    older: list[int] = []
    open_scans = list(SCANS)  # one pass from the end for all scans, until each has met its stop event
    for i in range(len(events) - 1, -1, -1):
        if not open_scans:
            break
        if kinds[i] not in ("user", "bot"):
            continue
        event, still = events[i], []
        for scan in open_scans:
            if scan.kind == kinds[i] and scan.relevant(event):
                if i < start and (not older or older[-1] != i):
                    older.append(i)
                if scan.stop(event):
                    continue
            still.append(scan)
        open_scans = still
    return [events[i] for i in reversed(older)] + events[start:]
