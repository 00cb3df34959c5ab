"""The console's tables exist after the migrations, match their definitions, and go down."""

from __future__ import annotations

import sqlalchemy as sa

from bot.console.tables import ROLES, canned_replies, console_sessions, staff
from bot.storage.engine import create_engine
from bot.storage.migrate import current, differences, downgrade, head, upgrade


def test_migrated_database_has_the_console_tables_without_drift(database) -> None:
    engine = create_engine(database.url, schema=database.schema)
    try:
        assert current(engine, schema=database.schema) == head()
        names = set(sa.inspect(engine).get_table_names(schema=database.schema))
        assert {staff.name, console_sessions.name, canned_replies.name} <= names
        assert differences(engine, schema=database.schema) == []
        downgrade(engine, revision="0002_case_store", schema=database.schema)
        names = set(sa.inspect(engine).get_table_names(schema=database.schema))
        assert staff.name not in names and "cases" in names
        upgrade(engine, schema=database.schema)
        assert current(engine, schema=database.schema) == head()
    finally:
        engine.dispose()


def test_roles() -> None:
    assert ROLES == ("caseworker", "supervisor", "admin")


def test_email_is_unique_and_sessions_key_is_a_hash() -> None:
    assert any(c.unique for c in [staff.c.email])
    assert console_sessions.c.id.type.length == 64
