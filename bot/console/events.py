"""``GET /events``: server-sent events telling open pages that something changed.

The console keeps no state between requests, so a stream polls the case store's change
feed (``changes_since``) every :attr:`~bot.console.app.Console.poll_seconds` (0.5 s) and
sends a short event; htmx then fetches the fragment again (``hx-trigger="sse:queue"`` or
``"sse:case"``) through the usual guarded route. Nothing about a case travels in the stream
itself: the event data is only the feed's version number.

- ``/events`` streams ``queue`` events for any change in the organisation's cases;
- ``/events?case=<ref>`` streams ``case`` events for that case, and answers 404 if it is
  another organisation's;
- ``since=<version>`` (the version the page was rendered at) and the ``Last-Event-ID`` a
  reconnecting browser sends make sure nothing that happened in between is missed.

A stream ends after ``stream_seconds`` (the browser reconnects by itself) or as soon as the
session is no longer valid, which is checked every few seconds. The stream never counts as
activity, so an unattended console still logs out after 30 minutes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse

from bot.console.routing import Ctx
from bot.console.security import SESSION_COOKIE, read_cookie
from bot.console.views.cases import case_or_404

SESSION_CHECK_SECONDS = 5.0
KEEPALIVE_SECONDS = 15.0
RETRY_MS = 1000


def _start_version(ctx: Ctx, current: int) -> int:
    for raw in (ctx.request.headers.get("last-event-id", ""), ctx.query("since")):
        if raw.isdigit():
            return min(int(raw), current)
    return current


async def stream(ctx: Ctx) -> Response:
    """The event stream of the queue, or of one case (``?case=<ref>``)."""
    console = ctx.console
    case_id: int | None = None
    if ctx.query("case"):
        case = await run_in_threadpool(case_or_404, ctx, ctx.query("case"))
        case_id = case.id
    event = "case" if case_id is not None else "queue"
    current = await run_in_threadpool(console.cases.current_version)
    start = _start_version(ctx, current)
    organisation_id = ctx.principal.organisation_id
    token_owner = ctx.principal.session_id

    async def events() -> AsyncIterator[str]:
        version = start
        yield f"retry: {RETRY_MS}\n\n"
        if start < current:  # something happened since the page was rendered
            yield f"id: {start}\nevent: {event}\ndata: {start}\n\n"
        clock = time.monotonic
        began = last_check = last_sent = clock()
        while clock() - began < console.stream_seconds:
            await asyncio.sleep(console.poll_seconds)
            changes = await run_in_threadpool(console.cases.changes_since, organisation_id, version)
            if changes:
                version = max(change.version for change in changes)
                if case_id is None or any(change.case_id == case_id for change in changes):
                    yield f"id: {version}\nevent: {event}\ndata: {version}\n\n"
                    last_sent = clock()
            if clock() - last_check >= SESSION_CHECK_SECONDS:
                last_check = clock()
                if not await run_in_threadpool(_still_valid, ctx, token_owner):
                    yield "event: ended\ndata: session\n\n"
                    return
            if clock() - last_sent >= KEEPALIVE_SECONDS:
                last_sent = clock()
                yield ": keep-alive\n\n"

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"x-accel-buffering": "no"},
    )


def _still_valid(ctx: Ctx, session_id: str) -> bool:
    token = read_cookie(ctx.request, SESSION_COOKIE, secure=ctx.secure)
    principal = ctx.console.sessions.lookup(token, touch=False)
    return principal is not None and principal.session_id == session_id
