"""Fixtures for the connector tests: secrets, databases (SQLite and PostgreSQL), fakes."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from bot.channels.stores import reset_runtimes
from devtools.fake_telegram import FakeTelegram
from devtools.fake_whatsapp import FakeWhatsApp


@dataclass
class Database:
    url: str
    schema: str | None
    kind: str


@pytest.fixture
def secrets_env() -> dict[str, str]:
    return {
        "LENTERA_SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
        "LENTERA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }


def _postgres_url() -> str | None:
    return os.environ.get("LENTERA_TEST_POSTGRES_URL") or None


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path) -> Iterator[Database]:
    """A fresh connector database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield Database(f"sqlite:///{tmp_path}/connectors.db", None, "sqlite")
        reset_runtimes()
        return
    url = _postgres_url()
    if url is None:
        pytest.skip("LENTERA_TEST_POSTGRES_URL is not set")
    schema = f"lentera_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url, future=True)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Database(url, schema, "postgres")
    finally:
        reset_runtimes()
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def sqlite_db(tmp_path) -> Iterator[Database]:
    yield Database(f"sqlite:///{tmp_path}/connectors.db", None, "sqlite")
    reset_runtimes()


@pytest.fixture(scope="session")
def fake_telegram_server() -> Iterator[FakeTelegram]:
    server = FakeTelegram(token="123456:TESTTOKEN")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake_telegram(fake_telegram_server: FakeTelegram) -> FakeTelegram:
    fake_telegram_server.reset()
    return fake_telegram_server


@pytest.fixture(scope="session")
def fake_whatsapp_server() -> Iterator[FakeWhatsApp]:
    server = FakeWhatsApp()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake_whatsapp(fake_whatsapp_server: FakeWhatsApp) -> FakeWhatsApp:
    fake_whatsapp_server.reset()
    fake_whatsapp_server.closed_windows.clear()
    return fake_whatsapp_server
