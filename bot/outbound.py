"""Pacing and retries for outbound platform calls.

:class:`Pacer` keeps sends under the platforms' rate limits (a global token bucket plus
one per recipient); :func:`send_with_retry` retries transient failures (429, 5xx, network)
with exponential backoff, honouring a server-supplied ``retry_after``. A refusal of our own
credentials is a :class:`ConfigurationError`: never retried, the delivery is dead-lettered.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


class DeliveryError(RuntimeError):
    """A message could not be delivered (the reason never contains content or ids)."""


class ConfigurationError(DeliveryError):
    """The platform refused Lentera's own credentials (HTTP 401/403): retrying cannot help.

    Every send fails the same way until the settings are fixed, so the inbox worker logs it
    once and dead-letters the delivery instead of retrying it.

    Attributes:
        platform: ``"Telegram"`` or ``"WhatsApp"``.
        reason: What the platform answered (status and error code, never content or ids).
        settings: The settings to check.
    """

    def __init__(self, platform: str, reason: str, settings: tuple[str, ...]) -> None:
        super().__init__(
            f"{platform} refused Lentera's credentials ({reason}): check {', '.join(settings)}"
        )
        self.platform = platform
        self.reason = reason
        self.settings = settings


class TokenBucket:
    """Token bucket with reservations: each call takes one token, possibly in the future."""

    def __init__(
        self, rate: float, capacity: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Create a full bucket.

        Args:
            rate: Tokens added per second.
            capacity: Burst size.
            clock: Monotonic time source (tests).
        """
        self.rate = rate
        self.capacity = capacity
        self._tokens = capacity
        self._clock = clock
        self._stamp = clock()

    def reserve(self) -> float:
        """Take a token and return how many seconds to wait before using it."""
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        self._tokens -= 1
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def idle(self) -> bool:
        """True when the bucket has refilled completely (it may be dropped)."""
        return self._tokens + (self._clock() - self._stamp) * self.rate >= self.capacity


class Pacer:
    """Global plus per-recipient pacing, e.g. Telegram's 30 msg/s overall and 1/s per chat."""

    def __init__(
        self,
        *,
        global_rate: float,
        global_burst: float,
        per_key_rate: float,
        per_key_burst: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create the pacer (rates in messages per second, bursts in messages)."""
        self._clock = clock
        self._global = TokenBucket(global_rate, global_burst, clock=clock)
        self._per_key_rate = per_key_rate
        self._per_key_burst = per_key_burst
        self._keys: dict[str, TokenBucket] = {}

    def reserve(self, key: str) -> float:
        """Reserve a slot for one message to ``key``; return the seconds to wait."""
        bucket = self._keys.get(key)
        if bucket is None:
            if len(self._keys) > 50_000:
                self._keys = {k: b for k, b in self._keys.items() if not b.idle()}
            bucket = self._keys[key] = TokenBucket(
                self._per_key_rate, self._per_key_burst, clock=self._clock
            )
        return max(bucket.reserve(), self._global.reserve())

    async def wait(self, key: str) -> None:
        """Sleep until one more message to ``key`` is within the limits."""
        delay = self.reserve(key)
        if delay > 0:
            await asyncio.sleep(delay)


@dataclass(frozen=True)
class Retry:
    """Verdict of a classifier: retry, after ``after`` seconds if the server said so."""

    after: float | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff policy.

    Attributes:
        max_attempts: Total attempts including the first.
        base_delay: First backoff delay in seconds (doubled each time, with jitter).
        max_delay: Cap of one delay.
        max_retry_after: Longest server-requested wait we accept before giving up.
    """

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 20.0
    max_retry_after: float = 60.0

    def backoff(self, attempt: int) -> float:
        """Delay before attempt ``attempt + 1`` (attempt counts from 1)."""
        delay = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return delay * (0.5 + random.random() / 2)


async def send_with_retry(
    send: Callable[[], Awaitable[T]],
    classify: Callable[[BaseException], Retry | None],
    *,
    policy: RetryPolicy = RetryPolicy(),
    what: str = "send",
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Call ``send`` until it succeeds, retrying what ``classify`` calls transient.

    Args:
        send: Zero-argument coroutine factory performing one attempt.
        classify: Maps an exception to :class:`Retry` (transient) or None (permanent).
        policy: Backoff policy.
        what: Short label for logs (never message content).
        sleep: Sleep function (tests).

    Returns:
        What ``send`` returned.

    Raises:
        BaseException: The last error, when it is permanent or attempts are exhausted.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return await send()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - classified below
            verdict = classify(exc)
            if verdict is None or attempt >= policy.max_attempts:
                raise
            if verdict.after is not None:
                if verdict.after > policy.max_retry_after:
                    raise
                delay = verdict.after
            else:
                delay = policy.backoff(attempt)
            logger.warning(
                "%s failed (%s), retry %s/%s in %.2fs",
                what,
                type(exc).__name__,
                attempt,
                policy.max_attempts - 1,
                delay,
            )
            await sleep(delay)
