"""Pseudonym -> platform address book, stored encrypted.

The only place a Telegram chat id or WhatsApp number is kept is the ``address`` column,
encrypted with :class:`bot.security.encryption.Cipher`. It also keeps per-user channel state: the
language hint, the last inbound time (WhatsApp 24-hour window) and the payloads of the
last numbered choice list, encrypted too and valid for :data:`CHOICES_SECONDS`. Keeping the
list here, not in a process, lets another instance or a restarted one map a reply "2".
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from cryptography.fernet import InvalidToken
from sqlalchemy.engine import Connection, Engine

from bot.security.encryption import Cipher
from bot.storage.tables import address_table

logger = logging.getLogger(__name__)

CHOICES_SECONDS = 24 * 3600  # a numbered list answered a day later is stale


@dataclass(frozen=True)
class Address:
    """A resolved address.

    Attributes:
        sender_id: Pseudonym.
        channel: Channel name.
        address: Telegram chat id or WhatsApp ``wa_id`` (plaintext, in memory only).
        language: Language hint from the platform (``id``/``en``) or None.
        last_inbound_at: Unix time of the user's last message, or None.
    """

    sender_id: str
    channel: str
    address: str
    language: str | None
    last_inbound_at: float | None


class UnknownRecipient(LookupError):
    """No address is stored for a pseudonym (the user never wrote, or was deleted)."""


class AddressBook:
    """Encrypted address storage with a small in-process cache."""

    def __init__(
        self, engine: Engine, cipher: Cipher, *, clock: Callable[[], float] = time.time
    ) -> None:
        """Create the address book.

        Args:
            engine: Connector database engine.
            cipher: Encrypts addresses at rest.
            clock: Time source (tests).
        """
        self._engine = engine
        self._cipher = cipher
        self._clock = clock
        self._cache: dict[str, Address] = {}
        self._lock = threading.Lock()

    def upsert_in(
        self,
        conn: Connection,
        *,
        sender_id: str,
        channel: str,
        address: str,
        language: str | None,
        inbound_at: float | None,
    ) -> None:
        """Record an inbound message's address inside an open transaction.

        Args:
            conn: Connection of the inbox transaction.
            sender_id: Pseudonym.
            channel: Channel name.
            address: Chat id or ``wa_id``.
            language: Platform language hint, if any.
            inbound_at: Unix time of the user's message.
        """
        now = self._clock()
        values = {"channel": channel, "address": self._cipher.encrypt(address), "updated_at": now}
        if language:
            values["language"] = language
        t = address_table
        update = sa.update(t).where(t.c.sender_id == sender_id).values(**values)
        if inbound_at is not None:
            # Keep the newest time: a retried old delivery must not shrink the window.
            update = update.values(
                last_inbound_at=sa.case(
                    (
                        sa.or_(t.c.last_inbound_at.is_(None), t.c.last_inbound_at < inbound_at),
                        inbound_at,
                    ),
                    else_=t.c.last_inbound_at,
                )
            )
        result = conn.execute(update)
        if result.rowcount == 0:
            # A concurrent first message from the same user makes this insert fail; the
            # whole delivery then fails and the platform retries it (no savepoints needed).
            conn.execute(
                sa.insert(t).values(
                    **{**values, "language": language},
                    sender_id=sender_id,
                    last_inbound_at=inbound_at,
                )
            )
        with self._lock:
            self._cache.pop(sender_id, None)

    def get(self, sender_id: str) -> Address:
        """Return the address of a pseudonym.

        Raises:
            UnknownRecipient: If nothing is stored for it.
        """
        with self._lock:
            cached = self._cache.get(sender_id)
        if cached is not None:
            return cached
        t = address_table
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(t.c.channel, t.c.address, t.c.language, t.c.last_inbound_at).where(
                    t.c.sender_id == sender_id
                )
            ).first()
        if row is None:
            raise UnknownRecipient(sender_id)
        address = Address(sender_id, row[0], self._cipher.decrypt(row[1]), row[2], row[3])
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[sender_id] = address
        return address

    def set_choices(self, sender_id: str, payloads: list[str] | None) -> None:
        """Remember the payloads of a numbered list just sent (None or empty clears them)."""
        if not payloads:
            self.clear_choices(sender_id)
            return
        t = address_table
        with self._engine.begin() as conn:
            conn.execute(
                sa.update(t)
                .where(t.c.sender_id == sender_id)
                .values(
                    choices=self._cipher.encrypt(json.dumps(payloads)),
                    choices_expire_at=self._clock() + CHOICES_SECONDS,
                )
            )

    def clear_choices(self, sender_id: str) -> None:
        """Forget the numbered list, if any (writes nothing when there is none)."""
        t = address_table
        with self._engine.begin() as conn:
            conn.execute(
                sa.update(t)
                .where(t.c.sender_id == sender_id, t.c.choices.is_not(None))
                .values(choices=None, choices_expire_at=None)
            )

    def choices(self, sender_id: str) -> list[str]:
        """Payloads of the last numbered list sent to this user (empty if none or expired)."""
        t = address_table
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(t.c.choices, t.c.choices_expire_at).where(t.c.sender_id == sender_id)
            ).first()
        if row is None or row[0] is None or row[1] is None or row[1] <= self._clock():
            return []
        try:
            return [str(p) for p in json.loads(self._cipher.decrypt(row[0]))]
        except (InvalidToken, ValueError):
            logger.warning("Stored choices could not be read; ignored")
            return []

    def forget(self, sender_id: str) -> None:
        """Delete everything stored for a pseudonym (data deletion)."""
        with self._engine.begin() as conn:
            conn.execute(sa.delete(address_table).where(address_table.c.sender_id == sender_id))
        with self._lock:
            self._cache.pop(sender_id, None)


def last_inbound_at(engine: Engine, sender_id: str) -> float | None:
    """When the pseudonym last wrote (WhatsApp's 24-hour window); no address is decrypted."""
    with engine.connect() as conn:
        value = conn.execute(
            sa.select(address_table.c.last_inbound_at).where(address_table.c.sender_id == sender_id)
        ).scalar()
    return float(value) if value is not None else None
