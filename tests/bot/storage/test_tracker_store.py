"""Lentera's tracker store: encrypted at rest, no words without consent, read back by Rasa.

Runs on SQLite and on a fresh PostgreSQL schema; the stored rows are read directly. A
database that goes down is PostgreSQL behind a TCP proxy the test cuts.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.security.encryption import Cipher, InvalidToken
from bot.settings import SettingsError
from bot.storage.tracker_store import (
    LenteraTrackerStore,
    TrackerStoreNotCreated,
    unseal,
    without_words,
)
from tests.bot.conftest import Database
from tests.helpers.tcp_proxy import TcpProxy, proxy_to

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[3] / "domain.yml"))
SECRET = "Mrs Wong took my passport C1234567"
ANSWER = "Hubungi KJRI Hong Kong di +852 2890 4421"


@pytest.fixture
def cipher() -> Cipher:
    return Cipher([Fernet.generate_key().decode()])


def open_store(
    database: Database, tmp_path: Path, cipher: Cipher, monkeypatch
) -> LenteraTrackerStore:
    if database.kind == "sqlite":
        return LenteraTrackerStore(
            DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"), cipher=cipher
        )
    monkeypatch.setenv("POSTGRESQL_SCHEMA", database.schema or "")
    url = urlparse(database.url)
    return LenteraTrackerStore(
        DOMAIN,
        dialect="postgresql",
        host=url.hostname,
        port=url.port or 5432,
        db=url.path.lstrip("/"),
        username=url.username,
        password=url.password,
        cipher=cipher,
    )


@pytest.fixture
def store(database, tmp_path, cipher, monkeypatch) -> Iterator[LenteraTrackerStore]:
    found = open_store(database, tmp_path, cipher, monkeypatch)
    yield found
    found.engine.dispose()


def turn(tracker: DialogueStateTracker, said: str, answer: str, *slots: SlotSet) -> None:
    tracker.update(UserUttered(said, {"name": "report_document_withheld", "confidence": 0.9}))
    tracker.update(ActionExecuted("action_turn"))
    tracker.update(BotUttered(answer, {"buttons": [{"title": "Ya", "payload": "/affirm"}]}))
    for slot in slots:
        tracker.update(slot)
    tracker.update(ActionExecuted("action_listen"))


def save(store: LenteraTrackerStore, tracker: DialogueStateTracker) -> None:
    asyncio.run(store.save(tracker))


def stored(store: LenteraTrackerStore, sender: str) -> list[str]:
    event = store.SQLEvent
    with store.session_scope() as session:
        rows = session.query(event.data).filter(event.sender_id == sender).order_by(event.id)
        return [data for (data,) in rows]


def retrieve(store: LenteraTrackerStore, sender: str) -> DialogueStateTracker:
    found = asyncio.run(store.retrieve(sender))
    assert found is not None
    return found


def user_texts(tracker: DialogueStateTracker) -> list[str | None]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def test_without_consent_no_words_are_stored_but_the_dialogue_state_is(store, cipher):
    tracker = DialogueStateTracker("p1", DOMAIN.slots)
    turn(tracker, SECRET, ANSWER, SlotSet("country", "HK"))
    save(store, tracker)

    rows = stored(store, "p1")
    assert rows and all(SECRET not in r and "Wong" not in r and "2890" not in r for r in rows)
    decrypted = "\n".join(json.dumps(unseal(cipher, r)) for r in rows)
    assert "Wong" not in decrypted and "C1234567" not in decrypted and "2890" not in decrypted
    back = retrieve(store, "p1")
    assert back.get_slot("country") == "HK"
    assert back.latest_message.intent["name"] == "report_document_withheld"
    assert user_texts(back) == [None]


def test_with_consent_the_words_are_kept_encrypted_and_read_back(store, cipher):
    tracker = DialogueStateTracker("p2", DOMAIN.slots)
    turn(tracker, SECRET, ANSWER, SlotSet("storage_consent", True))
    save(store, tracker)

    rows = stored(store, "p2")
    assert all(SECRET not in r and not r.startswith("{") for r in rows)  # ciphertext only
    back = retrieve(store, "p2")
    assert user_texts(back) == [SECRET]
    assert [e.text for e in back.events if isinstance(e, BotUttered)] == [ANSWER]


def test_withdrawing_erases_the_words_already_kept_and_keeps_the_conversation(store, cipher):
    tracker = DialogueStateTracker("p3", DOMAIN.slots)
    turn(tracker, SECRET, ANSWER, SlotSet("storage_consent", True), SlotSet("country", "HK"))
    save(store, tracker)
    tracker = retrieve(store, "p3")
    turn(tracker, "jangan simpan chat saya", "Baik", SlotSet("storage_consent", False))
    save(store, tracker)

    decrypted = "\n".join(json.dumps(unseal(cipher, r)) for r in stored(store, "p3"))
    assert "Wong" not in decrypted and "2890" not in decrypted and "jangan" not in decrypted
    back = retrieve(store, "p3")
    assert back.get_slot("country") == "HK" and back.get_slot("storage_consent") is False
    assert user_texts(back) == [None, None]


def test_rows_from_before_the_store_are_still_read(store):
    event = store.SQLEvent
    data = UserUttered("halo", {"name": "greet", "confidence": 1.0}).as_dict()
    with store.session_scope() as session:
        session.add(
            event(
                sender_id="old",
                type_name="user",
                timestamp=data["timestamp"],
                intent_name="greet",
                action_name=None,
                data=json.dumps(data),
            )
        )
        session.commit()
    assert user_texts(retrieve(store, "old")) == ["halo"]


def test_a_wrong_key_cannot_read_the_store(store, database, tmp_path, monkeypatch):
    tracker = DialogueStateTracker("p4", DOMAIN.slots)
    turn(tracker, SECRET, ANSWER, SlotSet("storage_consent", True))
    save(store, tracker)
    other = open_store(database, tmp_path, Cipher([Fernet.generate_key().decode()]), monkeypatch)
    with pytest.raises(InvalidToken):
        asyncio.run(other.retrieve("p4"))
    other.engine.dispose()


def test_without_keys_the_store_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.delenv("LENTERA_ENCRYPTION_KEYS", raising=False)
    with pytest.raises(SettingsError, match="LENTERA_ENCRYPTION_KEYS"):
        LenteraTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))


def test_only_user_and_bot_events_lose_words():
    slot = SlotSet("city", "Tsuen Wan").as_dict()
    assert without_words(slot) == slot
    user = without_words(UserUttered(SECRET, {"name": "inform"}).as_dict())
    assert user["text"] is None and user["parse_data"]["text"] == ""
    assert user["parse_data"]["intent"]["name"] == "inform"


def test_the_events_table_holds_no_plain_json(store):
    tracker = DialogueStateTracker("p5", DOMAIN.slots)
    turn(tracker, SECRET, ANSWER)
    save(store, tracker)
    with store.engine.connect() as conn:
        datas = conn.execute(sa.text("SELECT data FROM events")).scalars().all()
    assert datas and not any(d.lstrip().startswith("{") for d in datas)


def test_a_store_that_cannot_be_built_stops_rasa_instead_of_falling_back_to_memory():
    """Rasa answers an ImportError with an InMemoryTrackerStore; Lentera's store refuses."""
    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(
        url="127.0.0.1",
        type="bot.storage.tracker_store.LenteraTrackerStore",
        dialect="mysql",  # no MySQL driver installed: an ImportError inside the store
        db="lentera",
        cipher=Cipher([Fernet.generate_key().decode()]),
    )
    with pytest.raises(TrackerStoreNotCreated, match="ModuleNotFoundError"):
        TrackerStore.create(config, domain=DOMAIN)


