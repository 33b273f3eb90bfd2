"""Rasa tracker store on our database with every serialised event encrypted at rest.

Configure in ``endpoints.yml``::

    tracker_store:
      type: bot.store.tracker_store.EncryptedSQLTrackerStore
      # optional; default is the settings' database URL (IOPBOT_DATABASE_URL or the local SQLite file)
      url: postgresql+psycopg2://user:pass@db/iopbot

Rasa 3.6 builds custom stores with ``cls(host=<url>, domain=..., event_broker=..., **other_keys)``
(``rasa.core.tracker_store._load_from_module_name_in_endpoint_config``). ``url``/``host`` or ``db`` may hold a
full SQLAlchemy URL; classic Rasa keys (``dialect``, ``host``, ``port``, ``db``, ``username``, ``password``)
also work. The Fernet key comes from ``Settings.key("encryption_key")`` (``IOPBOT_ENCRYPTION_KEY``).
Importing this module imports Rasa; the console reads transcripts through :mod:`bot.store.transcript`.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, _create_sequence, create_engine_kwargs
from rasa.shared.core.events import ActiveLoop, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import declarative_base

from bot.store import activity
from bot.store.crypto import CIPHER_ATTR, EncryptedText, cipher_for
from bot.store.db import SQLITE_CONNECT_ARGS, normalise_url

logger = logging.getLogger(__name__)
SCREENING_FORM = "screening_form"

# the screening form's loop and the slot naming the open question (a question id, never an answer)
CLEAR_ACTION_NAMES = frozenset({"screening_form", "screening_current"})
# conversations whose last saved tracker stays in memory (LRU); a few MB for a long one
KEPT_TRACKERS = 64


@dataclass
class _Kept:
    """A tracker as this process saved it, and what the database held for the conversation right after."""

    tracker: DialogueStateTracker
    events: int  # len(tracker.events) when saved
    followup: str | None  # the one piece of tracker state Rasa changes without an event (predicting clears it)
    rows: tuple[int, int | None]  # (rows of the conversation, highest row id) after the save
    domain: Any
    session_start: float | None  # the timestamp Rasa's session query starts from (latest SessionStarted row)


class EncryptedSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` with ``events.data`` Fernet-encrypted (legacy plaintext rows still load) and the
    clear ``intent_name`` / ``action_name`` columns left empty: beside a phone-number sender id they would
    tell anyone reading the table who had a crisis. Rasa never reads them back; ``data`` keeps both. Only
    the names in ``CLEAR_ACTION_NAMES`` stay (they say nothing about a person's health; the console's
    Overview counts screenings and where people stop by them).

    Loading a conversation does not grow with its length: the tracker this process last saved is kept
    (``KEPT_TRACKERS``, least recently used dropped) and handed back as long as one index-only query shows
    the database still holds exactly what was saved (same number of the conversation's rows, same last row
    id) and nobody changed the tracker without saving it. Anything else (another node or process wrote, a new
    session began, rows were purged, a failed turn left unsaved events, a new model's domain) loads from
    the database as Rasa does."""

    Base = declarative_base()

    class SQLEvent(Base):
        __tablename__ = "events"

        id = sa.Column(sa.Integer, _create_sequence(__tablename__), primary_key=True)
        sender_id = sa.Column(sa.String(255), nullable=False, index=True)
        type_name = sa.Column(sa.String(255), nullable=False)
        timestamp = sa.Column(sa.Float)
        intent_name = sa.Column(sa.String(255))
        action_name = sa.Column(sa.String(255))
        data = sa.Column(EncryptedText(allow_plaintext=True))

        def __init__(self, **kwargs: Any) -> None:
            kept = kwargs.get("action_name") if kwargs.get("action_name") in CLEAR_ACTION_NAMES else None
            kwargs.update(intent_name=None, action_name=kept)
            super().__init__(**kwargs)

    def __init__(
        self,
        domain: Any = None,
        host: str | None = None,
        db: str | None = None,
        url: str | None = None,
        event_broker: Any = None,
        settings: Any = None,
        **kwargs: Any,
    ) -> None:
        if settings is None:
            from bot.config import get_settings

            settings = get_settings()
        target = _full_url(url) or _full_url(host) or _full_url(db)
        if target is None and not host:
            target = settings.resolved_database_url
        if target is not None:
            target = normalise_url(target)
            _ensure_sqlite_dir(target)
            super().__init__(domain=domain, host=target, event_broker=event_broker, **kwargs)
        else:  # classic Rasa keys: dialect/host/port/db/username/password
            db = db or "rasa.db"
            super().__init__(domain=domain, host=host, db=db, event_broker=event_broker, **kwargs)
        self._check_connections_before_use()
        setattr(self.engine.dialect, CIPHER_ATTR, cipher_for(settings.key("encryption_key")))
        self._kept: OrderedDict[str, _Kept] = OrderedDict()

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        kept = None if fetch_events_from_all_sessions else self._kept.pop(sender_id, None)
        if (kept is not None and kept.domain is self.domain and len(kept.tracker.events) == kept.events
                and kept.tracker.followup_action == kept.followup):
            with self.engine.connect() as connection:
                unchanged = self._rows(connection, sender_id) == kept.rows
            if unchanged:
                self._kept[sender_id] = kept
                return kept.tracker
        return await super()._retrieve(sender_id, fetch_events_from_all_sessions)

    def _rows(self, executor: Any, sender_id: str) -> tuple[int, int | None]:
        """(rows, highest id) of all the conversation's events, on ``executor`` (a session or connection): from
        the sender index alone, no row is read."""
        table = self.SQLEvent.__table__
        query = sa.select(sa.func.count(table.c.id), sa.func.max(table.c.id)).where(table.c.sender_id == sender_id)
        count, last = executor.execute(query).one()
        return int(count), last

    def _keep(self, tracker: DialogueStateTracker) -> None:
        """Keep the saved tracker if it equals what Rasa would load; a failure here only means not keeping it
        (the events are saved: never an error for the turn)."""
        try:
            with self.session_scope() as session:  # what Rasa would load: its own session query
                loaded = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
                if loaded != len(tracker.events):  # e.g. a new session: the next load reads the database
                    return
                start = session.execute(self._session_start(tracker.sender_id)).scalar()
                rows = self._rows(session, tracker.sender_id)
        except sa.exc.SQLAlchemyError as error:
            logger.warning("conversation not kept in memory (%s)", type(error).__name__)
            return
        self._remember(_Kept(tracker, len(tracker.events), tracker.followup_action, rows, self.domain, start))

    def _remember(self, kept: _Kept) -> None:
        self._kept[kept.tracker.sender_id] = kept
        while len(self._kept) > KEPT_TRACKERS:
            self._kept.popitem(last=False)

    def _session_start(self, sender_id: str) -> sa.sql.Select:
        """Where Rasa's session query starts: the latest SessionStarted timestamp (None: the whole conversation)."""
        table = self.SQLEvent.__table__
        return sa.select(sa.func.max(table.c.timestamp)).where(
            table.c.sender_id == sender_id, table.c.type_name == SessionStarted.type_name)

    def _row(self, sender_id: str, event: Event) -> SQLEvent:
        """The row Rasa's ``SQLTrackerStore.save`` writes for ``event``."""
        data = event.as_dict()
        return self.SQLEvent(sender_id=sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
                             intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                             action_name=data.get("name"), data=json.dumps(data))

    async def _append(self, kept: _Kept, tracker: DialogueStateTracker) -> bool:
        """Save a kept tracker's new events without Rasa's session count, which reads every row of the session
        and so grows with the conversation: the database held exactly the kept events (checked when kept), and
        one index-only query shows it still does. False (nothing written) when that cannot be known, or an
        event broker needs Rasa's own save (it streams the events first): the caller then saves as Rasa does."""
        if (kept.tracker is not tracker or kept.domain is not self.domain or len(tracker.events) < kept.events
                or self.event_broker is not None):
            return False
        new = list(itertools.islice(tracker.events, kept.events, None))
        with self.session_scope() as session:
            if self._rows(session, tracker.sender_id) != kept.rows:
                return False
            rows = [self._row(tracker.sender_id, event) for event in new]
            session.add_all(rows)
            session.flush()
            last = max((row.id for row in rows), default=kept.rows[1])
            session.commit()
        still_one_session = not any(isinstance(event, SessionStarted) for event in new) and (
            kept.session_start is None or all(event.timestamp >= kept.session_start for event in new))
        if still_one_session:  # Rasa's session query would now return exactly the tracker's events
            self._remember(_Kept(tracker, len(tracker.events), tracker.followup_action,
                                 (kept.rows[0] + len(new), last), self.domain, kept.session_start))
        else:
            self._keep(tracker)
        return True

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Save the new events, then the conversation's row in ``conversation_activity`` (for the Overview).
        A failure there is logged and never costs the conversation its events."""
        kept = self._kept.pop(tracker.sender_id, None)
        if kept is None or not await self._append(kept, tracker):
            await super().save(tracker)
            self._keep(tracker)
        facts = activity_of(tracker)
        if facts is None:
            return
        try:
            with self.session_scope() as session:
                activity.record(session, facts)
                session.commit()
        except sa.exc.SQLAlchemyError as error:
            logger.warning("conversation activity not recorded (%s)", type(error).__name__)

    def _check_connections_before_use(self) -> None:
        """Rasa's engine reuses pooled connections that a database restart has closed; the first message after
        it would fail, and Rasa's FailSafeTrackerStore would then answer from a blank conversation. Ping first."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **_pooled_sqlite(url),
                                       **create_engine_kwargs(url.render_as_string(hide_password=False)))
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)


