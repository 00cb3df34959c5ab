"""The table definitions: every table module gathered, primary keys, no plaintext identifiers."""

from __future__ import annotations

import importlib.util
import re
import sys

import pytest
import sqlalchemy as sa

from bot.storage import tables
from bot.storage.tables import TABLE_MODULES, all_metadata, metadata

CONNECTOR_TABLES = {"channel_inbox", "channel_address", "channel_callback"}
CASE_TABLES = {
    "organisations",
    "cases",
    "case_messages",
    "case_notes",
    "case_referrals",
    "outbox",
    "audit_log",
    "case_changes",
    "case_counter",
}
CONSOLE_TABLES = {"staff", "console_sessions", "canned_replies"}

# Columns that hold what a person wrote or how to reach them: Fernet tokens, so Text.
ENCRYPTED = {
    ("channel_inbox", "payload"),
    ("channel_address", "address"),
    ("channel_address", "choices"),
    ("cases", "summary"),
    ("case_messages", "body"),
    ("case_notes", "body"),
    ("outbox", "body"),
}
# Names that would mean a platform identifier (phone number, chat id) is stored.
IDENTIFIER = re.compile(r"phone|msisdn|chat_?id|wa_?id|user_?id|address|number", re.IGNORECASE)


def _present(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def test_all_metadata_is_the_one_metadata_with_the_connector_tables():
    assert all_metadata() is metadata
    assert set(all_metadata().tables) >= CONNECTOR_TABLES


@pytest.mark.parametrize(
    ("module", "names"),
    [("bot.cases.tables", CASE_TABLES), ("bot.console.tables", CONSOLE_TABLES)],
)
def test_all_metadata_includes_the_case_and_console_tables_when_present(module, names):
    assert module in TABLE_MODULES
    if not _present(module):
        pytest.skip(f"{module} is not in this tree")
    assert names <= set(all_metadata().tables)
    assert module in sys.modules


def test_an_absent_table_module_is_skipped(monkeypatch):
    monkeypatch.setattr(tables, "TABLE_MODULES", ("bot.nowhere.tables", "bot.storage.nowhere"))
    assert all_metadata() is metadata
    assert "bot.nowhere.tables" not in sys.modules


def test_a_table_module_that_fails_to_import_raises(monkeypatch, tmp_path):
    package = tmp_path / "lentera_broken_tables"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "tables.py").write_text("raise RuntimeError('broken tables')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(tables, "TABLE_MODULES", ("lentera_broken_tables.tables",))
    try:
        with pytest.raises(RuntimeError, match="broken tables"):
            all_metadata()
    finally:
        sys.modules.pop("lentera_broken_tables.tables", None)
        sys.modules.pop("lentera_broken_tables", None)


def test_every_table_has_a_primary_key():
    missing = [name for name, table in all_metadata().tables.items() if not table.primary_key]
    assert missing == []


def test_encrypted_columns_are_text():
    present = all_metadata().tables
    for table, column in ENCRYPTED:
        if table not in present:
            continue  # its package is not in this tree
        assert isinstance(present[table].c[column].type, sa.Text), (table, column)


def test_no_column_named_like_a_platform_identifier_holds_plaintext():
    plaintext = [
        (table.name, column.name)
        for table in all_metadata().tables.values()
        for column in table.columns
        if IDENTIFIER.search(column.name) and (table.name, column.name) not in ENCRYPTED
    ]
    assert plaintext == []
