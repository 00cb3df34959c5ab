"""Retries: Retry-After honoured, permanent errors raised at once, attempts bounded."""

from __future__ import annotations

import pytest

from bot.delivery.retries import Retry, RetryPolicy, send_with_retry


async def test_send_with_retry_honours_retry_after_and_stops_on_permanent():
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    attempts = {"n": 0}

    async def flaky() -> str:
        attempts["n"] += 1
        if attempts["n"] < 3:
            raise TimeoutError
        return "ok"

    def classify(exc: BaseException) -> Retry | None:
        return Retry(after=2.0) if isinstance(exc, TimeoutError) else None

    assert await send_with_retry(flaky, classify, sleep=fake_sleep) == "ok"
    assert sleeps == [2.0, 2.0]

    async def broken() -> str:
        raise ValueError("permanent")

    with pytest.raises(ValueError):
        await send_with_retry(broken, classify, sleep=fake_sleep)

    async def always_timeout() -> str:
        raise TimeoutError

    with pytest.raises(TimeoutError):
        await send_with_retry(
            always_timeout, lambda e: Retry(), policy=RetryPolicy(max_attempts=3), sleep=fake_sleep
        )
