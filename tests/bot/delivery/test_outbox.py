"""The outbox worker with a stand-in ``deliver``: sent, refused, retried, and leases held."""

from __future__ import annotations

import asyncio

import pytest
from cryptography.fernet import Fernet

from bot.cases.models import OutboxItem
from bot.cases.outbox import Outbox
from bot.cases.store import CaseStore
from bot.delivery.errors import ConfigurationError
from bot.delivery.outbox import OutboxWorker, Refused
from bot.security.encryption import Cipher
from bot.storage.engine import create_engine


@pytest.fixture
def setup(database):
    engine = create_engine(database.url, schema=database.schema)
    cipher = Cipher([Fernet.generate_key().decode()])
    cases = CaseStore(engine, cipher)
    cases.create_organisation("Lentera Desk", [])
    case = cases.open_case(
        conversation_id="tg_worker",
        channel="telegram",
        language="id",
        country=None,
        city=None,
        problem=None,
        risk="normal",
        consent_version="v1",
        consent_at=0.0,
        summary=None,
        transcript=[],
    )
    cases.claim(case.id, 1)
    yield cases, Outbox(engine, cipher), case
    engine.dispose()


def delivery_statuses(cases: CaseStore, case_id: int) -> list[str | None]:
    return [m.delivery_status for m in cases.transcript(case_id)]


async def test_sent_refused_and_transient_outcomes(setup):
    cases, box, case = setup
    outcomes = iter(
        [None, Refused("blocked"), RuntimeError("down"), ConfigurationError("T", "401", ())]
    )
    seen: list[str] = []

    async def deliver(item: OutboxItem) -> None:
        seen.append(item.body)
        outcome = next(outcomes)
        if outcome is not None:
            raise outcome

    for n in range(4):
        cases.send_reply(case.id, 1, f"pesan {n}", client_token=str(n))
    worker = OutboxWorker(box, "telegram", deliver)
    assert await worker.run_once() == 4
    assert seen == ["pesan 0", "pesan 1", "pesan 2", "pesan 3"]
    assert delivery_statuses(cases, case.id) == ["sent", "failed", "queued", "queued"]
    assert box.status_counts() == {"sent": 1, "failed": 1, "queued": 2}
    assert await worker.run_once() == 0  # the two transient ones are backing off


async def test_a_slow_send_keeps_its_lease_so_no_other_worker_takes_it(setup):
    cases, box, case = setup
    cases.send_reply(case.id, 1, "pelan", client_token="slow")
    release = asyncio.Event()
    calls: list[str] = []

    async def slow(item: OutboxItem) -> None:
        calls.append("slow")
        await release.wait()

    async def other(item: OutboxItem) -> None:
        calls.append("other")

    # Leases of a second: short enough to expire twice, long enough that a loaded CI machine
    # still gets a heartbeat in (0.3 s failed once under a full test run on PostgreSQL).
    first = OutboxWorker(box, "telegram", slow, lease_seconds=1.0, owner="h:1:a")
    second = OutboxWorker(box, "telegram", other, lease_seconds=1.0, owner="h:2:b")
    running = asyncio.ensure_future(first.run_once())
    await asyncio.sleep(2.5)  # more than two leases long; the heartbeat extends it
    assert await second.run_once() == 0
    release.set()
    assert await running == 1
    assert calls == ["slow"] and box.status_counts() == {"sent": 1}


async def test_start_and_stop_deliver_within_a_second(setup):
    cases, box, case = setup
    delivered = asyncio.Event()

    async def deliver(item: OutboxItem) -> None:
        delivered.set()

    worker = OutboxWorker(box, "telegram", deliver)
    worker.start()
    worker.start()  # idempotent
    assert worker.running
    cases.send_reply(case.id, 1, "cepat", client_token="fast")
    await asyncio.wait_for(delivered.wait(), timeout=1.0)
    await worker.stop()
    assert not worker.running
