"""Alembic run from Python: upgrade to head under a lock, the current revision, drift.

:func:`bot.storage.engine.create_engine` calls :func:`upgrade`, so every process brings the
database to the newest revision before it uses it. Several processes may start at once:

- PostgreSQL: the upgrade runs in one transaction holding an advisory lock keyed by the
  schema, so the second process waits, then finds the database at head and does nothing
  (PostgreSQL DDL is transactional: a failed upgrade leaves nothing behind).
- SQLite: an exclusive ``flock`` on ``<database>.migrate.lock`` does the same; SQLite DDL is
  not transactional here, so a revision that fails halfway needs a look by hand.

With a schema (tests use a fresh one per run), the tables go there through the engine's
``schema_translate_map`` and the ``alembic_version`` table is kept in the same schema, so runs
in different schemas never see each other's revision.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from bot.storage.tables import address_table, all_metadata, inbox_table

MIGRATIONS = Path(__file__).with_name("migrations")
FIRST_REVISION = "0001_connector_tables"

# Alembic's ``context`` is module-global: one migration at a time in this process.
_process_lock = threading.Lock()


class MigrationError(RuntimeError):
    """The database cannot be brought to the expected revision (message says what to do)."""


def _config(connection: Connection | None = None, schema: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    config.attributes["schema"] = schema
    return config


def head() -> str | None:
    """The newest revision in ``bot/storage/migrations/versions`` (one head, or it raises)."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def _lock_key(schema: str | None) -> int:
    digest = hashlib.sha256(f"lentera-migrate:{schema or ''}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def _locked(engine: Engine, schema: str | None) -> Iterator[Connection]:
    """A connection in a transaction that only one process at a time holds for this database."""
    with _process_lock:
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(schema)}
                )
                yield conn
            return
        database = engine.url.database or ""
        if engine.dialect.name != "sqlite" or database in ("", ":memory:"):
            with engine.begin() as conn:
                yield conn
            return
        with open(os.path.abspath(database) + ".migrate.lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                with engine.begin() as conn:
                    yield conn
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)


def _revision(conn: Connection, schema: str | None) -> str | None:
    context = MigrationContext.configure(conn, opts={"version_table_schema": schema})
    return context.get_current_revision()


def upgrade(engine: Engine, *, schema: str | None = None, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: head); a no-op when it is there already.

    A database made by ``create_all`` before migrations existed (the connector tables, no
    revision) is adopted: what ``0001_connector_tables`` added since is added, the revision
    is stamped, and the upgrade goes on from there, so an NGO's existing data is kept.
    """
    with _locked(engine, schema) as conn:
        if _revision(conn, schema) is None and sa.inspect(conn).has_table(
            inbox_table.name, schema=schema
        ):
            _adopt(conn, schema)
        command.upgrade(_config(conn, schema), revision)


def _adopt(conn: Connection, schema: str | None) -> None:
    """Stamp a pre-migration database at the first revision, adding its newer column."""
    columns = {c["name"] for c in sa.inspect(conn).get_columns(address_table.name, schema=schema)}
    if "choices_expire_at" not in columns:
        table = f'"{schema}".{address_table.name}' if schema else address_table.name
        conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN choices_expire_at FLOAT"))
        # Numbered choices were stored unencrypted then: drop them rather than misread them.
        conn.execute(sa.update(address_table).values(choices=None))
    command.stamp(_config(conn, schema), FIRST_REVISION)


def downgrade(engine: Engine, *, revision: str, schema: str | None = None) -> None:
    """Take the database down to ``revision`` (``"base"``: drop every table)."""
    with _locked(engine, schema) as conn:
        command.downgrade(_config(conn, schema), revision)


def current(engine: Engine, *, schema: str | None = None) -> str | None:
    """The revision the database is at (None when it has never been migrated)."""
    with engine.connect() as conn:
        return _revision(conn, schema)


def differences(engine: Engine, *, schema: str | None = None) -> list[Any]:
    """What differs between the database and :func:`bot.storage.tables.all_metadata`.

    The ``alembic check`` comparison; an empty list means the revisions and the table
    definitions agree.
    """
    target = all_metadata()
    opts: dict[str, Any] = {"version_table_schema": schema, "compare_type": True}
    if schema is not None:
        # Reflection ignores schema_translate_map: compare a copy placed in the schema.
        placed = sa.MetaData()
        for table in target.tables.values():
            table.to_metadata(placed, schema=schema)
        target = placed
        opts["include_schemas"] = True
        opts["include_name"] = lambda name, kind, _parent: kind != "schema" or name == schema
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn, opts=opts), target))
