"""The assistant's own recent messages, by platform message id, for the safe word's clean-up.

Only ids and times under the pseudonym: no text, no chat id. Telegram lets a bot delete its
messages for 48 hours, so nothing older is kept (:meth:`SentLog.purge`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.privacy.tables import sent_messages

DELETABLE_SECONDS = 48 * 3600


class SentLog:
    """Records and lists the message ids the assistant sent to each person."""

    def __init__(self, engine: Engine, *, clock: Callable[[], float] = time.time) -> None:
        """Use Lentera's database."""
        self._engine = engine
        self._clock = clock

    def record(self, sender_id: str, channel: str, message_ref: str) -> None:
        """Remember one message sent to ``sender_id``."""
        with self._engine.begin() as conn:
            conn.execute(
                sa.insert(sent_messages).values(
                    sender_id=sender_id,
                    channel=channel,
                    message_ref=message_ref,
                    sent_at=self._clock(),
                )
            )

    def recent(self, sender_id: str, channel: str) -> list[str]:
        """Ids of the messages sent to ``sender_id`` that can still be deleted, oldest first."""
        since = self._clock() - DELETABLE_SECONDS
        query = (
            sa.select(sent_messages.c.message_ref)
            .where(
                sent_messages.c.sender_id == sender_id,
                sent_messages.c.channel == channel,
                sent_messages.c.sent_at >= since,
            )
            .order_by(sent_messages.c.id)
        )
        with self._engine.connect() as conn:
            return [str(ref) for (ref,) in conn.execute(query)]

    def forget(self, sender_id: str) -> int:
        """Drop every record of ``sender_id`` (after a clean-up or an erasure)."""
        with self._engine.begin() as conn:
            result = conn.execute(
                sa.delete(sent_messages).where(sent_messages.c.sender_id == sender_id)
            )
        return int(result.rowcount or 0)

    def purge(self) -> int:
        """Drop records too old to be deleted from a chat any more."""
        before = self._clock() - DELETABLE_SECONDS
        with self._engine.begin() as conn:
            result = conn.execute(sa.delete(sent_messages).where(sent_messages.c.sent_at < before))
        return int(result.rowcount or 0)
