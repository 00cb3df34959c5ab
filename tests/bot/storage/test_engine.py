"""The engine: migrated on creation unless told not to, SQLite tuned for the inbox."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bot.storage.engine import create_engine
from bot.storage.migrate import current, head
from bot.storage.tables import all_metadata, callback_table


def _tables(engine, schema) -> set[str]:
    with engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names(schema=schema))


def test_create_engine_brings_the_database_to_head(database):
    engine = create_engine(database.url, schema=database.schema)
    assert current(engine, schema=database.schema) == head()
    assert "channel_inbox" in _tables(engine, database.schema)


def test_create_engine_without_tables_touches_nothing(database):
    engine = create_engine(database.url, schema=database.schema, create_tables=False)
    assert current(engine, schema=database.schema) is None
    assert _tables(engine, database.schema) == set()


def test_schema_holds_every_table_and_unqualified_statements_go_there(database):
    if database.schema is None:
        pytest.skip("SQLite has no schemas")
    engine = create_engine(database.url, schema=database.schema)
    assert set(all_metadata().tables) <= _tables(engine, database.schema)
    with engine.begin() as conn:
        conn.execute(sa.insert(callback_table).values(token="t", payload="/p", created_at=1.0))
    qualified = f'SELECT payload FROM "{database.schema}".channel_callback'
    with engine.connect() as conn:
        assert conn.execute(sa.text(qualified)).scalars().all() == ["/p"]


def test_sqlite_is_in_wal_mode_with_a_busy_timeout(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/lentera.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


def test_sqlite_keeps_its_connections_open(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/lentera.db")
    assert isinstance(engine.pool, sa.pool.QueuePool)


def test_sqlite_file_gets_its_directory(tmp_path):
    path = tmp_path / "var" / "nested" / "lentera.db"
    engine = create_engine(f"sqlite:///{path}")
    assert path.exists()
    assert current(engine) == head()
