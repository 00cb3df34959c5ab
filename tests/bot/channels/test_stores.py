"""The process-wide connector runtime: built once per database and secrets, reset on restart."""

from __future__ import annotations

import pytest

from bot.channels.stores import build_runtime, reset_runtimes
from bot.settings import SettingsError, load_settings


def settings(database, secrets_env):
    return load_settings({**secrets_env, "LENTERA_DATABASE_URL": database.url})


def test_one_runtime_per_database_shared_by_the_channels(sqlite_db, secrets_env):
    first = build_runtime(settings(sqlite_db, secrets_env), channel="telegram")
    again = build_runtime(settings(sqlite_db, secrets_env), channel="whatsapp")
    assert again is first
    assert first.inbox.status_counts() == {}
    reset_runtimes()
    assert build_runtime(settings(sqlite_db, secrets_env), channel="telegram") is not first


def test_pseudonyms_and_delivery_keys_hide_the_platform_ids(sqlite_db, secrets_env):
    runtime = build_runtime(settings(sqlite_db, secrets_env), channel="telegram")
    pseudonym = runtime.pseudonym("telegram", 555000111)
    assert pseudonym == runtime.pseudonym("telegram", "555000111")
    assert "555000111" not in pseudonym and pseudonym != runtime.pseudonym("whatsapp", 555000111)
    key = runtime.delivery_key("telegram", 42)
    assert key == runtime.delivery_key("telegram", 42) != runtime.delivery_key("whatsapp", 42)


def test_missing_secrets_are_refused(sqlite_db):
    with pytest.raises(SettingsError):
        build_runtime(load_settings({"LENTERA_DATABASE_URL": sqlite_db.url}), channel="telegram")
