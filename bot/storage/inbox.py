r"""Durable, deduplicated inbound messages (the inbox pattern).

A webhook delivery is acknowledged only after :meth:`Inbox.accept` has committed it: an
atomic insert under the unique constraint ``(channel, dedup_key)``. A duplicate delivery
hits the constraint and is dropped. The message payload is stored encrypted until it is
processed, then erased; the dedup key stays for :data:`DEDUP_RETENTION_SECONDS`.

Row life cycle::

    accept -> processing --complete--> done
                  |  \--release--> pending --claim_due--> processing ...
                  |                    \--(max attempts)--> failed (dead letter)
                  \--lease expires / owner died--> claim_due --> processing
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot.security.encryption import Cipher
from bot.storage.tables import inbox_table

logger = logging.getLogger(__name__)

DEDUP_RETENTION_SECONDS = 7 * 24 * 3600
MAX_ATTEMPTS = 6
ORDER_WAIT_SECONDS = 10.0
PROCESSING, PENDING, DONE, FAILED = "processing", "pending", "done", "failed"


@dataclass(frozen=True)
class InboxRow:
    """A claimed inbound message.

    Attributes:
        id: Row id (monotonic per database: arrival order).
        channel: ``"telegram"`` or ``"whatsapp"``.
        sender_id: Pseudonymous sender id.
        attempts: Processing attempts before this one.
        payload: Decrypted payload (channel-specific dict).
        recovered: True when the row was taken over from a failed/dead attempt.
        replies_sent: Replies of this turn the platform already accepted (an earlier attempt).
    """

    id: int
    channel: str
    sender_id: str
    attempts: int
    payload: dict[str, Any]
    recovered: bool = False
    replies_sent: int = 0


def retry_delay(attempts: int) -> float:
    """Seconds to wait before attempt ``attempts + 1`` (2, 4, 8, ... capped at 300)."""
    return float(min(300, 2 ** max(1, attempts)))


class Inbox:
    """Inbox table access; every method is one short transaction."""

    def __init__(
        self, engine: Engine, cipher: Cipher, *, clock: Callable[[], float] = time.time
    ) -> None:
        """Create the store.

        Args:
            engine: Connector database engine (tables already created).
            cipher: Encrypts payloads at rest.
            clock: Time source (tests).
        """
        self._engine = engine
        self._cipher = cipher
        self._clock = clock

    def accept(
        self,
        *,
        channel: str,
        dedup_key: str,
        sender_id: str,
        payload: dict[str, Any],
        owner: str,
        lease_seconds: float,
        also: Callable[[Connection], None] | None = None,
    ) -> int | None:
        """Store a delivery, already claimed by ``owner``; return its id or None if duplicate.

        Args:
            channel: Channel name.
            dedup_key: Keyed digest of the platform's delivery id.
            sender_id: Pseudonymous sender id.
            payload: JSON-serialisable message payload (encrypted before storing).
            owner: Identity of the process that will process it now.
            lease_seconds: How long the claim holds without a heartbeat.
            also: Extra statements run in the same transaction (e.g. address upsert).

        Raises:
            sqlalchemy.exc.SQLAlchemyError: If the database is unavailable; the caller must
                then refuse the delivery so the platform retries.
        """
        now = self._clock()
        row = {
            "channel": channel,
            "dedup_key": dedup_key,
            "sender_id": sender_id,
            "status": PROCESSING,
            "attempts": 0,
            "payload": self._cipher.encrypt(json.dumps(payload, ensure_ascii=False)),
            "received_at": now,
            "next_attempt_at": now,
            "lease_until": now + lease_seconds,
            "owner": owner,
        }
        try:
            with self._engine.begin() as conn:
                result = conn.execute(sa.insert(inbox_table).values(**row))
                if also is not None:
                    also(conn)
                return int(result.inserted_primary_key[0])
        except IntegrityError:
            logger.info("Duplicate %s delivery ignored", channel)
            return None

    def count_reply(self, row_id: int) -> None:
        """One more reply of this row's turn reached the platform."""
        t = inbox_table
        with self._engine.begin() as conn:
            conn.execute(
                sa.update(t).where(t.c.id == row_id).values(replies_sent=t.c.replies_sent + 1)
            )

    def complete(self, row_id: int) -> None:
        """Mark a row processed and erase its payload."""
        with self._engine.begin() as conn:
            conn.execute(
                sa.update(inbox_table)
                .where(inbox_table.c.id == row_id)
                .values(status=DONE, payload=None, finished_at=self._clock(), lease_until=None)
            )

    def waits_for_earlier(self, row_id: int, channel: str, sender_id: str) -> bool:
        """True while an earlier message of the same sender is being or about to be answered.

        With several instances, one person's messages can reach different processes; the
        later one then waits, so they are answered in the order they were sent (a message
        recovered from a dead instance first). An earlier message that keeps failing and is
        backing off for longer than :data:`ORDER_WAIT_SECONDS` is not waited for: a live
        person is not kept waiting behind it.
        """
        t = inbox_table
        soon = self._clock() + ORDER_WAIT_SECONDS
        query = (
            sa.select(t.c.id)
            .where(
                t.c.channel == channel,
                t.c.sender_id == sender_id,
                t.c.id < row_id,
                sa.or_(
                    t.c.status == PROCESSING,
                    sa.and_(t.c.status == PENDING, t.c.next_attempt_at <= soon),
                ),
            )
            .limit(1)
        )
        with self._engine.connect() as conn:
            return conn.execute(query).first() is not None

    def forget_handled(self, sender_id: str) -> int:
        """Delete a sender's rows except those still waiting (data deletion); how many.

        The row being processed goes too: its turn is over (its completion then updates
        nothing). Messages that arrived since stay pending and are answered.
        """
        with self._engine.begin() as conn:
            result = conn.execute(
                sa.delete(inbox_table).where(
                    inbox_table.c.sender_id == sender_id, inbox_table.c.status != PENDING
                )
            )
        return int(result.rowcount or 0)

    def release(self, row_id: int, attempts: int, *, delay: float | None = None) -> str:
        """Give a row back after a failed attempt; dead-letter it after too many.

        Args:
            row_id: Row id.
            attempts: Attempts made so far, including the one that failed.
            delay: Seconds before the next attempt (default: exponential backoff).

        Returns:
            The new status (``pending`` or ``failed``).
        """
        now = self._clock()
        status = FAILED if attempts >= MAX_ATTEMPTS else PENDING
        with self._engine.begin() as conn:
            conn.execute(
                sa.update(inbox_table)
                .where(inbox_table.c.id == row_id)
                .values(
                    status=status,
                    attempts=attempts,
                    next_attempt_at=now + (retry_delay(attempts) if delay is None else delay),
                    lease_until=None,
                    owner=None,
                    finished_at=now if status == FAILED else None,
                )
            )
        return status

    def heartbeat(self, row_ids: Iterable[int], owner: str, lease_seconds: float) -> None:
        """Extend the lease of rows this process is still working on."""
        ids = list(row_ids)
        if not ids:
            return
        with self._engine.begin() as conn:
            conn.execute(
                sa.update(inbox_table)
                .where(inbox_table.c.id.in_(ids), inbox_table.c.owner == owner)
                .values(lease_until=self._clock() + lease_seconds)
            )

    def processing_owners(self) -> set[str]:
        """Owners of rows currently marked processing (to find dead processes)."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(inbox_table.c.owner).where(inbox_table.c.status == PROCESSING).distinct()
            )
            return {owner for (owner,) in rows if owner}

    def claim_due(
        self,
        *,
        channel: str,
        owner: str,
        lease_seconds: float,
        dead_owners: Iterable[str] = (),
        limit: int = 50,
    ) -> list[InboxRow]:
        """Claim rows that are due: pending retries, expired leases, dead owners' rows.

        Each row is claimed with a conditional UPDATE, so two processes never claim the same
        row. Rows are returned in arrival order.
        """
        now = self._clock()
        t = inbox_table
        dead = [o for o in dead_owners if o != owner]
        due = sa.and_(
            t.c.channel == channel,
            sa.or_(
                sa.and_(t.c.status == PENDING, t.c.next_attempt_at <= now),
                sa.and_(t.c.status == PROCESSING, t.c.lease_until < now),
                *([sa.and_(t.c.status == PROCESSING, t.c.owner.in_(dead))] if dead else []),
            ),
        )
        with self._engine.connect() as conn:
            candidates = conn.execute(
                sa.select(
                    t.c.id, t.c.channel, t.c.sender_id, t.c.attempts, t.c.payload, t.c.replies_sent
                )
                .where(due)
                .order_by(t.c.id)
                .limit(limit)
            ).all()
        claimed: list[InboxRow] = []
        for row_id, channel, sender_id, attempts, payload, replies_sent in candidates:
            with self._engine.begin() as conn:
                result = conn.execute(
                    sa.update(t)
                    .where(t.c.id == row_id, due)
                    .values(
                        status=PROCESSING,
                        owner=owner,
                        lease_until=now + lease_seconds,
                        # Taking over an abandoned claim counts as a failed attempt, so a
                        # message that crashes the process every time ends up dead-lettered.
                        attempts=sa.case(
                            (t.c.status == PROCESSING, t.c.attempts + 1), else_=t.c.attempts
                        ),
                    )
                )
                current = conn.execute(sa.select(t.c.attempts).where(t.c.id == row_id)).scalar()
            if result.rowcount != 1 or payload is None:
                continue
            attempts = int(current or 0)
            if attempts >= MAX_ATTEMPTS:
                logger.error(
                    "Inbound %s message dead-lettered after %s attempts", channel, attempts
                )
                self.release(row_id, attempts)
                continue
            data = json.loads(self._cipher.decrypt(payload))
            claimed.append(
                InboxRow(
                    row_id,
                    channel,
                    sender_id,
                    attempts,
                    data,
                    recovered=True,
                    replies_sent=int(replies_sent or 0),
                )
            )
        return claimed

    def purge(self, *, older_than: float = DEDUP_RETENTION_SECONDS) -> int:
        """Delete finished rows (and their dedup keys) older than ``older_than`` seconds."""
        cutoff = self._clock() - older_than
        finished = inbox_table.c.status.in_((DONE, FAILED))  # never drop unprocessed messages
        with self._engine.begin() as conn:
            result = conn.execute(
                sa.delete(inbox_table).where(inbox_table.c.received_at < cutoff, finished)
            )
        return int(result.rowcount or 0)

    def status_counts(self) -> dict[str, int]:
        """Number of rows per status (health checks, tests)."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(inbox_table.c.status, sa.func.count()).group_by(inbox_table.c.status)
            )
            return {status: int(count) for status, count in rows}
