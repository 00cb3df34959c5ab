"""Short stand-ins for button payloads longer than a platform allows.

Telegram ``callback_data`` is at most 64 bytes and WhatsApp reply ids 200-256 characters.
A longer Rasa payload (``/inform{"country":"SA","city":"Riyadh"}``) is replaced by ``~`` plus
a digest and stored; the reply's id is expanded back before it reaches Rasa.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.storage.tables import callback_table

MARK = "~"
CACHE_SIZE = 10_000  # tokens kept in memory; older ones are read back from the database


class PayloadStore:
    """Maps long payloads to short tokens and back, with a bounded in-process cache.

    Methods read and write the database: call them from a thread, not the event loop.
    """

    def __init__(self, engine: Engine, *, cache_size: int = CACHE_SIZE) -> None:
        """Create the store on the connector database.

        Args:
            engine: Connector database engine.
            cache_size: Most tokens kept in memory (least recently used go first).
        """
        self._engine = engine
        self._cache_size = cache_size
        self._cache: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def _cached(self, token: str) -> str | None:
        with self._lock:
            payload = self._cache.get(token)
            if payload is not None:
                self._cache.move_to_end(token)
            return payload

    def _remember(self, token: str, payload: str) -> None:
        with self._lock:
            self._cache[token] = payload
            self._cache.move_to_end(token)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def shorten(self, payload: str, limit_bytes: int) -> str:
        """Return ``payload`` if it fits in ``limit_bytes`` (UTF-8), else a stored token."""
        if len(payload.encode("utf-8")) <= limit_bytes and not payload.startswith(MARK):
            return payload
        token = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
        if self._cached(token) is None:
            try:
                with self._engine.begin() as conn:
                    conn.execute(
                        sa.insert(callback_table).values(
                            token=token, payload=payload, created_at=time.time()
                        )
                    )
            except IntegrityError:
                pass
            self._remember(token, payload)
        return MARK + token

    def expand(self, data: str) -> str:
        """Return the payload a token stands for (unknown tokens are returned unchanged)."""
        if not data.startswith(MARK):
            return data
        token = data[len(MARK) :]
        cached = self._cached(token)
        if cached is not None:
            return cached
        with self._engine.connect() as conn:
            payload = conn.execute(
                sa.select(callback_table.c.payload).where(callback_table.c.token == token)
            ).scalar()
        if payload is None:
            return data
        self._remember(token, str(payload))
        return str(payload)
