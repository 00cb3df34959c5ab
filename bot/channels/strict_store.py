"""Rasa never answers from an in-memory tracker store: a store that fails fails the turn.

What Rasa 3.6 does by itself (``rasa/core/tracker_store.py``, ``rasa/core/agent.py``):

- at start, a tracker store class that raises ``ImportError`` or ``AttributeError`` while it
  is created (a missing database driver, a broken import) is replaced by an
  ``InMemoryTrackerStore``, with one warning: "Tracker store with type '...' not found.
  Using `InMemoryTrackerStore` instead."; an ``endpoints.yml`` without a tracker store gets
  one without a word;
- at start, an SQL database that does not answer is logged once ("Could not create tables:
  ...") and Rasa serves anyway, without the tables (its retry loop does not cover this);
- during a turn, the agent's ``FailSafeTrackerStore`` turns every error of the store into
  "Error happened when trying to retrieve conversation tracker from 'LenteraTrackerStore'.
  Falling back to use the 'InMemoryTrackerStore'. ..." (and the same "... to save ..."): the
  turn starts a fresh conversation (the person greeted again; language, consent and answers
  forgotten), answers 200, and keeps its events in the process's memory only.

What Lentera does instead, as an operator sees it:

- Rasa on an in-memory store (the fallback above, or no tracker store configured): Rasa
  exits at start (exit code 1) with one error line saying so; nothing is served.
  ``LenteraTrackerStore`` itself refuses to be replaced (``bot/storage/tracker_store.py``).
- The database does not answer, at start or later: Rasa keeps running and no turn runs.
  ``/webhooks/rest/ready`` answers 503 naming ``tracker_store``; the REST channel answers
  503 ``{"error": "tracker_store_unavailable"}`` with ``Retry-After``; a Telegram or WhatsApp
  message already accepted waits in the inbox (retried every few seconds, never
  dead-lettered for this), and a webhook that cannot store its delivery answers 503 so the
  platform sends it again. When the database answers again, nothing needs a restart: the
  tables are created if they are missing, the next message is answered, the waiting ones in
  order.
- The store answers with an error (a wrong key, a bug): the turn fails (REST 500
  ``{"error": "tracker_store_failed"}``; a webhook's message is retried, then dead-lettered).

The rule is installed on the agent by the REST channel when the server starts, and again on
every turn (REST and webhook channels), so an agent Rasa loads later follows it too.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy.exc
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore

from bot.delivery.errors import TrackerStoreFailed, TrackerStoreUnavailable

logger = logging.getLogger(__name__)

IN_MEMORY = "InMemoryTrackerStore"
REFUSED_AT_START = (
    "Rasa's tracker store is an InMemoryTrackerStore, not the one configured in "
    "endpoints.yml (see Rasa's warning above): Lentera does not serve on it, stopping. "
    "Fix the tracker store settings and start again."
)


class InMemoryStoreRefused(RuntimeError):
    """Rasa would serve on an in-memory tracker store: the server stops at start."""


def _outage_types() -> tuple[type[BaseException], ...]:
    import redis.exceptions

    return (
        sqlalchemy.exc.OperationalError,  # refused, reset, server closed the connection
        sqlalchemy.exc.InterfaceError,  # the connection is already closed
        sqlalchemy.exc.TimeoutError,  # no connection free in the pool
        redis.exceptions.ConnectionError,  # also redis' TimeoutError
        ConnectionError,
        TimeoutError,
    )


def is_outage(error: BaseException) -> bool:
    """True when ``error`` says the store's database does not answer (retry later)."""
    if isinstance(error, sqlalchemy.exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, _outage_types())


def refuse(error: Exception) -> None:
    """``FailSafeTrackerStore``'s error callback: raise instead of falling back to memory.

    Raises:
        TrackerStoreUnavailable: The database does not answer.
        TrackerStoreFailed: Any other error of the store.
    """
    kind = type(error).__name__  # never the text: it may quote the statement's parameters
    if is_outage(error):
        logger.warning("Tracker store unavailable (%s): turn refused, nothing kept in memory", kind)
        raise TrackerStoreUnavailable(kind) from error
    logger.error("Tracker store failed (%s): turn refused, nothing kept in memory", kind)
    raise TrackerStoreFailed(kind) from error


def innermost(store: Any) -> Any:
    """The store inside Rasa's wrappers (``FailSafeTrackerStore``, ``AwaitableTrackerStore``)."""
    seen = 0
    while hasattr(store, "_tracker_store") and seen < 5:
        store = store._tracker_store
        seen += 1
    return store


def refuse_fallback(agent: Any) -> None:
    """Make Rasa's agent fail a turn when its tracker store fails (idempotent, cheap).

    Only Rasa's own agent wraps its store in ``FailSafeTrackerStore``; anything else (a test
    double, a plain store) is left alone.

    Raises:
        TrackerStoreUnavailable: The agent runs on an in-memory store (reason ``IN_MEMORY``).
    """
    store = getattr(agent, "tracker_store", None)
    if not isinstance(store, FailSafeTrackerStore):
        return
    if isinstance(innermost(store), InMemoryTrackerStore):
        raise TrackerStoreUnavailable(IN_MEMORY)
    # The wrapper's ``on_tracker_store_error`` callback, set after the fact: with one set,
    # FailSafeTrackerStore does not log the fallback, and a callback that raises never
    # reaches it (pinned against the installed Rasa by tests/bot/channels/test_strict_store.py).
    store._on_tracker_store_error = refuse


def refuse_fallback_at_start(agent: Any) -> None:
    """At server start: install the rule, or stop the server if Rasa is on memory.

    Raises:
        InMemoryStoreRefused: With the one line the operator reads (also logged).
    """
    try:
        refuse_fallback(agent)
    except TrackerStoreUnavailable:
        logger.error(REFUSED_AT_START)
        raise InMemoryStoreRefused(REFUSED_AT_START) from None
