"""Pacing: a token bucket per chat and one for the whole bot, on an injected clock."""

from __future__ import annotations

import asyncio

import pytest

from bot.delivery.pacing import Pacer, TokenBucket


def test_token_bucket_paces_after_burst():
    now = [0.0]
    bucket = TokenBucket(rate=1.0, capacity=3, clock=lambda: now[0])
    assert [bucket.reserve() for _ in range(3)] == [0, 0, 0]
    assert bucket.reserve() == pytest.approx(1.0)
    assert bucket.reserve() == pytest.approx(2.0)
    now[0] = 10.0
    assert bucket.reserve() == 0


def test_pacer_applies_global_and_per_chat_limits():
    now = [0.0]
    pacer = Pacer(
        global_rate=30, global_burst=30, per_key_rate=1, per_key_burst=1, clock=lambda: now[0]
    )
    assert pacer.reserve("a") == 0
    assert pacer.reserve("a") == pytest.approx(1.0)  # 1 msg/s per chat
    waits = [pacer.reserve(f"chat{i}") for i in range(40)]
    assert max(waits) > 0.3  # beyond 30 msg/s overall


async def test_pacer_wait_sleeps_for_reserved_delay():
    pacer = Pacer(global_rate=100, global_burst=100, per_key_rate=20, per_key_burst=1)
    loop = asyncio.get_running_loop()
    start = loop.time()
    await pacer.wait("x")
    await pacer.wait("x")
    assert loop.time() - start >= 0.04
