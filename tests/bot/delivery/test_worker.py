"""The inbox worker: order per sender, retries through the recovery loop, owner liveness.

A Rasa whose tracker store is down keeps the message without counting attempts.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

from bot.delivery.errors import TrackerStoreUnavailable
from bot.delivery.worker import InboxWorker, owner_is_dead
from bot.storage.inbox import MAX_ATTEMPTS, InboxRow
from tests.bot.storage.helpers import stores


async def test_worker_keeps_order_per_sender_and_retries_failures(sqlite_db):
    _, inbox, _ = stores(sqlite_db)
    seen: list[str] = []
    failures = {"b2": 1}

    async def handler(row: InboxRow) -> None:
        key = row.payload["key"]
        await asyncio.sleep(0.01 if key.endswith("1") else 0)
        if failures.get(key):
            failures[key] -= 1
            raise RuntimeError("boom")
        seen.append(key)

    worker = InboxWorker(inbox, "telegram", handler, poll_seconds=0.05)
    for key, sender in [("a1", "A"), ("b1", "B"), ("a2", "A"), ("b2", "B"), ("a3", "A")]:
        payload = {"key": key}
        row_id = inbox.accept(
            channel="telegram",
            dedup_key=key,
            sender_id=sender,
            payload=payload,
            owner=worker.owner,
            lease_seconds=60,
        )
        worker.submit(InboxRow(row_id, "telegram", sender, 0, payload))
    await worker.drain()
    assert [k for k in seen if k.startswith("a")] == ["a1", "a2", "a3"]
    assert "b2" not in seen
    # The failed row comes back through the recovery loop after its backoff.
    inbox._clock = lambda: time.time() + 1000  # jump past the backoff
    worker.start()
    for _ in range(100):
        if "b2" in seen:
            break
        await asyncio.sleep(0.02)
    await worker.stop()
    assert "b2" in seen
    assert inbox.status_counts() == {"done": 5}


def test_owner_liveness():
    me = f"host:{os.getpid()}:aaaa"
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert owner_is_dead(f"host:{proc.pid}:bbbb", me)
    assert owner_is_dead(f"host:{os.getpid()}:bbbb", me)  # an earlier incarnation
    assert not owner_is_dead(me, me)
    assert not owner_is_dead(f"otherhost:{proc.pid}:bbbb", me)
    assert not owner_is_dead("garbage", me)


async def test_two_instances_answer_one_persons_messages_in_the_order_sent(sqlite_db):
    _, inbox, _ = stores(sqlite_db)
    seen: list[str] = []

    async def handler(row: InboxRow) -> None:
        seen.append(row.payload["key"])

    slow = InboxWorker(inbox, "telegram", handler, poll_seconds=0.05, owner="host:1:slow")
    fast = InboxWorker(inbox, "telegram", handler, poll_seconds=0.05, owner="host:2:fast")
    rows = []
    for key, worker in [("m1", slow), ("m2", fast)]:
        payload = {"key": key}
        row_id = inbox.accept(
            channel="telegram",
            dedup_key=key,
            sender_id="A",
            payload=payload,
            owner=worker.owner,
            lease_seconds=60,
        )
        rows.append(InboxRow(row_id, "telegram", "A", 0, payload))
    # m2 reached the other instance while m1 is still in progress on the first: it waits.
    fast.submit(rows[1])
    await fast.drain()
    assert seen == []
    slow.submit(rows[0])
    await slow.drain()
    fast.start()  # the recovery loop brings m2 back once m1 is done
    for _ in range(100):
        if len(seen) == 2:
            break
        await asyncio.sleep(0.02)
    await fast.stop()
    assert seen == ["m1", "m2"]
    assert inbox.status_counts() == {"done": 2}


async def test_a_tracker_store_outage_keeps_the_message_however_long_it_lasts(sqlite_db):
    _, inbox, _ = stores(sqlite_db)
    outage = {"left": MAX_ATTEMPTS + 3}  # longer than the retries of an ordinary failure
    seen: list[str] = []

    async def handler(row: InboxRow) -> None:
        if outage["left"]:
            outage["left"] -= 1
            raise TrackerStoreUnavailable("OperationalError")
        seen.append(row.payload["key"])

    worker = InboxWorker(inbox, "telegram", handler, poll_seconds=0.02)
    payload = {"key": "k1"}
    row_id = inbox.accept(
        channel="telegram",
        dedup_key="k1",
        sender_id="A",
        payload=payload,
        owner=worker.owner,
        lease_seconds=60,
    )
    worker.submit(InboxRow(row_id, "telegram", "A", 0, payload))
    await worker.drain()
    clock = {"now": time.time()}
    inbox._clock = lambda: clock["now"]
    worker.start()
    for _ in range(300):
        if seen:
            break
        clock["now"] += TrackerStoreUnavailable.retry_seconds  # each retry comes due
        await asyncio.sleep(0.02)
    await worker.stop()
    assert seen == ["k1"] and inbox.status_counts() == {"done": 1}
