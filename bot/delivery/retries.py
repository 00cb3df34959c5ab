"""Retries for outbound platform calls.

Transient failures (429, 5xx, network) are retried with exponential backoff, honouring a
server-supplied ``retry_after``.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


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
