"""The inbox on SQLite and PostgreSQL: atomic dedup, encrypted payloads, leases, purge."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from bot.storage.inbox import DEDUP_RETENTION_SECONDS, FAILED, MAX_ATTEMPTS
from bot.storage.tables import inbox_table
from tests.bot.storage.helpers import accept, stores


def test_inbox_accept_is_atomic_under_concurrent_duplicates(database):
    engine, inbox, _ = stores(database)
    results: list[int | None] = []
    barrier = threading.Barrier(10)

    def deliver() -> None:
        barrier.wait()
        results.append(accept(inbox, "same-delivery"))

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([r for r in results if r is not None]) == 1
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(inbox_table)).scalar() == 1


def test_inbox_payload_is_encrypted_and_erased_when_done(database):
    engine, inbox, _ = stores(database)
    row_id = accept(inbox, "k1")
    with engine.connect() as conn:
        stored = conn.execute(sa.select(inbox_table.c.payload)).scalar()
    assert "rahasia" not in stored
    inbox.complete(row_id)
    with engine.connect() as conn:
        assert conn.execute(sa.select(inbox_table.c.payload)).scalar() is None
    assert accept(inbox, "k1") is None  # the dedup key outlives the payload


def test_inbox_released_rows_come_back_after_backoff_then_dead_letter(database):
    now = [1000.0]
    _, inbox, _ = stores(database, clock=lambda: now[0])
    row_id = accept(inbox, "k")
    inbox.release(row_id, 1)
    assert inbox.claim_due(channel="telegram", owner="o:1:a", lease_seconds=60) == []
    now[0] += 10
    rows = inbox.claim_due(channel="telegram", owner="o:1:a", lease_seconds=60)
    assert [r.payload for r in rows] == [{"text": "rahasia"}]
    assert inbox.claim_due(channel="whatsapp", owner="o:1:a", lease_seconds=60) == []
    assert inbox.release(row_id, MAX_ATTEMPTS) == FAILED
    now[0] += 10_000
    assert inbox.claim_due(channel="telegram", owner="o:1:a", lease_seconds=60) == []


def test_inbox_expired_lease_and_dead_owner_are_reclaimed_once(database):
    now = [1000.0]
    _, inbox, _ = stores(database, clock=lambda: now[0])
    accept(inbox, "a", owner="host:1:x", lease=30)
    accept(inbox, "b", owner="dead:2:y", lease=300)
    assert inbox.claim_due(channel="telegram", owner="me:3:z", lease_seconds=60) == []
    claimed = inbox.claim_due(
        channel="telegram", owner="me:3:z", lease_seconds=60, dead_owners={"dead:2:y"}
    )
    assert len(claimed) == 1 and claimed[0].recovered and claimed[0].attempts == 1
    now[0] += 31
    claimed = inbox.claim_due(channel="telegram", owner="me:3:z", lease_seconds=60)
    assert len(claimed) == 1
    # Another process cannot take rows this one holds.
    assert inbox.claim_due(channel="telegram", owner="other:4:w", lease_seconds=60) == []


def test_inbox_purge_keeps_dedup_keys_for_seven_days(database):
    now = [10_000_000.0]
    _, inbox, _ = stores(database, clock=lambda: now[0])
    inbox.complete(accept(inbox, "old"))
    accept(inbox, "stuck")  # never processed: kept whatever its age
    now[0] += DEDUP_RETENTION_SECONDS - 60
    assert inbox.purge() == 0
    assert accept(inbox, "old") is None  # replay six days later: still a duplicate
    now[0] += 120
    assert inbox.purge() == 1
    assert accept(inbox, "old") is not None


def test_a_later_message_waits_only_for_an_earlier_one_that_is_about_to_be_answered(database):
    now = [1000.0]
    _, inbox, _ = stores(database, clock=lambda: now[0])
    first = accept(inbox, "k1", sender="tg_a")
    second = accept(inbox, "k2", sender="tg_a")
    other = accept(inbox, "k3", sender="tg_b")
    assert inbox.waits_for_earlier(second, "telegram", "tg_a")  # the first is in progress
    assert not inbox.waits_for_earlier(first, "telegram", "tg_a")
    assert not inbox.waits_for_earlier(other, "telegram", "tg_b")  # another person
    inbox.release(first, 1, delay=2.0)  # retried in 2 s: still waited for
    assert inbox.waits_for_earlier(second, "telegram", "tg_a")
    inbox.release(first, 5, delay=300.0)  # failing again and again: not waited for
    assert not inbox.waits_for_earlier(second, "telegram", "tg_a")
    inbox.complete(first)
    assert not inbox.waits_for_earlier(second, "telegram", "tg_a")
