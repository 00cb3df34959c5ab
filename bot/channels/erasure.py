"""Carrying out "delete my data" in the Rasa process, after the confirmation was delivered.

Only this process reaches Rasa's tracker store, so the action server leaves a request
(:func:`bot.privacy.erasure.request_erasure`) and the channel erases once the turn is over
(Rasa has saved the tracker by then: erasing earlier would be undone by that save).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.channels.rasa_bridge import agent_of
from bot.channels.stores import Runtime
from bot.privacy import erasure

logger = logging.getLogger(__name__)


def erase_tracker(store: Any, sender_id: str) -> bool:
    """Delete every event of ``sender_id`` from Rasa's tracker store; False if unsupported."""
    inner = getattr(store, "_tracker_store", store)  # Rasa wraps it in AwaitableTrackerStore
    if hasattr(inner, "session_scope"):  # SQLTrackerStore
        from rasa.core.tracker_store import SQLTrackerStore

        event = SQLTrackerStore.SQLEvent
        with inner.session_scope() as session:
            session.query(event).filter(event.sender_id == sender_id).delete()
            session.commit()
        return True
    if hasattr(inner, "red") and hasattr(inner, "key_prefix"):  # RedisTrackerStore
        inner.red.delete(inner.key_prefix + sender_id)
        return True
    if isinstance(getattr(inner, "store", None), dict):  # InMemoryTrackerStore
        inner.store.pop(sender_id, None)
        return True
    return False


async def erase_if_requested(app: Any, runtime: Runtime, sender_id: str) -> bool:
    """Erase the conversation everywhere if the person asked for it; True if it was erased."""
    if not await asyncio.to_thread(erasure.pending, runtime.engine, sender_id):
        return False
    agent = agent_of(app)
    store = getattr(agent, "tracker_store", None)
    if store is None or not await asyncio.to_thread(erase_tracker, store, sender_id):
        # The request stays: the next message of this person tries again.
        logger.error("Tracker store cannot be erased (%s)", type(store).__name__)
        return False
    await asyncio.to_thread(
        erasure.erase_stores,
        sender_id,
        cases=runtime.cases,
        addresses=runtime.addresses,
        inbox=runtime.inbox,
        sent=runtime.sent,
        consents=runtime.consents,
    )
    await asyncio.to_thread(erasure.done, runtime.engine, sender_id)
    logger.info("A conversation was erased at the person's request")
    return True
