"""Rasa's tracker store forgets a sender: SQL (SQLite file), Redis (the real server) and memory.

Plus the hook: a pending request is carried out once, with every store, and only then dropped.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from types import SimpleNamespace

import pytest
from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.erasure import erase_if_requested, erase_tracker
from bot.privacy import erasure
from bot.privacy.consent import Consents
from bot.privacy.sent_log import SentLog

DOMAIN = Domain.empty()


def save(store, sender: str) -> None:
    tracker = DialogueStateTracker(sender, [])
    tracker.update(UserUttered("hapus data saya", {"name": "delete_my_data", "confidence": 1}))
    result = store.save(tracker)
    if asyncio.iscoroutine(result):
        asyncio.run(result)


def events_of(store, sender: str) -> int:
    result = store.retrieve(sender)
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return 0 if result is None else len(result.events)


def sql_store(tmp_path) -> SQLTrackerStore:
    return SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))


def redis_store() -> RedisTrackerStore:
    url = os.environ.get("LENTERA_TEST_REDIS_URL")
    if not url:
        if os.environ.get("LENTERA_REQUIRE_SERVICES"):
            pytest.fail("LENTERA_TEST_REDIS_URL is not set")
        pytest.skip("LENTERA_TEST_REDIS_URL is not set")
    from urllib.parse import urlparse

    parsed = urlparse(url)
    prefix = f"lentera_test_{uuid.uuid4().hex[:8]}"
    return RedisTrackerStore(
        DOMAIN, host=parsed.hostname, port=parsed.port or 6379, db=0, key_prefix=prefix
    )


@pytest.mark.parametrize("kind", ["sql", "redis", "memory"])
def test_the_tracker_store_forgets_one_sender_only(kind, tmp_path):
    store = {
        "sql": lambda: sql_store(tmp_path),
        "redis": redis_store,
        "memory": lambda: InMemoryTrackerStore(DOMAIN),
    }[kind]()
    save(store, "person")
    save(store, "someone-else")
    try:
        assert events_of(store, "person") > 0
        assert erase_tracker(store, "person") is True
        assert events_of(store, "person") == 0
        assert events_of(store, "someone-else") > 0
        assert erase_tracker(store, "person") is True  # twice is fine
    finally:
        erase_tracker(store, "someone-else")  # leave nothing behind in the real Redis


def test_an_unknown_store_is_reported_not_pretended(tmp_path):
    assert erase_tracker(object(), "person") is False


class Runtime(SimpleNamespace):
    pass


def test_the_hook_erases_only_when_asked_and_keeps_the_request_on_failure(database, tmp_path):
    from tests.bot.privacy.test_erasure import PERSON, world

    engine, inbox, book, case_store = world(database)
    runtime = Runtime(
        engine=engine,
        cases=case_store,
        addresses=book,
        inbox=inbox,
        sent=SentLog(engine),
        consents=Consents(engine),
    )
    store = sql_store(tmp_path)
    save(store, PERSON)
    app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=store)))

    assert asyncio.run(erase_if_requested(app, runtime, PERSON)) is False  # nothing asked
    assert events_of(store, PERSON) > 0

    erasure.request_erasure(engine, PERSON, 1.0)
    broken = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=object())))
    assert asyncio.run(erase_if_requested(broken, runtime, PERSON)) is False
    assert erasure.pending(engine, PERSON)  # tried again on the next message

    assert asyncio.run(erase_if_requested(app, runtime, PERSON)) is True
    assert events_of(store, PERSON) == 0 and not erasure.pending(engine, PERSON)
    assert case_store.active_case(PERSON) is None
