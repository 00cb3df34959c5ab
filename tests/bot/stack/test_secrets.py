"""Local secrets for `make run`: generated once into var/, kept, the environment wins."""

from __future__ import annotations

import stat

import pytest
from cryptography.fernet import Fernet

from bot.stack.secrets import GENERATED, local_secrets, read_env_file


@pytest.fixture
def path(tmp_path, monkeypatch):
    for name in GENERATED:
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "var" / "secrets.env"


def test_the_first_call_generates_every_secret_into_a_private_file(path):
    values = local_secrets(path)
    assert set(values) == set(GENERATED)
    assert all(values.values())
    assert read_env_file(path) == values
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    Fernet(values["LENTERA_ENCRYPTION_KEYS"].encode())  # a usable key


def test_the_second_call_keeps_the_values(path):
    first = local_secrets(path)
    written = path.read_text()
    assert local_secrets(path) == first
    assert path.read_text() == written


def test_two_checkouts_get_different_secrets(tmp_path, path):
    other = tmp_path / "other" / "secrets.env"
    assert local_secrets(path) != local_secrets(other)


def test_a_missing_value_is_added_and_the_others_kept(path):
    path.parent.mkdir()
    path.write_text("LENTERA_SECRET_KEY=kept\nOTHER=untouched\n")
    values = local_secrets(path)
    assert values["LENTERA_SECRET_KEY"] == "kept"
    stored = read_env_file(path)
    assert stored["OTHER"] == "untouched"
    assert set(GENERATED) <= set(stored)


def test_the_environment_wins_and_is_never_written(path, monkeypatch):
    monkeypatch.setenv("LENTERA_API_TOKEN", "from-the-environment")
    values = local_secrets(path)
    assert values["LENTERA_API_TOKEN"] == "from-the-environment"
    assert "from-the-environment" not in path.read_text()


def test_read_env_file_ignores_lines_without_a_value(tmp_path):
    path = tmp_path / "x.env"
    path.write_text("# comment\nA = 1\n\nB=x=y\n")
    assert read_env_file(path) == {"A": "1", "B": "x=y"}
    assert read_env_file(tmp_path / "missing.env") == {}


def test_a_remembered_secret_is_made_once_kept_and_the_environment_wins(path, monkeypatch):
    from bot.stack.secrets import remembered_secret

    monkeypatch.delenv("LENTERA_CONSOLE_ADMIN_PASSWORD", raising=False)
    local_secrets(path)
    value, made = remembered_secret("LENTERA_CONSOLE_ADMIN_PASSWORD", lambda: "made-once", path)
    assert (value, made) == ("made-once", True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert remembered_secret("LENTERA_CONSOLE_ADMIN_PASSWORD", lambda: "other", path) == (
        "made-once",
        False,
    )
    assert set(GENERATED) <= set(read_env_file(path))  # the others are kept
    assert (
        local_secrets(path) and read_env_file(path)["LENTERA_CONSOLE_ADMIN_PASSWORD"] == "made-once"
    )
    monkeypatch.setenv("LENTERA_CONSOLE_ADMIN_PASSWORD", "from-env")
    assert remembered_secret("LENTERA_CONSOLE_ADMIN_PASSWORD", lambda: "x", path) == (
        "from-env",
        False,
    )
