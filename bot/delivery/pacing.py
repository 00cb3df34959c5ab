"""Pacing for outbound platform calls.

A global token bucket plus one per recipient keep sends under the platforms' rate limits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


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
