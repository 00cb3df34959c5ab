"""Processes inbox rows: in arrival order per sender, with retries and crash recovery.

The webhook hands each accepted row to :meth:`InboxWorker.submit` and answers the platform
at once. A background loop claims rows left behind by a failed attempt, a dead process or
an expired lease, so an acknowledged message is processed even if the process is killed
mid-turn (at-least-once; the handler skips turns the tracker already holds). A Rasa that
cannot take a turn yet (no model, tracker store down: :class:`~bot.delivery.errors.AgentNotReady`)
keeps the row waiting without counting an attempt. A reply refused
because of our own credentials (:class:`~bot.delivery.errors.ConfigurationError`) is not retried:
the row is dead-lettered and the error logged once, until a turn succeeds again.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable

from bot.delivery.errors import AgentNotReady, ConfigurationError
from bot.storage.inbox import FAILED, MAX_ATTEMPTS, Inbox, InboxRow

logger = logging.getLogger(__name__)

Handler = Callable[[InboxRow], Awaitable[None]]

PURGE_INTERVAL_SECONDS = 3600.0


def make_owner() -> str:
    """Identity of this process for inbox claims: ``host:pid:nonce``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_is_dead(owner: str, me: str) -> bool:
    """True if ``owner`` is a process on this host that no longer runs.

    Owners on other hosts are never declared dead here; their rows come back when the
    lease expires.
    """
    try:
        host, pid_text, nonce = owner.rsplit(":", 2)
        my_host, my_pid, my_nonce = me.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != my_host:
        return False
    if str(pid) == my_pid:
        return nonce != my_nonce  # an earlier incarnation with the same pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class _SenderLock:
    __slots__ = ("lock", "refs")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.refs = 0


