"""Fixed retention (../shared/spec/privacy.md): nothing is kept longer than said.

- A closed case's content (messages, notes, summary, city) goes after
  ``LENTERA_CASE_RETENTION_DAYS`` (180): the consent question tells the person so.
- A conversation with no open case and no message for ``LENTERA_RETENTION_DAYS`` (30) is
  erased from Rasa's SQL tracker store. A conversation with an open case is kept: the
  caseworker may still need it.
- A conversation whose person never agreed to storage (bot/privacy/consent.py) goes one day
  after its last message: it holds no words, only what the dialogue needed.
- With a conversation go the person's address (encrypted chat id, numbered choices) and
  their answer to the storage notice: someone who writes again is new.

`python -m bot.privacy purge` runs it once; the console process runs it every hour.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from bot.cases import CaseStore
from bot.cases.tables import OPEN_STATUSES, cases
from bot.privacy.consent import UNCONSENTED_DAYS, Consents
from bot.privacy.sent_log import SentLog
from bot.privacy.tables import storage_consents
from bot.storage.tables import address_table

logger = logging.getLogger(__name__)
DAY = 86400.0
DEFAULT_RETENTION_DAYS = 30
DEFAULT_CASE_RETENTION_DAYS = 180
EVERY_SECONDS = 3600.0


@dataclass(frozen=True)
class Retention:
    """How long things are kept, in days."""

    conversation_days: float = DEFAULT_RETENTION_DAYS
    case_days: float = DEFAULT_CASE_RETENTION_DAYS

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Retention:
        """``LENTERA_RETENTION_DAYS`` and ``LENTERA_CASE_RETENTION_DAYS`` (positive numbers)."""
        env = os.environ if env is None else env

        def days(name: str, default: float) -> float:
            text = env.get(name, "").strip()
            if not text:
                return default
            value = float(text)
            if value <= 0:
                raise ValueError(f"{name} must be a positive number of days")
            return value

        return cls(
            days("LENTERA_RETENTION_DAYS", DEFAULT_RETENTION_DAYS),
            days("LENTERA_CASE_RETENTION_DAYS", DEFAULT_CASE_RETENTION_DAYS),
        )

    @classmethod
    def told(cls) -> Retention:
        """What the person is told: the environment's values, the defaults if they are bad."""
        try:
            return cls.from_env()
        except ValueError:
            return cls()


@dataclass(frozen=True)
class Purged:
    """What one run erased (counts only)."""

    cases: int
    conversations: int
    events: int


# Rasa's SQLTrackerStore table, as far as retention and re-encryption need it
# (bot/storage/tracker_store.py writes ``data`` encrypted).
TRACKER_EVENTS = sa.table(
    "events", sa.column("id"), sa.column("sender_id"), sa.column("timestamp"), sa.column("data")
)


def _has_events(tracker_engine: sa.engine.Engine) -> bool:
    """False for a tracker store that has stored nothing yet (no ``events`` table)."""
    with tracker_engine.connect() as conn:
        return bool(sa.inspect(conn).has_table(TRACKER_EVENTS.name))


def purge_conversations(
    tracker_engine: sa.engine.Engine, keep: set[str], before: float
) -> tuple[list[str], int]:
    """Delete the events of conversations silent since ``before`` (except ``keep``).

    Returns the conversations erased and how many events. A tracker store without an
    ``events`` table (nothing stored yet) erases nothing.
    """
    if not _has_events(tracker_engine):
        return [], 0
    events = TRACKER_EVENTS
    last = sa.func.max(events.c.timestamp)
    silent = sa.select(events.c.sender_id).group_by(events.c.sender_id).having(last < before)
    with tracker_engine.begin() as conn:
        senders = [str(s) for (s,) in conn.execute(silent) if str(s) not in keep]
        erased = 0
        for start in range(0, len(senders), 500):
            chunk = senders[start : start + 500]
            erased += conn.execute(sa.delete(events).where(events.c.sender_id.in_(chunk))).rowcount
    return senders, erased


