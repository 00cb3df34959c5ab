"""Small helpers to look into the running Rasa agent from a connector."""

from __future__ import annotations

import inspect
import logging
from typing import Any

from bot.channels.strict_store import refuse_fallback
from bot.delivery.errors import AgentNotReady

logger = logging.getLogger(__name__)


def agent_of(app: Any) -> Any | None:
    """Return the Rasa agent of a Sanic app, or None."""
    ctx = getattr(app, "ctx", None)
    return getattr(ctx, "agent", None) if ctx is not None else None


def ensure_ready(app: Any) -> None:
    """Raise :class:`AgentNotReady` unless the app has an agent with a loaded model.

    ``Agent.handle_message`` silently ignores messages when no model is loaded, so the
    connector checks first and keeps the message queued instead. The agent's tracker store
    is made to fail the turn rather than fall back to memory (``strict_store.py``).

    Raises:
        AgentNotReady: No model yet, or (``TrackerStoreUnavailable``) Rasa is on memory.
    """
    agent = agent_of(app)
    if agent is None:
        # Not running inside Rasa (connector tests with a plain handler).
        return
    if not agent.is_ready():
        raise AgentNotReady("Rasa agent has no model loaded yet")
    refuse_fallback(agent)


async def _tracker(app: Any, sender_id: str) -> Any | None:
    agent = agent_of(app)
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return None
    result = store.retrieve(sender_id)
    if inspect.isawaitable(result):
        result = await result
    return result


async def tracker_has_message(app: Any, sender_id: str, message_id: str) -> bool:
    """True if the tracker already holds a user message with this message id.

    Rasa saves the tracker after a turn has sent its replies, so a message found here was
    fully handled before a crash and must not be handled again.
    """
    try:
        tracker = await _tracker(app, sender_id)
    except Exception:  # noqa: BLE001 - a failed look-up just means "re-run the turn"
        logger.warning("Tracker look-up failed during recovery", exc_info=False)
        return False
    if tracker is None:
        return False
    for event in reversed(list(getattr(tracker, "events", []))):
        if (
            getattr(event, "type_name", None) == "user"
            and getattr(event, "message_id", None) == message_id
        ):
            return True
    return False


async def tracker_language(app: Any, sender_id: str) -> str | None:
    """The tracker's ``language`` slot (``id``/``en``), or None if unknown."""
    try:
        tracker = await _tracker(app, sender_id)
    except Exception:  # noqa: BLE001
        return None
    if tracker is None:
        return None
    try:
        value = tracker.get_slot("language")
    except Exception:  # noqa: BLE001 - slot not in the domain
        return None
    return value if value in ("id", "en") else None
