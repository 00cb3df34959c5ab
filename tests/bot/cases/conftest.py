"""A case store on a fresh, migrated database (SQLite file or PostgreSQL schema)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.engine import Engine

from bot.cases.store import CaseStore
from bot.security.encryption import Cipher
from bot.storage.engine import create_engine
from tests.bot.cases.helpers import Clock


@dataclass
class Stores:
    engine: Engine
    cipher: Cipher
    clock: Clock
    cases: CaseStore


@pytest.fixture
def stores(database) -> Iterator[Stores]:
    engine = create_engine(database.url, schema=database.schema)
    cipher = Cipher([Fernet.generate_key().decode()])
    clock = Clock()
    yield Stores(engine, cipher, clock, CaseStore(engine, cipher, clock=clock))
    engine.dispose()