def forget_people(store_engine: sa.engine.Engine, senders: list[str], before: float) -> int:
    """Erase what Lentera's database keeps of people whose conversation is gone.

    That is their address (chat id, numbered choices) if they have not written since
    ``before``, and their answer to the storage notice. Returns how many addresses went.
    """
    erased = 0
    with store_engine.begin() as conn:
        for start in range(0, len(senders), 500):
            chunk = senders[start : start + 500]
            erased += conn.execute(
                sa.delete(address_table).where(
                    address_table.c.sender_id.in_(chunk), address_table.c.updated_at < before
                )
            ).rowcount
            conn.execute(
                sa.delete(storage_consents).where(storage_consents.c.conversation_id.in_(chunk))
            )
    return int(erased)


def erase_tracker_events(tracker_engine: sa.engine.Engine, sender_id: str) -> int:
    """Delete one sender's events from the SQL tracker store; how many."""
    if not _has_events(tracker_engine):
        return 0
    events = TRACKER_EVENTS
    with tracker_engine.begin() as conn:
        return int(conn.execute(sa.delete(events).where(events.c.sender_id == sender_id)).rowcount)


def open_conversations(store_engine: sa.engine.Engine) -> set[str]:
    """Conversation ids with a waiting or claimed case."""
    with store_engine.connect() as conn:
        rows = conn.execute(
            sa.select(cases.c.conversation_id).where(cases.c.status.in_(OPEN_STATUSES))
        )
        return {str(r) for (r,) in rows}


def purge(
    store: CaseStore,
    store_engine: sa.engine.Engine,
    tracker_engine: sa.engine.Engine | None,
    retention: Retention,
    now: float,
) -> Purged:
    """One retention run; ``tracker_engine`` None skips the tracker store."""
    purged_cases = store.purge_closed(now - retention.case_days * DAY)
    SentLog(store_engine, clock=lambda: now).purge()
    conversations = events = 0
    if tracker_engine is not None:
        keep = open_conversations(store_engine)
        old, events = purge_conversations(
            tracker_engine, keep, now - retention.conversation_days * DAY
        )
        agreed = Consents(store_engine).agreed()
        unconsented, unconsented_events = purge_conversations(
            tracker_engine, keep | agreed, now - UNCONSENTED_DAYS * DAY
        )
        forget_people(store_engine, old + unconsented, now - UNCONSENTED_DAYS * DAY)
        conversations, events = len(old) + len(unconsented), events + unconsented_events
    logger.info(
        "Retention: %d case(s), %d conversation(s) (%d events) erased",
        purged_cases,
        conversations,
        events,
    )
    return Purged(purged_cases, conversations, events)


async def run(
    store: CaseStore,
    store_engine: sa.engine.Engine,
    tracker_engine: sa.engine.Engine | None,
    retention: Retention,
    clock: Callable[[], float],
    every: float = EVERY_SECONDS,
) -> None:
    """Purge every ``every`` seconds until cancelled (a failed run is retried next time)."""
    while True:
        try:
            await asyncio.to_thread(purge, store, store_engine, tracker_engine, retention, clock())
        except Exception:  # noqa: BLE001 - retention must keep running
            logger.exception("Retention run failed")
        await asyncio.sleep(every)


def tracker_engine_from_env(env: Mapping[str, str] | None = None) -> sa.engine.Engine:
    """An engine on Rasa's SQL tracker store (``LENTERA_TRACKER_STORE_URL``, else the default)."""
    from bot.stack.endpoints import DEFAULT_TRACKER_STORE

    env = os.environ if env is None else env
    url = env.get("LENTERA_TRACKER_STORE_URL", "").strip() or DEFAULT_TRACKER_STORE
    options: dict[str, object] = {"future": True, "pool_pre_ping": True}
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": 10}  # Rasa writes to the same file
    return sa.create_engine(url, **options)
