"""Short stand-ins for button payloads longer than a platform allows.

Telegram ``callback_data`` is at most 64 bytes and WhatsApp reply ids 200-256 characters.
A longer Rasa payload (``/inform{"country":"SA","city":"Riyadh"}``) is replaced by ``~`` plus
a digest and stored; the reply's id is expanded back before it reaches Rasa.
"""

from __future__ import annotations

import hashlib
import time

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.storage.tables import callback_table

MARK = "~"


class PayloadStore:
    """Maps long payloads to short tokens and back."""

    def __init__(self, engine: Engine) -> None:
        """Create the store on the connector database."""
        self._engine = engine
        self._cache: dict[str, str] = {}

    def shorten(self, payload: str, limit_bytes: int) -> str:
        """Return ``payload`` if it fits in ``limit_bytes`` (UTF-8), else a stored token."""
        if len(payload.encode("utf-8")) <= limit_bytes and not payload.startswith(MARK):
            return payload
        token = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
        if token not in self._cache:
            try:
                with self._engine.begin() as conn:
                    conn.execute(
                        sa.insert(callback_table).values(
                            token=token, payload=payload, created_at=time.time()
                        )
                    )
            except IntegrityError:
                pass
            self._cache[token] = payload
        return MARK + token

    def expand(self, data: str) -> str:
        """Return the payload a token stands for (unknown tokens are returned unchanged)."""
        if not data.startswith(MARK):
            return data
        token = data[len(MARK) :]
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        with self._engine.connect() as conn:
            payload = conn.execute(
                sa.select(callback_table.c.payload).where(callback_table.c.token == token)
            ).scalar()
        return str(payload) if payload is not None else data
