"""The load generator's pure parts (bench/load.py): senders, counting, percentiles.

The network is an httpx MockTransport; nothing here measures time.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter

import httpx
import pytest

from bench import load

POOL = (("hi", "sad", "no"), ("hello", "great", "bye"))


def test_conversations_never_repeat_a_sender():
    drawn = list(itertools.islice(load.conversations(POOL, seed=1), 2000))
    assert len({c.sender for c in drawn}) == len(drawn)
    assert all(c.turns in POOL for c in drawn)


def test_two_runs_get_different_senders_and_the_same_draw():
    first = list(itertools.islice(load.conversations(POOL, seed=7), 50))
    second = list(itertools.islice(load.conversations(POOL, seed=7), 50))
    assert {c.sender for c in first}.isdisjoint(c.sender for c in second)
    assert [c.turns for c in first] == [c.turns for c in second]


def test_summary_counts_successes_per_second_and_nearest_rank_percentiles():
    phase = load.Phase(clients=2, seconds=10.0, latencies=[i / 1000 for i in range(1, 101)])
    phase.failures.update({"empty reply": 3, "http 500": 1})
    summary = phase.summary()
    assert summary["msg_per_s"] == pytest.approx(10.0)  # 100 successful turns in 10 s
    assert summary["turns"] == 104 and summary["failures"] == 4
    assert summary["p50_ms"] == pytest.approx(50.0)
    assert summary["p95_ms"] == pytest.approx(95.0)


def test_summary_without_successes_has_no_latency():
    summary = load.Phase(clients=1, seconds=1.0).summary()
    assert summary["p50_ms"] is None and summary["p95_ms"] is None
    assert summary["msg_per_s"] == 0.0


async def test_failures_are_http_errors_empty_replies_and_rejected_replies():
    senders: Counter[str] = Counter()
    conversation_of: dict[str, tuple[str, ...]] = {}

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        senders[body["sender"]] += 1
        conversation_of.setdefault(body["sender"], ())
        conversation_of[body["sender"]] += (body["message"],)
        if body["message"] == "sad":
            return httpx.Response(500)
        if body["message"] == "great":
            return httpx.Response(200, json=[])
        if body["message"] == "bye":
            return httpx.Response(200, json=[{"text": "sorry, something broke"}])
        return httpx.Response(200, json=[{"text": "ok"}])

    phase = await load.run_phase(
        "http://bot",
        load.conversations(POOL, seed=3),
        clients=3,
        seconds=0.3,
        failed=lambda reply: reply[0]["text"].startswith("sorry"),
        transport=httpx.MockTransport(answer),
    )
    kinds = phase.failures
    assert kinds["http 500"] and kinds["empty reply"] and kinds["apology"]
    assert set(kinds) == {"http 500", "empty reply", "apology"}
    assert phase.turns == sum(senders.values())
    # every sender plays one conversation of the pool (or its start), and only that one
    by_first_turn = {turns[0]: turns for turns in POOL}
    for played in conversation_of.values():
        assert played == by_first_turn[played[0]][: len(played)]
