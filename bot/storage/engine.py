"""SQLAlchemy 1.4 engine for Lentera's database, migrated to the newest revision.

SQLite gets WAL and a kept-open connection pool; PostgreSQL a plain pool with pre-ping. The
tables come from the Alembic revisions (:mod:`bot.storage.migrate`), never ``create_all``.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from bot.storage.migrate import upgrade

logger = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers and the single writer overlap; NORMAL keeps commits durable
    # against a process crash (not against power loss), which is what the inbox needs.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_engine(url: str, *, schema: str | None = None, create_tables: bool = True) -> Engine:
    """Create an engine for Lentera's database and bring its schema to the newest revision.

    Args:
        url: SQLAlchemy URL (``sqlite:///var/lentera.db``, ``postgresql://...``).
        schema: Optional schema for all tables and the Alembic version (tests use a fresh
            one per run); it must exist.
        create_tables: Upgrade the database to the Alembic head (a no-op when it is there).

    Returns:
        A SQLAlchemy 1.4 engine in 2.0 ("future") style.

    Raises:
        bot.storage.migrate.MigrationError: If the database cannot be migrated.
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
        upgrade(engine, schema=schema)
    logger.debug("Database ready (%s)", parsed.get_backend_name())
    return engine
