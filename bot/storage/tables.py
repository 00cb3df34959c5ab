"""SQLAlchemy 1.4 engine and the connector tables.

One database (``LENTERA_DATABASE_URL``, default ``sqlite:///var/lentera.db``) holds the
connectors' durable state. The same code runs on SQLite and PostgreSQL: no dialect-specific
SQL, uniqueness enforced by constraints so concurrent processes stay correct.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

logger = logging.getLogger(__name__)

metadata = sa.MetaData()

# Inbound deliveries: dedup key + encrypted payload until processed (the "inbox").
inbox_table = sa.Table(
    "channel_inbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("dedup_key", sa.String(64), nullable=False),
    sa.Column("sender_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("payload", sa.Text, nullable=True),
    sa.Column("received_at", sa.Float, nullable=False),
    sa.Column("next_attempt_at", sa.Float, nullable=False),
    sa.Column("lease_until", sa.Float, nullable=True),
    sa.Column("owner", sa.String(128), nullable=True),
    sa.Column("finished_at", sa.Float, nullable=True),
    sa.UniqueConstraint("channel", "dedup_key", name="uq_channel_inbox_delivery"),
    sa.Index("ix_channel_inbox_status_next", "status", "next_attempt_at"),
    sa.Index("ix_channel_inbox_received", "received_at"),
)

# Pseudonym -> encrypted platform address, plus per-user channel state.
address_table = sa.Table(
    "channel_address",
    metadata,
    sa.Column("sender_id", sa.String(64), primary_key=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("language", sa.String(8), nullable=True),
    sa.Column("last_inbound_at", sa.Float, nullable=True),
    sa.Column("choices", sa.Text, nullable=True),
    sa.Column("updated_at", sa.Float, nullable=False),
)

# Short tokens standing for button payloads that exceed a platform's id limit.
callback_table = sa.Table(
    "channel_callback",
    metadata,
    sa.Column("token", sa.String(32), primary_key=True),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers and the single writer overlap; NORMAL keeps commits durable
    # against a process crash (not against power loss), which is what the inbox needs.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_engine(url: str, *, schema: str | None = None, create_tables: bool = True) -> Engine:
    """Create an engine for the connector database and make sure the tables exist.

    Args:
        url: SQLAlchemy URL (``sqlite:///var/lentera.db``, ``postgresql://...``).
        schema: Optional schema for all connector tables (tests use a fresh one per run).
        create_tables: Create missing tables (idempotent).

    Returns:
        A SQLAlchemy 1.4 engine in 2.0 ("future") style.
    """
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"future": True, "pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            directory = os.path.dirname(os.path.abspath(database))
            os.makedirs(directory, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 10}
        # Keep connections open: closing the last connection of a WAL database forces a
        # checkpoint and an fsync, which made every commit cost ~20 ms (NullPool default).
        kwargs["poolclass"] = sa.pool.QueuePool
        kwargs["pool_size"] = 8
    engine = sa.create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    if schema:
        engine = engine.execution_options(schema_translate_map={None: schema})
    if create_tables:
        metadata.create_all(engine)
    logger.debug("Connector database ready (%s)", parsed.get_backend_name())
    return engine
