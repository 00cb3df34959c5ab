"""Retention: closed cases lose their content after the case retention, silent conversations
leave the tracker store after the conversation retention, open cases keep theirs."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from bot.cases import CaseStore
from bot.cases.tables import case_messages
from bot.cases.tables import cases as cases_table
from bot.privacy.consent import Consents
from bot.privacy.retention import DAY, Retention, purge
from bot.security.encryption import Cipher
from bot.storage.engine import create_engine
from bot.storage.tables import address_table

NOW = 1_900_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW - 400 * DAY

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def world(database, tmp_path):
    engine = create_engine(database.url, schema=database.schema)
    clock = Clock()
    store = CaseStore(engine, Cipher([Fernet.generate_key().decode()]), clock=clock)
    store.create_organisation("Lentera", (), default=True)
    tracker = sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}", future=True)
    with tracker.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                "type_name TEXT, timestamp FLOAT, data TEXT)"
            )
        )
    yield store, engine, tracker, clock
    engine.dispose()


def open_case(store: CaseStore, conversation_id: str, at: float):
    return store.open_case(
        conversation_id=conversation_id,
        channel="telegram",
        language="id",
        country="HK",
        city="Wan Chai",
        problem="abuse",
        risk="normal",
        consent_version="v1",
        consent_at=at,
        summary="problem: abuse",
        transcript=[("person", "majikan memukul saya", at)],
    )


def events(tracker, sender: str, *timestamps: float) -> None:
    with tracker.begin() as conn:
        for at in timestamps:
            conn.execute(
                sa.text(
                    "INSERT INTO events (sender_id, type_name, timestamp, data) "
                    "VALUES (:s, 'user', :t, '{\"text\": \"halo\"}')"
                ),
                {"s": sender, "t": at},
            )


def senders(tracker) -> set[str]:
    with tracker.connect() as conn:
        return {r for (r,) in conn.execute(sa.text("SELECT DISTINCT sender_id FROM events"))}


def test_a_closed_case_loses_its_content_after_the_case_retention(world):
    store, engine, tracker, clock = world
    old = open_case(store, "conv-old", clock.now)
    store.close(old.id, 1)
    clock.now = NOW - 10 * DAY
    recent = open_case(store, "conv-recent", clock.now)
    store.close(recent.id, 1)
    clock.now = NOW
    done = purge(store, engine, tracker, Retention(30, 180), NOW)
    assert done.cases == 1
    with engine.connect() as conn:
        bodies = dict(conn.execute(sa.select(case_messages.c.case_id, case_messages.c.body)).all())
        summaries = dict(conn.execute(sa.select(cases_table.c.id, cases_table.c.summary)).all())
    assert bodies[old.id] is None and summaries[old.id] is None
    assert bodies[recent.id] is not None and summaries[recent.id] is not None
    assert store.get(old.id, old.organisation_id) is not None  # the record stays, content-free
    assert [r.action for r in store.audit_rows(case_id=old.id)][-1] == "retention_purge"
    assert purge(store, engine, tracker, Retention(30, 180), NOW).cases == 0  # idempotent


def test_silent_conversations_leave_the_tracker_store_unless_a_case_is_open(world):
    store, engine, tracker, clock = world
    events(tracker, "silent", NOW - 40 * DAY, NOW - 35 * DAY)
    events(tracker, "active", NOW - 40 * DAY, NOW - 2 * DAY)
    events(tracker, "silent-with-case", NOW - 60 * DAY)
    open_case(store, "silent-with-case", NOW - 60 * DAY)
    for person in ("silent", "active"):
        Consents(engine).record(person, True, NOW - 40 * DAY)
    done = purge(store, engine, tracker, Retention(30, 180), NOW)
    assert (done.conversations, done.events) == (1, 2)
    assert senders(tracker) == {"active", "silent-with-case"}


def test_a_conversation_nobody_agreed_to_keep_goes_a_day_after_its_last_message(world):
    store, engine, tracker, clock = world
    hour = DAY / 24
    events(tracker, "unconsented-23h", NOW - 30 * hour, NOW - 23 * hour)
    events(tracker, "unconsented-25h", NOW - 25 * hour)
    events(tracker, "declined-25h", NOW - 25 * hour)
    events(tracker, "agreed-25h", NOW - 25 * hour)
    events(tracker, "unconsented-with-case", NOW - 3 * DAY)
    open_case(store, "unconsented-with-case", NOW - 3 * DAY)
    Consents(engine).record("declined-25h", False, NOW - 25 * hour)
    Consents(engine).record("agreed-25h", True, NOW - 25 * hour)
    for person, at in (("unconsented-23h", 23), ("unconsented-25h", 25), ("declined-25h", 25)):
        address(engine, person, NOW - at * hour)
    done = purge(store, engine, tracker, Retention(30, 180), NOW)
    assert (done.conversations, done.events) == (2, 2)
    assert senders(tracker) == {"unconsented-23h", "agreed-25h", "unconsented-with-case"}
    # With the conversation go the address and the answer to the notice.
    assert addresses(engine) == {"unconsented-23h"}
    assert Consents(engine).get("declined-25h") is None
    assert Consents(engine).get("agreed-25h") is not None


def address(engine, sender: str, at: float) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.insert(address_table).values(
                sender_id=sender, channel="telegram", address="encrypted", updated_at=at
            )
        )


def addresses(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(sa.select(address_table.c.sender_id)).scalars())


def test_an_empty_tracker_store_is_fine(database, tmp_path):
    engine = create_engine(database.url, schema=database.schema)
    store = CaseStore(engine, Cipher([Fernet.generate_key().decode()]))
    tracker = sa.create_engine(f"sqlite:///{tmp_path / 'none.db'}", future=True)
    assert purge(store, engine, tracker, Retention(), NOW).events == 0


def test_retention_days_come_from_the_environment():
    env = {"LENTERA_RETENTION_DAYS": "7", "LENTERA_CASE_RETENTION_DAYS": "90"}
    assert Retention.from_env(env) == Retention(7, 90)
    assert Retention.from_env({}) == Retention(30, 180)
    with pytest.raises(ValueError):
        Retention.from_env({"LENTERA_RETENTION_DAYS": "0"})


def test_the_command_prints_counts_and_refuses_bad_arguments(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(__import__("pathlib").Path(__file__).resolve().parents[3]),
        "LENTERA_DATABASE_URL": f"sqlite:///{tmp_path / 'lentera.db'}",
        "LENTERA_TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "LENTERA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    ok = subprocess.run(
        [sys.executable, "-m", "bot.privacy", "purge", "--now", "2026-12-01T00:00:00Z"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("cases 0, conversations 0, events 0")
    bad = subprocess.run(
        [sys.executable, "-m", "bot.privacy", "purge", "--now", "yesterday"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 2


def test_forget_erases_one_person_from_every_store(tmp_path):

    root = __import__("pathlib").Path(__file__).resolve().parents[3]
    key = Fernet.generate_key().decode()
    db, tracker_db = tmp_path / "lentera.db", tmp_path / "tracker.db"
    engine = create_engine(f"sqlite:///{db}")
    store = CaseStore(engine, Cipher([key]))
    store.create_organisation("Lentera", (), default=True)
    open_case(store, "tg_person", NOW)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(address_table).values(
                sender_id="tg_person",
                channel="telegram",
                address=Cipher([key]).encrypt("5"),
                updated_at=NOW,
            )
        )
    tracker = sa.create_engine(f"sqlite:///{tracker_db}", future=True)
    with tracker.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                "type_name TEXT, timestamp FLOAT, data TEXT)"
            )
        )
    events(tracker, "tg_person", NOW, NOW)
    events(tracker, "tg_other", NOW)
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(root),
        "LENTERA_DATABASE_URL": f"sqlite:///{db}",
        "LENTERA_TRACKER_STORE_URL": f"sqlite:///{tracker_db}",
        "LENTERA_ENCRYPTION_KEYS": key,
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot.privacy", "forget", "tg_person"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "tracker events 2" in result.stdout
    assert senders(tracker) == {"tg_other"}
    assert store.active_case("tg_person") is None
    with engine.connect() as conn:
        assert conn.execute(sa.select(address_table)).first() is None
