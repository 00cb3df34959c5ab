"""Delivers the outbox: caseworker replies and the resume message, through the person's channel.

The console only writes rows (:meth:`bot.cases.store.CaseStore.send_reply`); this worker, one
per enabled channel in the Rasa process, leases its channel's due rows every
:data:`POLL_SECONDS` (one cheap indexed query when there is nothing to do), sends each through
the channel's ``deliver`` function and marks it:

- delivered: ``sent``;
- refused for good (:class:`Refused`: the person blocked the bot, no address, WhatsApp's
  24-hour window closed): ``failed`` with the refusal's code, at once;
- anything else (the platform unavailable after the sender's own retries, our credentials
  refused): back to ``queued`` with a backoff, ``failed`` after
  :data:`bot.cases.outbox.MAX_ATTEMPTS`.

A row is leased before it is sent and its lease extended while the send lasts, so a process
killed mid-send leaves only that row to be sent again, by whichever process sees its lease
expire (or at once, by a process on the same host that finds its owner dead).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from bot.cases.models import OutboxItem
from bot.cases.outbox import Outbox
from bot.delivery.errors import ConfigurationError, DeliveryError
from bot.delivery.worker import make_owner, owner_is_dead

logger = logging.getLogger(__name__)

Deliver = Callable[[OutboxItem], Awaitable[None]]

POLL_SECONDS = 0.25
DEAD_OWNER_CHECK_SECONDS = 5.0


class Refused(DeliveryError):
    """The platform will never take this message; retrying cannot help.

    Attributes:
        code: Short reason stored as ``last_error`` (``blocked``, ``no_address``,
            ``outside_24h_window``, ...), never content or ids.
    """

    def __init__(self, code: str) -> None:
        super().__init__(f"message refused: {code}")
        self.code = code


class OutboxWorker:
    """Sends one channel's outbox rows from the running event loop."""

    def __init__(
        self,
        outbox: Outbox,
        channel: str,
        deliver: Deliver,
        *,
        lease_seconds: float = 120.0,
        poll_seconds: float = POLL_SECONDS,
        owner: str | None = None,
    ) -> None:
        """Create the worker (nothing runs until :meth:`start` or :meth:`run_once`).

        Args:
            outbox: Outbox store.
            channel: Channel whose rows this worker sends.
            deliver: Sends one item; raises :class:`Refused` for a permanent refusal and
                anything else for a transient failure.
            lease_seconds: How long a leased row is this worker's without a heartbeat.
            poll_seconds: Interval between looks at the outbox.
            owner: Lease identity (default: host, pid and a random nonce).
        """
        self.outbox = outbox
        self.channel = channel
        self.deliver = deliver
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.owner = owner or make_owner()
        self._task: asyncio.Task[None] | None = None
        self._last_dead_check = float("-inf")
        self._misconfigured = False

    @property
    def running(self) -> bool:
        """True while the polling loop runs."""
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start polling (idempotent; needs a running event loop)."""
        if not self.running:
            self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        """Stop polling; a send in progress is cancelled and its lease brings it back."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - keep delivering whatever happens
                logger.warning("Outbox pass failed: %s", type(exc).__name__)
            await asyncio.sleep(self.poll_seconds)

    async def run_once(self) -> int:
        """Lease and send what is due once; return how many rows were attempted."""
        dead: set[str] = set()
        now = time.monotonic()
        if now - self._last_dead_check >= DEAD_OWNER_CHECK_SECONDS:
            self._last_dead_check = now
            owners = await asyncio.to_thread(self.outbox.sending_owners)
            dead = {o for o in owners if owner_is_dead(o, self.owner)}
        if not dead and not await asyncio.to_thread(self.outbox.has_due, self.channel):
            return 0
        items = await asyncio.to_thread(
            lambda: self.outbox.lease(
                channel=self.channel,
                owner=self.owner,
                lease_seconds=self.lease_seconds,
                dead_owners=dead,
            )
        )
        for item in items:  # one at a time: replies to one person keep their order
            await self._send(item)
        return len(items)

    async def _send(self, item: OutboxItem) -> None:
        try:
            await self._with_heartbeat(item)
        except asyncio.CancelledError:
            raise
        except Refused as exc:
            logger.warning("Case message on %s not deliverable: %s", self.channel, exc.code)
            await asyncio.to_thread(self.outbox.fail, item.id, exc.code, self.owner)
        except ConfigurationError as exc:
            if not self._misconfigured:
                logger.error("Case messages cannot be sent: %s (logged once)", exc)
            self._misconfigured = True
            await self._retry(item, "configuration")
        except Exception as exc:  # noqa: BLE001 - anything else is worth another try
            logger.warning(
                "Case message on %s not delivered (%s); will retry",
                self.channel,
                type(exc).__name__,
            )
            await self._retry(item, "unavailable")
        else:
            self._misconfigured = False
            await asyncio.to_thread(self.outbox.sent, item.id, self.owner)

    async def _retry(self, item: OutboxItem, code: str) -> None:
        status = await asyncio.to_thread(
            lambda: self.outbox.retry_later(
                item.id, self.owner, attempts=item.attempts + 1, error=code
            )
        )
        if status == "failed":
            logger.error("Case message on %s given up after retries (%s)", self.channel, code)

    async def _with_heartbeat(self, item: OutboxItem) -> None:
        send = asyncio.ensure_future(self.deliver(item))
        try:
            while True:
                done, _ = await asyncio.wait({send}, timeout=self.lease_seconds / 3)
                if done:
                    send.result()
                    return
                await asyncio.to_thread(
                    self.outbox.heartbeat, [item.id], self.owner, self.lease_seconds
                )
        finally:
            if not send.done():
                send.cancel()