def activity_of(tracker: DialogueStateTracker) -> activity.Activity | None:
    """The Overview's facts about the tracker's current session (None before the session has started)."""
    started = opened = last_user = None
    for event in tracker.events:
        if isinstance(event, SessionStarted):
            started, opened, last_user = event.timestamp, None, None
        elif isinstance(event, ActiveLoop) and event.name == SCREENING_FORM:
            opened = event.timestamp
        elif isinstance(event, UserUttered):
            last_user = event.timestamp
    if started is None:
        return None
    return activity.Activity(
        sender_id=tracker.sender_id,
        started_at=activity.utc(started),
        channel=activity.channel_of(tracker.sender_id, tracker.get_latest_input_channel()),
        last_active_at=activity.utc(last_user or started),
        language=_slot(tracker, "language"),
        screening_opened_at=None if opened is None else activity.utc(opened),
        question=_slot(tracker, "screening_current") if opened is not None else None,
    )


def _slot(tracker: DialogueStateTracker, name: str) -> str | None:
    value = tracker.slots[name].value if name in tracker.slots else None
    return value if isinstance(value, str) and value else None


def _pooled_sqlite(url: sa.engine.URL) -> dict[str, Any]:
    """A SQLite file keeps its connections open between messages. SQLAlchemy 1.4 opens and closes one per
    session there (NullPool), and each new connection reads the schema again before its first query
    (bench/PROFILE.md section 9)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return {}
    return {"poolclass": sa.pool.QueuePool, "connect_args": dict(SQLITE_CONNECT_ARGS)}


def _full_url(value: str | None) -> str | None:
    return value if value and "://" in value else None


def _ensure_sqlite_dir(url: str) -> None:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        from pathlib import Path

        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
