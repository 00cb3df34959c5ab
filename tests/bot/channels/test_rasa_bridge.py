"""Looking into the running Rasa agent: readiness, a handled message, the language slot."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.channels.rasa_bridge import (
    agent_of,
    ensure_ready,
    tracker_has_message,
    tracker_language,
)
from bot.delivery.errors import AgentNotReady


class Tracker:
    def __init__(self, events, slots=None):
        self.events = events
        self.slots = slots or {}

    def get_slot(self, name):
        return self.slots[name]


class Store:
    def __init__(self, trackers, *, awaitable=False, broken=False):
        self.trackers, self.awaitable, self.broken = trackers, awaitable, broken

    def retrieve(self, sender_id):
        if self.broken:
            raise RuntimeError("tracker store down")
        tracker = self.trackers.get(sender_id)
        if not self.awaitable:
            return tracker

        async def later():
            return tracker

        return later()


def app_with(store=None, ready=True):
    agent = SimpleNamespace(tracker_store=store, is_ready=lambda: ready)
    return SimpleNamespace(ctx=SimpleNamespace(agent=agent))


def user(message_id):
    return SimpleNamespace(type_name="user", message_id=message_id)


def test_agent_of_and_ensure_ready():
    assert agent_of(SimpleNamespace()) is None and agent_of(SimpleNamespace(ctx=object())) is None
    ensure_ready(SimpleNamespace())  # a plain handler without Rasa: nothing to wait for
    ensure_ready(app_with())
    with pytest.raises(AgentNotReady):
        ensure_ready(app_with(ready=False))


@pytest.mark.parametrize("awaitable", [False, True])
async def test_a_message_in_the_tracker_was_handled(awaitable):
    bot_event = SimpleNamespace(type_name="bot", message_id="m2")
    store = Store({"tg_a": Tracker([user("m1"), bot_event])}, awaitable=awaitable)
    app = app_with(store)
    assert await tracker_has_message(app, "tg_a", "m1") is True
    assert await tracker_has_message(app, "tg_a", "m2") is False  # not a user message
    assert await tracker_has_message(app, "tg_unknown", "m1") is False
    assert await tracker_has_message(SimpleNamespace(), "tg_a", "m1") is False
    assert await tracker_has_message(app_with(Store({}, broken=True)), "tg_a", "m1") is False


async def test_tracker_language_is_id_or_en_else_none():
    store = Store(
        {
            "en": Tracker([], {"language": "en"}),
            "es": Tracker([], {"language": "es"}),
            "none": Tracker([]),  # no language slot in the domain
        }
    )
    app = app_with(store)
    assert await tracker_language(app, "en") == "en"
    assert await tracker_language(app, "es") is None
    assert await tracker_language(app, "none") is None
    assert await tracker_language(app, "missing") is None
    assert await tracker_language(app_with(Store({}, broken=True)), "en") is None
