"""``GET /webhooks/rest/ready``: can this Rasa process answer a person right now?

Rasa's own ``/`` and ``/status`` say the server is up; this says whether a turn would work:
the model is loaded, the tracker store and the lock store answer, and the action server is
ready. 200 with the checks, or 503 naming the ones that failed with the error's type (never a
secret or a URL): ``"tracker_store": "OperationalError"`` while its database is down,
``"InMemoryTrackerStore"`` if Rasa fell back to memory (never ready: ``strict_store.py``).
Rasa owns its root routes, so the check lives under the REST channel's prefix.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.rasa_bridge import agent_of
from bot.channels.strict_store import innermost, refuse_fallback
from bot.delivery.errors import TrackerStoreUnavailable

CHECK_TIMEOUT_SECONDS = 3.0


def _tracker_store_answers(agent: Any) -> None:
    refuse_fallback(agent)  # an in-memory store is never ready (strict_store.py)
    inner = innermost(agent.tracker_store)  # inside Rasa's FailSafe and Awaitable wrappers
    if hasattr(inner, "session_scope"):
        import sqlalchemy as sa

        with inner.session_scope() as session:
            session.execute(sa.text("SELECT 1"))
    elif hasattr(inner, "red"):
        inner.red.ping()


def _lock_store_answers(lock_store: Any) -> None:
    red = getattr(lock_store, "red", None)
    if red is not None:
        red.ping()


async def _action_server_ready(agent: Any) -> None:
    endpoint = getattr(agent, "action_endpoint", None)
    url = getattr(endpoint, "url", None)
    if not url:
        return
    ready_url = url.rsplit("/", 1)[0] + "/ready"
    async with httpx.AsyncClient(timeout=CHECK_TIMEOUT_SECONDS) as client:
        answer = await client.get(ready_url)
    answer.raise_for_status()


async def checks(app: Any) -> dict[str, str]:
    """Each check's result: ``ok`` or the name of the error."""
    agent = agent_of(app)
    results: dict[str, str] = {}
    if agent is None or not agent.is_ready():
        return {"model": "not loaded"}
    results["model"] = "ok"
    for name, check, target in (
        ("tracker_store", _tracker_store_answers, agent),
        ("lock_store", _lock_store_answers, agent.lock_store),
    ):
        try:
            await asyncio.wait_for(asyncio.to_thread(check, target), CHECK_TIMEOUT_SECONDS)
            results[name] = "ok"
        except TrackerStoreUnavailable as exc:
            results[name] = str(exc)  # "InMemoryTrackerStore"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            results[name] = type(exc).__name__
    try:
        await _action_server_ready(agent)
        results["action_server"] = "ok"
    except Exception as exc:  # noqa: BLE001
        results["action_server"] = type(exc).__name__
    return results


async def ready(request: Request) -> HTTPResponse:
    """The readiness answer for a load balancer or ``make run``."""
    results = await checks(request.app)
    ok = all(value == "ok" for value in results.values())
    return response.json({"ready": ok, "checks": results}, status=200 if ok else 503)
