"""Console fixtures: a migrated database (SQLite and PostgreSQL), stores, a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from cryptography.fernet import Fernet

from bot.cases import CaseStore, Organisation
from bot.console.sessions import SessionStore
from bot.console.staff import StaffMember, StaffStore
from bot.security.encryption import Cipher
from bot.storage.engine import create_engine

# Cheap argon2id parameters: the tests log in hundreds of times.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "correct horse battery staple"


class Clock:
    """A clock the tests move by hand."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class World:
    """Two organisations with staff, on one database."""

    engine: object
    clock: Clock
    cases: CaseStore
    staff: StaffStore
    sessions: SessionStore
    cipher: Cipher
    org: Organisation
    other_org: Organisation
    caseworker: StaffMember
    caseworker2: StaffMember
    supervisor: StaffMember
    admin: StaffMember
    outsider: StaffMember

    def open_case(self, **overrides: object):
        values: dict[str, object] = {
            "conversation_id": f"conv-{self.clock.now}-{len(overrides)}",
            "channel": "telegram",
            "language": "id",
            "country": "HK",
            "city": None,
            "problem": "unpaid_wages",
            "risk": "normal",
            "consent_version": "v1",
            "consent_at": self.clock.now,
            "summary": "Gaji belum dibayar empat bulan",
            "transcript": (("person", "gaji saya belum dibayar", self.clock.now),),
        }
        values.update(overrides)
        return self.cases.open_case(**values)  # type: ignore[arg-type]


@pytest.fixture
def world(database) -> Iterator[World]:
    engine = create_engine(database.url, schema=database.schema)
    clock = Clock()
    cipher = Cipher([Fernet.generate_key().decode()])
    cases = CaseStore(engine, cipher, clock=clock)
    staff = StaffStore(engine, clock=clock, hasher=FAST_HASHER)
    sessions = SessionStore(engine, clock=clock)
    org = cases.create_organisation("Lentera HK", "HK,TW", default=True)
    other = cases.create_organisation("Other NGO", "SA")
    yield World(
        engine=engine,
        clock=clock,
        cases=cases,
        staff=staff,
        sessions=sessions,
        cipher=cipher,
        org=org,
        other_org=other,
        caseworker=staff.create("cw@lentera.test", org.id, "caseworker", PASSWORD),
        caseworker2=staff.create("cw2@lentera.test", org.id, "caseworker", PASSWORD),
        supervisor=staff.create("sup@lentera.test", org.id, "supervisor", PASSWORD),
        admin=staff.create("admin@lentera.test", org.id, "admin", PASSWORD),
        outsider=staff.create("cw@other.test", other.id, "caseworker", PASSWORD),
    )
    engine.dispose()  # type: ignore[attr-defined]


@dataclass
class Browser:
    """A TestClient logged in (or not) as one staff member."""

    client: object
    csrf: str = ""

    def get(self, url: str, **kw):
        return self.client.get(url, follow_redirects=False, **kw)  # type: ignore[attr-defined]

    def post(self, url: str, data: dict | None = None, *, csrf: bool = True, **kw):
        form = dict(data or {})
        if csrf and self.csrf:
            form.setdefault("csrf_token", self.csrf)
        return self.client.post(url, data=form, follow_redirects=False, **kw)  # type: ignore[attr-defined]


def make_console(world: World, **overrides):
    from bot.console.app import Console
    from bot.settings import ConsoleSettings

    values = {
        "settings": ConsoleSettings(database_url="unused", encryption_keys=("unused",)),
        "engine": world.engine,
        "cases": world.cases,
        "staff": world.staff,
        "sessions": world.sessions,
        "clock": world.clock,
        "poll_seconds": 0.05,
        "stream_seconds": 1.0,
    }
    values.update(overrides)
    return Console(**values)  # type: ignore[arg-type]


@pytest.fixture
def console(world: World):
    return make_console(world)


@pytest.fixture
def app(console):
    from bot.console.app import create_app

    return create_app(console)


@pytest.fixture
def browser(app, world: World):
    """Factory: ``browser(member)`` logged in by a session row, ``browser(None)`` logged out."""
    from starlette.testclient import TestClient

    clients = []

    def make(member: StaffMember | None) -> Browser:
        client = TestClient(app, base_url="http://127.0.0.1")
        clients.append(client)
        if member is None:
            return Browser(client)
        token = world.sessions.create(member.id)
        client.cookies.set("lentera_session", token)
        principal = world.sessions.lookup(token, touch=False)
        assert principal is not None
        return Browser(client, principal.csrf_token)

    yield make
    for client in clients:
        client.close()
