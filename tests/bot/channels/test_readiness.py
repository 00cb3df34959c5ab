"""Readiness of the Rasa process: model, tracker store, lock store, action server."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain

from bot.channels.readiness import checks
from devtools.stack import free_port


class Agent(SimpleNamespace):
    def is_ready(self) -> bool:
        return self.loaded


def app_with(agent) -> SimpleNamespace:
    return SimpleNamespace(ctx=SimpleNamespace(agent=agent))


def test_without_a_model_nothing_else_is_asked():
    assert asyncio.run(checks(app_with(Agent(loaded=False)))) == {"model": "not loaded"}
    assert asyncio.run(checks(app_with(None))) == {"model": "not loaded"}


def test_every_check_is_named_and_an_unreachable_action_server_fails_ready(tmp_path):
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    agent = Agent(
        loaded=True,
        tracker_store=store,
        lock_store=InMemoryLockStore(),
        action_endpoint=SimpleNamespace(url="http://127.0.0.1:9/webhook"),  # nothing listens
    )
    results = asyncio.run(checks(app_with(agent)))
    assert results["model"] == results["tracker_store"] == results["lock_store"] == "ok"
    assert results["action_server"] != "ok"
    agent.action_endpoint = None  # no custom actions configured: nothing to wait for
    assert set(asyncio.run(checks(app_with(agent))).values()) == {"ok"}


def test_rasa_on_memory_is_never_ready():
    store = FailSafeTrackerStore(InMemoryTrackerStore(Domain.empty()))  # Rasa's fallback
    agent = Agent(
        loaded=True, tracker_store=store, lock_store=InMemoryLockStore(), action_endpoint=None
    )
    assert asyncio.run(checks(app_with(agent)))["tracker_store"] == "InMemoryTrackerStore"


def test_a_tracker_store_database_that_does_not_answer_is_named():
    store = SQLTrackerStore(
        Domain.empty(), dialect="postgresql", host="127.0.0.1", port=free_port(), db="x"
    )
    agent = Agent(
        loaded=True,
        tracker_store=FailSafeTrackerStore(store),
        lock_store=InMemoryLockStore(),
        action_endpoint=None,
    )
    results = asyncio.run(checks(app_with(agent)))
    store.engine.dispose()
    assert results == {
        "model": "ok",
        "tracker_store": "OperationalError",
        "lock_store": "ok",
        "action_server": "ok",
    }
