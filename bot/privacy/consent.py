"""Consent to storage: the person's yes or no to Lentera keeping their words.

The action server records each answer with its time and the version of the notice shown;
retention (:mod:`bot.privacy.retention`) keeps a conversation without a yes for one day only.
The words themselves are kept or left out by the tracker store
(``bot/storage/tracker_store.py``), which reads the ``storage_consent`` slot.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.privacy.tables import storage_consents

# The version of the privacy notice (bot/texts/messages.yml `privacy_notice`): change it
# whenever the notice says something new, so each consent row names what was agreed to.
NOTICE_VERSION = "2026-12-02"
# A conversation nobody agreed to keep is erased this long after its last message.
UNCONSENTED_DAYS = 1.0


class Consents:
    """Reads and writes ``storage_consents``."""

    def __init__(self, engine: Engine) -> None:
        """Use Lentera's database."""
        self._engine = engine

    def record(self, conversation_id: str, agreed: bool, at: float) -> None:
        """Record the latest answer (a later answer replaces an earlier one)."""
        values = {"agreed": agreed, "version": NOTICE_VERSION, "decided_at": at}
        with self._engine.begin() as conn:
            changed = conn.execute(
                sa.update(storage_consents)
                .where(storage_consents.c.conversation_id == conversation_id)
                .values(**values)
            ).rowcount
            if not changed:
                conn.execute(
                    sa.insert(storage_consents).values(conversation_id=conversation_id, **values)
                )

    def agreed(self) -> set[str]:
        """Conversations whose words may be kept."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(storage_consents.c.conversation_id).where(storage_consents.c.agreed)
            )
            return {str(r) for (r,) in rows}

    def get(self, conversation_id: str) -> tuple[bool, str, float] | None:
        """(agreed, notice version, time) of the latest answer, or None."""
        t = storage_consents
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(t.c.agreed, t.c.version, t.c.decided_at).where(
                    t.c.conversation_id == conversation_id
                )
            ).first()
        return None if row is None else (bool(row[0]), str(row[1]), float(row[2]))

    def forget(self, conversation_id: str) -> None:
        """Drop the record (the person's data is erased)."""
        with self._engine.begin() as conn:
            conn.execute(
                sa.delete(storage_consents).where(
                    storage_consents.c.conversation_id == conversation_id
                )
            )