@pytest.fixture
def postgres_behind_proxy(monkeypatch) -> Iterator[tuple[TcpProxy, dict]]:
    """A fresh PostgreSQL schema reached through a proxy the test can cut."""
    url = os.environ.get("LENTERA_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("LENTERA_REQUIRE_SERVICES"):
            pytest.fail("LENTERA_TEST_POSTGRES_URL is required here")
        pytest.skip("LENTERA_TEST_POSTGRES_URL is not set")
    schema = f"lentera_down_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, future=True)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    monkeypatch.setenv("POSTGRESQL_SCHEMA", schema)
    parsed = urlparse(url)
    try:
        with proxy_to(url) as proxy:
            options = {
                "dialect": "postgresql",
                "host": "127.0.0.1",
                "port": proxy.port,
                "db": parsed.path.lstrip("/"),
                "username": parsed.username,
                "password": parsed.password,
            }
            yield proxy, options
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_a_database_down_at_start_is_used_once_it_answers_without_a_restart(
    postgres_behind_proxy, cipher
):
    proxy, options = postgres_behind_proxy
    proxy.cut()
    store = LenteraTrackerStore(DOMAIN, cipher=cipher, **options)  # Rasa logs, goes on
    try:
        with pytest.raises(sa.exc.OperationalError):
            asyncio.run(store.retrieve("p6"))
        proxy.restore()
        assert asyncio.run(store.retrieve("p6")) is None  # the events table is created now
        tracker = DialogueStateTracker("p6", DOMAIN.slots)
        turn(tracker, SECRET, ANSWER, SlotSet("country", "HK"))
        save(store, tracker)
        # The database restarts while nobody writes: the pooled connection is dead, the
        # next use gets a fresh one instead of an error.
        proxy.cut()
        proxy.restore()
        assert retrieve(store, "p6").get_slot("country") == "HK"
    finally:
        store.engine.dispose()
