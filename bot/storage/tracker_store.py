"""Rasa's SQL tracker store, made safe for a survivor's words (../shared/spec/privacy.md).

Configured in ``endpoints.yml`` like any Rasa tracker store
(``type: bot.storage.tracker_store.LenteraTrackerStore`` with Rasa's SQL options):

- every event's data is encrypted at rest with ``LENTERA_ENCRYPTION_KEYS`` (the newest key
  encrypts, all of them decrypt; ``python -m bot.privacy reencrypt`` moves old rows on);
- until the person agrees to storage (slot ``storage_consent``), the words are left out:
  what the person wrote and what the assistant answered are dropped; intents, entities and
  slots are kept, because the dialogue needs them to go on;
- when the person withdraws (``storage_consent`` set to false), the words already stored are
  erased from every stored event of that conversation.

Rows written before this store (plain JSON) are still read; ``reencrypt`` encrypts them.
Only this Rasa-side module imports Rasa; the rest of ``bot.storage`` does not.

When the database is down (``bot/channels/strict_store.py`` has the whole story):

- at start, Rasa logs "Could not create tables: ..." and goes on; this store then creates
  its table on first use, once the database answers, so no restart is needed;
- a store that cannot be built at all (a missing driver: ``ImportError``; a broken class:
  ``AttributeError``) raises :class:`TrackerStoreNotCreated`, which Rasa does not catch:
  Rasa exits at start instead of quietly serving on an ``InMemoryTrackerStore``;
- pooled connections are checked before use, so the first message after the database
  restarts is answered, not refused on a dead connection.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import sessionmaker

from bot.security.encryption import Cipher
from bot.settings import SettingsError, encryption_keys

logger = logging.getLogger(__name__)

CONSENT_SLOT = "storage_consent"
# Keys of an event's data that hold words (the person's or the assistant's).
WORD_KEYS = ("text", "data", "metadata")
PARSE_WORD_KEYS = ("text", "metadata")


def without_words(data: dict[str, Any]) -> dict[str, Any]:
    """The event data minus anything written: intents, entity values and slots remain."""
    kept = dict(data)
    if kept.get("event") not in ("user", "bot"):
        return kept
    for key in WORD_KEYS:
        if key in kept:
            kept[key] = None if key == "text" else {}
    parse = kept.get("parse_data")
    if isinstance(parse, dict):
        parse = dict(parse)
        for key in PARSE_WORD_KEYS:
            if key in parse:
                parse[key] = "" if key == "text" else {}
        kept["parse_data"] = parse
    return kept


def seal(cipher: Cipher, data: dict[str, Any]) -> str:
    """The stored form of one event's data."""
    return cipher.encrypt(json.dumps(data, ensure_ascii=False))


def unseal(cipher: Cipher, stored: str) -> dict[str, Any]:
    """One event's data from its stored form (encrypted, or plain JSON from before)."""
    if stored.lstrip().startswith("{"):
        return dict(json.loads(stored))
    return dict(json.loads(cipher.decrypt(stored)))


def cipher_from_env() -> Cipher:
    """The cipher of ``LENTERA_ENCRYPTION_KEYS``; refuses to store words unencrypted."""
    keys = encryption_keys()
    if not keys:
        raise SettingsError(
            "LENTERA_ENCRYPTION_KEYS must be set for the tracker store "
            "(make run writes it to var/secrets.env)"
        )
    return Cipher(keys)


def consents(tracker: DialogueStateTracker) -> bool:
    """True only when the person said yes to storage."""
    return tracker.get_slot(CONSENT_SLOT) is True


def withdraws(events: Iterable[Event]) -> bool:
    """True when these new events take consent back."""
    return any(
        isinstance(event, SlotSet) and event.key == CONSENT_SLOT and event.value is False
        for event in events
    )


class TrackerStoreNotCreated(RuntimeError):
    """The store could not be built: Rasa must exit, not fall back to memory."""


class LenteraTrackerStore(SQLTrackerStore):
    """An SQL tracker store that encrypts and keeps no words without consent."""

    engine: sa.engine.Engine  # set by Rasa's __init__, rebuilt with pre-ping

    def __init__(self, *args: Any, cipher: Cipher | None = None, **kwargs: Any) -> None:
        """Rasa's SQL options; ``cipher`` defaults to ``LENTERA_ENCRYPTION_KEYS``.

        Raises:
            TrackerStoreNotCreated: Instead of the ``ImportError`` or ``AttributeError``
                Rasa would answer with an in-memory store.
            bot.settings.SettingsError: Without encryption keys.
        """
        self._cipher = cipher or cipher_from_env()
        try:
            super().__init__(*args, **kwargs)
            self._check_connections_before_use()
        except (ImportError, AttributeError) as error:
            raise TrackerStoreNotCreated(
                f"Lentera's tracker store cannot be created ({type(error).__name__}: {error}); "
                "Rasa must not run on an in-memory store instead"
            ) from error
        # Rasa's own create_all above fails quietly when the database is down.
        self._tables_ready = False

    def _check_connections_before_use(self) -> None:
        """Rebuild Rasa's engine with ``pool_pre_ping`` (same URL and pool options)."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)

    def _ensure_tables(self) -> None:
        """Create the events table on first use (it is missing if the start found no database).

        Raises:
            sqlalchemy.exc.OperationalError: The database does not answer yet.
        """
        if self._tables_ready:
            return
        try:
            self.Base.metadata.create_all(self.engine)
        except (sa.exc.ProgrammingError, sa.exc.IntegrityError):
            # Another Rasa process created them at the same moment (as in Rasa's __init__).
            logger.warning("Tracker store tables were being created by another process")
        self._tables_ready = True

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the new events: encrypted, words only with consent."""
        self._ensure_tables()
        await self.stream_events(tracker)
        keep_words = consents(tracker)
        with self.session_scope() as session:
            events = list(self._additional_events(session, tracker))
            rows = []
            for event in events:
                data = event.as_dict()
                intent = data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY)
                rows.append(
                    {
                        "sender_id": tracker.sender_id,
                        "type_name": event.type_name,
                        "timestamp": data.get("timestamp"),
                        "intent_name": intent,
                        "action_name": data.get("name"),
                        "data": seal(self._cipher, data if keep_words else without_words(data)),
                    }
                )
            if rows:  # one multi-row INSERT: the ORM's unit of work per event cost more
                session.execute(sa.insert(self.SQLEvent.__table__), rows)
            session.commit()
            if withdraws(events):
                self._forget_words(session, tracker.sender_id)

    def _forget_words(self, session: Any, sender_id: str) -> None:
        """Erase the words of every stored event of ``sender_id`` (consent withdrawn)."""
        rows = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).all()
        for row in rows:
            row.data = seal(self._cipher, without_words(unseal(self._cipher, row.data)))
        session.commit()
        logger.info("Words of one conversation erased: consent to storage withdrawn")

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        self._ensure_tables()
        with self.session_scope() as session:
            rows = self._event_query(
                session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
            ).all()
            events = [unseal(self._cipher, row.data) for row in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None