class InboxWorker:
    """Runs a channel's handler over its inbox rows."""

    def __init__(
        self,
        inbox: Inbox,
        channel: str,
        handler: Handler,
        *,
        lease_seconds: float = 120.0,
        poll_seconds: float = 2.0,
        owner: str | None = None,
    ) -> None:
        """Create the worker (nothing runs until :meth:`submit` or :meth:`start`).

        Args:
            inbox: Inbox store.
            channel: Channel whose rows this worker claims.
            handler: Processes one row; raising makes the row retry later.
            lease_seconds: Claim lease, extended while a row is in progress.
            poll_seconds: Interval of the recovery loop.
            owner: Claim identity (default: host, pid and a random nonce).
        """
        self.inbox = inbox
        self.channel = channel
        self.handler = handler
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.owner = owner or make_owner()
        self._locks: dict[str, _SenderLock] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._inflight: set[int] = set()
        self._loop_task: asyncio.Task[None] | None = None
        self._last_purge = 0.0
        self._misconfigured = False  # a ConfigurationError was logged and nothing worked since

    def submit(self, row: InboxRow) -> None:
        """Process a row in the background, after earlier rows of the same sender."""
        self._inflight.add(row.id)
        task = asyncio.get_running_loop().create_task(self._run(row))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def start(self) -> None:
        """Start the recovery loop (idempotent; needs a running event loop)."""
        if self._loop_task is None or self._loop_task.done():
            self._loop_task = asyncio.get_running_loop().create_task(self._recovery_loop())

    async def stop(self) -> None:
        """Stop the recovery loop and wait briefly for rows in progress."""
        if self._loop_task is not None:
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
            self._loop_task = None
        await self.drain(timeout=10.0)

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait until no row is in progress (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while self._tasks and time.monotonic() < deadline:
            await asyncio.wait(set(self._tasks), timeout=max(0.0, deadline - time.monotonic()))

    async def recover_once(self) -> int:
        """Claim and submit due rows once; return how many were submitted."""
        dead = {
            o
            for o in await asyncio.to_thread(self.inbox.processing_owners)
            if owner_is_dead(o, self.owner)
        }
        rows = await asyncio.to_thread(
            lambda: self.inbox.claim_due(
                channel=self.channel,
                owner=self.owner,
                lease_seconds=self.lease_seconds,
                dead_owners=dead,
            )
        )
        for row in rows:
            if row.id not in self._inflight:
                logger.info(
                    "Recovered inbound %s message (attempt %s)", self.channel, row.attempts + 1
                )
                self.submit(row)
        return len(rows)

    async def _recovery_loop(self) -> None:
        last_heartbeat = 0.0
        while True:
            try:
                await self.recover_once()
                now = time.monotonic()
                if self._inflight and now - last_heartbeat > self.lease_seconds / 3:
                    await asyncio.to_thread(
                        self.inbox.heartbeat, set(self._inflight), self.owner, self.lease_seconds
                    )
                    last_heartbeat = now
                if now - self._last_purge > PURGE_INTERVAL_SECONDS:
                    self._last_purge = now
                    purged = await asyncio.to_thread(self.inbox.purge)
                    if purged:
                        logger.info("Purged %s expired %s dedup keys", purged, self.channel)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - keep recovering whatever happens
                logger.warning("Inbox recovery pass failed: %s", type(exc).__name__)
            await asyncio.sleep(self.poll_seconds)

    async def _run(self, row: InboxRow) -> None:
        entry = self._locks.setdefault(row.sender_id, _SenderLock())
        entry.refs += 1
        try:
            async with entry.lock:
                if await self._safe(
                    lambda: self.inbox.waits_for_earlier(row.id, row.channel, row.sender_id)
                ):
                    # Answered in the order sent: this one comes back through the recovery
                    # loop once the earlier message (on whichever instance) is done.
                    await self._safe(lambda: self.inbox.release(row.id, row.attempts, delay=0.0))
                    return
                await self._process(row)
        finally:
            entry.refs -= 1
            if entry.refs == 0:
                self._locks.pop(row.sender_id, None)
            self._inflight.discard(row.id)

    async def _process(self, row: InboxRow) -> None:
        try:
            await self.handler(row)
        except asyncio.CancelledError:
            raise
        except AgentNotReady as exc:
            # No attempt counted: a Rasa that is loading or whose tracker store is down
            # must not dead-letter the message, however long that lasts.
            logger.info(
                "Rasa not ready (%s); inbound %s message kept for later",
                type(exc).__name__,
                self.channel,
            )
            delay = exc.retry_seconds
            await self._safe(lambda: self.inbox.release(row.id, row.attempts, delay=delay))
        except ConfigurationError as exc:
            self._report_misconfiguration(exc)
            # Dead-letter at once: every attempt would be refused the same way.
            await self._safe(
                lambda: self.inbox.release(row.id, max(MAX_ATTEMPTS, row.attempts + 1))
            )
        except Exception as exc:  # noqa: BLE001 - any failure means "try again later"
            logger.error(
                "Processing an inbound %s message failed (%s); it will be retried",
                self.channel,
                type(exc).__name__,
            )
            logger.debug("Processing failure details", exc_info=True)
            status = await self._safe(lambda: self.inbox.release(row.id, row.attempts + 1))
            if status == FAILED:
                logger.error("Inbound %s message dead-lettered", self.channel)
        else:
            self._misconfigured = False
            await self._safe(lambda: self.inbox.complete(row.id))

    def _report_misconfiguration(self, exc: ConfigurationError) -> None:
        if self._misconfigured:
            logger.debug("Inbound %s message dead-lettered: configuration error", self.channel)
            return
        self._misconfigured = True
        logger.error(
            "Configuration error: %s. Replies cannot be sent: inbound %s messages are "
            "dead-lettered, not retried, until the settings are fixed and Rasa restarted "
            "(logged once).",
            exc,
            self.channel,
        )

    async def _safe(self, call: Callable[[], object]) -> object:
        """Run an inbox update in a thread (never on the event loop); log a failure."""
        try:
            return await asyncio.to_thread(call)
        except Exception as exc:  # noqa: BLE001 - the lease brings the row back
            logger.error("Inbox update failed (%s); the lease will recover it", type(exc).__name__)
            return None
