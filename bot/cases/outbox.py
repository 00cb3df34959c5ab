r"""Messages to people waiting to be delivered by the channel process (the outbox pattern).

A caseworker's reply is committed to the outbox in the same transaction as the case message
(:meth:`bot.cases.store.CaseStore.send_reply`); the Rasa process's
:class:`bot.delivery.outbox.OutboxWorker` leases it, sends it and marks it. A double-clicked
reply is one row (unique ``(case_id, client_token)``). The body is stored encrypted and
erased once the row is finished; the case message keeps the text and shows the delivery
status.

Row life cycle::

    enqueue -> queued --lease--> sending --sent--> sent
                 ^                  |  \--refused--> failed (last_error says why)
                 |                  \--transient error--> queued (later) ... failed
                 \------lease expired / owner died------/

A process killed mid-send leaves at most the row it was sending in ``sending``; it is sent
again once its lease expires (or at once, when its owner is known dead), never the others.

A leased item says whether it answers the person (:meth:`Outbox.answers_person`): a message
Lentera starts itself goes out silently where the platform allows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.cases.journal import lock_case, record_change
from bot.cases.models import OutboxItem
from bot.cases.tables import case_messages, outbox
from bot.security.encryption import Cipher

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
MAX_ATTEMPTS = 6
# Authors of the transcript whose messages went to the person.
OUTBOUND_AUTHORS = ("assistant", "caseworker")


def retry_delay(attempts: int) -> float:
    """Seconds before attempt ``attempts + 1``: 1, 2, 4, ... capped at 120."""
    return float(min(120, 2 ** max(0, attempts - 1)))


def enqueue(
    conn: Connection,
    cipher: Cipher,
    *,
    case_id: int,
    message_id: int | None,
    conversation_id: str,
    channel: str,
    body: str,
    now: float,
    client_token: str | None = None,
) -> int:
    """Queue a message inside an open transaction; return the outbox row id.

    Raises:
        sqlalchemy.exc.IntegrityError: If ``(case_id, client_token)`` is already queued.
    """
    result = conn.execute(
        sa.insert(outbox).values(
            case_id=case_id,
            message_id=message_id,
            client_token=client_token,
            conversation_id=conversation_id,
            channel=channel,
            body=cipher.encrypt(body),
            status=QUEUED,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    return int(result.inserted_primary_key[0])


def person_wrote_last(conn: Connection, case_id: int, *, before: int | None = None) -> bool:
    """True when the case's latest message (before message id ``before``) is the person's.

    Only the person's and the outbound messages count (:data:`OUTBOUND_AUTHORS`); the
    ``system`` lines are not sent by a caseworker. False for a case with neither.
    """
    m = case_messages
    query = sa.select(m.c.author).where(
        m.c.case_id == case_id, m.c.author.in_(("person", *OUTBOUND_AUTHORS))
    )
    if before is not None:
        query = query.where(m.c.id < before)
    author = conn.execute(query.order_by(m.c.id.desc()).limit(1)).scalar()
    return author == "person"


class Outbox:
    """Outbox access for the delivering process; every method is one short transaction."""

    def __init__(
        self, engine: Engine, cipher: Cipher, *, clock: Callable[[], float] = time.time
    ) -> None:
        """Create the store.

        Args:
            engine: Lentera's database engine (case tables migrated).
            cipher: Decrypts the queued bodies.
            clock: Time source (tests).
        """
        self._engine = engine
        self._cipher = cipher
        self._clock = clock

    def has_due(self, channel: str) -> bool:
        """Cheap check: is anything of ``channel`` due or abandoned? (one indexed query)."""
        now = self._clock()
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(outbox.c.id).where(self._due(channel, now, ())).limit(1))
            return row.first() is not None

    def sending_owners(self) -> set[str]:
        """Owners of rows being sent now (to find dead processes)."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(outbox.c.owner).where(outbox.c.status == SENDING).distinct()
            )
            return {owner for (owner,) in rows if owner}

    @staticmethod
    def _due(channel: str, now: float, dead: Iterable[str]) -> sa.sql.ColumnElement[bool]:
        t = outbox
        dead_owners = list(dead)
        return sa.and_(
            t.c.channel == channel,
            sa.or_(
                sa.and_(t.c.status == QUEUED, t.c.next_attempt_at <= now),
                sa.and_(t.c.status == SENDING, t.c.lease_until < now),
                *(
                    [sa.and_(t.c.status == SENDING, t.c.owner.in_(dead_owners))]
                    if dead_owners
                    else []
                ),
            ),
        )

    def lease(
        self,
        *,
        channel: str,
        owner: str,
        lease_seconds: float,
        dead_owners: Iterable[str] = (),
        limit: int = 20,
    ) -> list[OutboxItem]:
        """Lease due rows of ``channel`` for ``owner``, oldest first.

        Each row is taken with a conditional UPDATE, so two processes never send the same
        row. Taking over an abandoned lease counts as an attempt: a message that kills the
        process every time ends up failed instead of looping.
        """
        now = self._clock()
        t = outbox
        dead = [o for o in dead_owners if o != owner]
        due = self._due(channel, now, dead)
        with self._engine.connect() as conn:
            candidates = conn.execute(
                sa.select(t.c.id).where(due).order_by(t.c.id).limit(limit)
            ).all()
        leased: list[OutboxItem] = []
        for (row_id,) in candidates:
            with self._engine.begin() as conn:
                result = conn.execute(
                    sa.update(t)
                    .where(t.c.id == row_id, due)
                    .values(
                        status=SENDING,
                        owner=owner,
                        lease_until=now + lease_seconds,
                        attempts=sa.case(
                            (t.c.status == SENDING, t.c.attempts + 1), else_=t.c.attempts
                        ),
                    )
                )
                if result.rowcount != 1:
                    continue
                row = conn.execute(sa.select(t).where(t.c.id == row_id)).one()
            if row.body is None or row.attempts >= MAX_ATTEMPTS:
                self.fail(row.id, "gave_up")
                continue
            leased.append(
                OutboxItem(
                    id=int(row.id),
                    case_id=int(row.case_id),
                    message_id=row.message_id,
                    conversation_id=str(row.conversation_id),
                    channel=str(row.channel),
                    body=self._cipher.decrypt(row.body),
                    attempts=int(row.attempts),
                    answers_person=self.answers_person(int(row.case_id), row.message_id),
                )
            )
        return leased

    def answers_person(self, case_id: int, message_id: int | None) -> bool:
        """True when the person wrote after the case's last outbound message before this one.

        Decided by the transcript's order (message ids), so a message the person sends
        while this one waits in the outbox does not change it. Outbound are the assistant's
        and the caseworkers' messages; ``system`` lines are notes for the caseworker or the
        channel's own emergency answer to the person's message, so they do not count. A row
        with no transcript message is never an answer.
        """
        if message_id is None:
            return False
        with self._engine.connect() as conn:
            return person_wrote_last(conn, case_id, before=message_id)

    def heartbeat(self, row_ids: Iterable[int], owner: str, lease_seconds: float) -> None:
        """Extend the lease of rows this process is still sending."""
        ids = list(row_ids)
        if not ids:
            return
        with self._engine.begin() as conn:
            conn.execute(
                sa.update(outbox)
                .where(outbox.c.id.in_(ids), outbox.c.owner == owner, outbox.c.status == SENDING)
                .values(lease_until=self._clock() + lease_seconds)
            )

    def _finish(self, row_id: int, owner: str | None, status: str, error: str | None) -> bool:
        now = self._clock()
        t = outbox
        with self._engine.connect() as conn:
            found = conn.execute(
                sa.select(t.c.case_id, t.c.message_id).where(t.c.id == row_id)
            ).first()
        if found is None:
            return False
        case_id, message_id = int(found[0]), found[1]
        condition = [t.c.id == row_id, t.c.status.in_((QUEUED, SENDING))]
        if owner is not None:
            condition.append(t.c.owner == owner)
        with self._engine.begin() as conn:
            lock_case(conn, case_id, now)
            result = conn.execute(
                sa.update(t)
                .where(*condition)
                .values(
                    status=status,
                    body=None,
                    lease_until=None,
                    sent_at=now if status == SENT else None,
                    last_error=error[:32] if error else None,
                )
            )
            if result.rowcount != 1:
                return False
            if message_id is not None:
                conn.execute(
                    sa.update(case_messages)
                    .where(case_messages.c.id == message_id)
                    .values(delivery_status=status)
                )
            record_change(conn, case_id, "delivery", now)
        return True

    def sent(self, row_id: int, owner: str | None = None) -> bool:
        """Mark a row delivered (False if it was no longer this owner's to mark)."""
        return self._finish(row_id, owner, SENT, None)

    def fail(self, row_id: int, error: str, owner: str | None = None) -> bool:
        """Mark a row undeliverable for good, with a short error code (never content)."""
        return self._finish(row_id, owner, FAILED, error)

    def retry_later(self, row_id: int, owner: str, *, attempts: int, error: str) -> str:
        """Give a row back after a transient failure; fail it after too many attempts.

        Returns:
            The new status (``queued`` or ``failed``).
        """
        if attempts >= MAX_ATTEMPTS:
            self.fail(row_id, error, owner)
            return FAILED
        with self._engine.begin() as conn:
            conn.execute(
                sa.update(outbox)
                .where(outbox.c.id == row_id, outbox.c.owner == owner, outbox.c.status == SENDING)
                .values(
                    status=QUEUED,
                    attempts=attempts,
                    next_attempt_at=self._clock() + retry_delay(attempts),
                    lease_until=None,
                    owner=None,
                    last_error=error[:32],
                )
            )
        return QUEUED

    def status_counts(self, channel: str | None = None) -> dict[str, int]:
        """Number of rows per status (health checks, tests)."""
        query = sa.select(outbox.c.status, sa.func.count()).group_by(outbox.c.status)
        if channel is not None:
            query = query.where(outbox.c.channel == channel)
        with self._engine.connect() as conn:
            return {status: int(count) for status, count in conn.execute(query)}
