"""Rasa never answers from an in-memory tracker store: pinned against the installed Rasa.

A real ``LenteraTrackerStore`` on a PostgreSQL port nobody listens on gives the real errors;
Rasa's own ``Agent`` gives the real ``FailSafeTrackerStore`` wrapper.
"""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.strict_store import (
    IN_MEMORY,
    InMemoryStoreRefused,
    innermost,
    is_outage,
    refuse_fallback,
    refuse_fallback_at_start,
)
from bot.delivery.errors import AgentNotReady, TrackerStoreFailed, TrackerStoreUnavailable
from bot.security.encryption import Cipher
from bot.storage.tracker_store import LenteraTrackerStore
from devtools.stack import free_port

FALLBACK_LINE = "Falling back to use the 'InMemoryTrackerStore'"


@pytest.fixture
def unreachable() -> LenteraTrackerStore:
    """Lentera's store on a database that does not answer (nothing listens on the port)."""
    store = LenteraTrackerStore(
        Domain.empty(),
        dialect="postgresql",
        host="127.0.0.1",
        port=free_port(),
        db="nowhere",
        username="postgres",
        cipher=Cipher([Fernet.generate_key().decode()]),
    )
    yield store
    store.engine.dispose()


def test_rasa_by_itself_falls_back_to_memory_and_says_so(unreachable, caplog):
    """What Lentera guards against: the turn goes on with no tracker, saved in memory."""
    store = Agent(tracker_store=unreachable).tracker_store
    assert isinstance(store, FailSafeTrackerStore) and innermost(store) is unreachable
    with caplog.at_level(logging.ERROR):
        tracker = asyncio.run(store.get_or_create_tracker("p1"))
    # a fresh conversation (only Rasa's first action_listen), saved in memory
    assert [e.type_name for e in tracker.events] == ["action"]
    assert FALLBACK_LINE in caplog.text
    assert isinstance(store._fallback_tracker_store, InMemoryTrackerStore)


def test_with_the_rule_a_database_outage_fails_the_turn_and_memory_stays_unused(
    unreachable, caplog
):
    agent = Agent(tracker_store=unreachable)
    refuse_fallback(agent)
    refuse_fallback(agent)  # idempotent
    store = agent.tracker_store
    with caplog.at_level(logging.WARNING):
        with pytest.raises(TrackerStoreUnavailable, match="OperationalError") as raised:
            asyncio.run(store.get_or_create_tracker("p1"))
        with pytest.raises(TrackerStoreUnavailable):
            asyncio.run(store.save(DialogueStateTracker("p1", [])))
    assert isinstance(raised.value, AgentNotReady)  # the inbox worker keeps the message
    assert store._fallback_tracker_store is None  # never created
    assert FALLBACK_LINE not in caplog.text
    assert "Tracker store unavailable (OperationalError)" in caplog.text
    assert "nowhere" not in caplog.text  # no URL, no statement


def test_an_error_that_is_not_an_outage_fails_the_turn_too():
    class Broken(TrackerStore):
        async def retrieve(self, sender_id):
            raise ValueError("the stored row quotes the person")

    store = FailSafeTrackerStore(Broken(Domain.empty()))
    refuse_fallback(SimpleNamespace(tracker_store=store))
    with pytest.raises(TrackerStoreFailed) as raised:
        asyncio.run(store.retrieve("p1"))
    assert str(raised.value) == "ValueError"  # the type only, never the text


@pytest.mark.parametrize(
    ("error", "outage"),
    [(ConnectionRefusedError(), True), (TimeoutError(), True), (KeyError("x"), False)],
)
def test_what_counts_as_an_outage(error, outage):
    assert is_outage(error) is outage


def test_rasa_on_memory_is_refused_and_stops_the_server_at_start(caplog):
    agent = Agent()  # no tracker store configured: Rasa uses memory without a word
    assert isinstance(innermost(agent.tracker_store), InMemoryTrackerStore)
    with pytest.raises(TrackerStoreUnavailable, match=IN_MEMORY):
        refuse_fallback(agent)
    with caplog.at_level(logging.ERROR), pytest.raises(InMemoryStoreRefused):
        refuse_fallback_at_start(agent)
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.channels.strict_store"]
    assert "InMemoryTrackerStore" in line and "\n" not in line


def test_anything_but_rasas_agent_is_left_alone():
    store = InMemoryTrackerStore(Domain.empty())  # channel tests hand in plain stores
    refuse_fallback(SimpleNamespace(tracker_store=store))
    refuse_fallback(None)
    refuse_fallback_at_start(None)
