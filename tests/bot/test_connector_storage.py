"""Inbox, address book, payload store and worker on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time

import sqlalchemy as sa
from cryptography.fernet import Fernet

from bot.delivery.worker import InboxWorker, owner_is_dead
from bot.security.encryption import Cipher
from bot.storage.address_book import AddressBook, UnknownRecipient
from bot.storage.engine import create_engine
from bot.storage.inbox import DEDUP_RETENTION_SECONDS, FAILED, MAX_ATTEMPTS, Inbox, InboxRow
from bot.storage.payloads import PayloadStore
from bot.storage.tables import address_table, inbox_table


def _stores(database, clock=None):
    engine = create_engine(database.url, schema=database.schema)
    cipher = Cipher([Fernet.generate_key().decode()])
    kwargs = {"clock": clock} if clock else {}
    return engine, Inbox(engine, cipher, **kwargs), AddressBook(engine, cipher, **kwargs)


def _accept(inbox, key, sender="tg_a", owner="me:1:x", lease=60.0, **kwargs):
    return inbox.accept(
        channel="telegram",
        dedup_key=key,
        sender_id=sender,
        payload={"text": "rahasia"},
        owner=owner,
        lease_seconds=lease,
        **kwargs,
    )


def test_inbox_accept_is_atomic_under_concurrent_duplicates(database):
    engine, inbox, _ = _stores(database)
    results: list[int | None] = []
    barrier = threading.Barrier(10)

    def deliver() -> None:
        barrier.wait()
        results.append(_accept(inbox, "same-delivery"))

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([r for r in results if r is not None]) == 1
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(inbox_table)).scalar() == 1


def test_inbox_payload_is_encrypted_and_erased_when_done(database):
    engine, inbox, _ = _stores(database)
    row_id = _accept(inbox, "k1")
    with engine.connect() as conn:
        stored = conn.execute(sa.select(inbox_table.c.payload)).scalar()
    assert "rahasia" not in stored
    inbox.complete(row_id)
    with engine.connect() as conn:
        assert conn.execute(sa.select(inbox_table.c.payload)).scalar() is None
    assert _accept(inbox, "k1") is None  # the dedup key outlives the payload


def test_inbox_released_rows_come_back_after_backoff_then_dead_letter(database):
    now = [1000.0]
    _, inbox, _ = _stores(database, clock=lambda: now[0])
    row_id = _accept(inbox, "k")
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
    _, inbox, _ = _stores(database, clock=lambda: now[0])
    _accept(inbox, "a", owner="host:1:x", lease=30)
    _accept(inbox, "b", owner="dead:2:y", lease=300)
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
    _, inbox, _ = _stores(database, clock=lambda: now[0])
    inbox.complete(_accept(inbox, "old"))
    _accept(inbox, "stuck")  # never processed: kept whatever its age
    now[0] += DEDUP_RETENTION_SECONDS - 60
    assert inbox.purge() == 0
    assert _accept(inbox, "old") is None  # replay six days later: still a duplicate
    now[0] += 120
    assert inbox.purge() == 1
    assert _accept(inbox, "old") is not None


def test_address_book_encrypts_and_keeps_latest_inbound_time(database):
    engine, inbox, book = _stores(database)

    def remember(at):
        return lambda conn: book.upsert_in(
            conn,
            sender_id="wa_x",
            channel="whatsapp",
            address="6281234567890",
            language="id",
            inbound_at=at,
        )

    _accept(inbox, "m1", also=remember(2000.0))
    _accept(inbox, "m2", also=remember(1000.0))  # an older retried delivery
    address = book.get("wa_x")
    assert address.address == "6281234567890" and address.last_inbound_at == 2000.0
    with engine.connect() as conn:
        stored = conn.execute(sa.select(address_table.c.address)).scalar()
    assert "6281234567890" not in stored
    book.set_choices("wa_x", ["/a", "/b"])
    assert book.choices("wa_x") == ["/a", "/b"]
    book.forget("wa_x")
    try:
        book.get("wa_x")
        raise AssertionError("expected UnknownRecipient")
    except UnknownRecipient:
        pass


def test_payload_store_shortens_and_expands(database):
    engine = create_engine(database.url, schema=database.schema)
    store = PayloadStore(engine)
    long_payload = '/inform{"country":"SA","city":"Riyadh","detail":"' + "x" * 80 + '"}'
    token = store.shorten(long_payload, 64)
    assert len(token.encode()) <= 64 and token.startswith("~")
    assert PayloadStore(engine).expand(token) == long_payload  # another process
    assert store.shorten("/affirm", 64) == "/affirm"
    assert store.expand("~unknown") == "~unknown"


async def test_worker_keeps_order_per_sender_and_retries_failures(sqlite_db):
    _, inbox, _ = _stores(sqlite_db)
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
