"""The case store's tables: on the shared metadata, and what the migration creates."""

from __future__ import annotations

import sqlalchemy as sa

from bot.cases import tables
from bot.storage.tables import metadata

CASE_TABLES = (
    "organisations",
    "cases",
    "case_messages",
    "case_notes",
    "case_referrals",
    "outbox",
    "audit_log",
    "case_changes",
    "case_counter",
)


def test_every_case_table_is_on_the_shared_metadata():
    for name in CASE_TABLES:
        assert metadata.tables[name] is getattr(tables, name)


def test_the_migrated_database_has_every_column_of_the_tables(stores, database):
    inspector = sa.inspect(stores.engine)
    for name in CASE_TABLES:
        migrated = {
            column["name"] for column in inspector.get_columns(name, schema=database.schema)
        }
        assert migrated == set(metadata.tables[name].columns.keys()), name


def test_two_defaults_are_refused_by_the_partial_unique_index():
    [index] = [i for i in tables.organisations.indexes if i.name == "uq_organisations_default"]
    assert index.unique and [c.name for c in index.columns] == ["is_default"]
