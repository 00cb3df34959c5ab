"""The outbox as storage: leases, exactly-once marking, crashed owners, give-up after retries."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from bot.cases.outbox import MAX_ATTEMPTS, Outbox
from bot.cases.tables import outbox
from tests.bot.cases.helpers import open_case


def claimed_case(stores, **overrides):
    store = stores.cases
    if not store.organisations():
        store.create_organisation("Lentera Desk", [])
    case = open_case(store, **overrides)
    store.claim(case.id, 1)
    return case


def test_a_queued_reply_is_leased_once_and_marked_sent_once(stores):
    case = claimed_case(stores)
    message_id = stores.cases.send_reply(case.id, 1, "Halo, saya Maria.", client_token="t")
    box = Outbox(stores.engine, stores.cipher, clock=stores.clock)
    assert box.has_due("telegram") and not box.has_due("whatsapp")
    [item] = box.lease(channel="telegram", owner="a", lease_seconds=30)
    assert (item.case_id, item.message_id, item.body) == (case.id, message_id, "Halo, saya Maria.")
    assert item.conversation_id == case.conversation_id and item.attempts == 0
    assert box.lease(channel="telegram", owner="b", lease_seconds=30) == []
    assert not box.has_due("telegram")
    assert box.sent(item.id, "a")
    assert not box.sent(item.id, "a")  # marking twice changes nothing
    assert box.lease(channel="telegram", owner="b", lease_seconds=30) == []
    [reply] = [m for m in stores.cases.transcript(case.id) if m.author == "caseworker"]
    assert reply.delivery_status == "sent"
    with stores.engine.connect() as conn:
        assert conn.execute(sa.select(outbox.c.body, outbox.c.status)).one() == (None, "sent")
    assert stores.cases.changes_since(case.organisation_id, 0)[-1].kind == "delivery"


def test_racing_workers_never_lease_the_same_row(stores):
    case = claimed_case(stores)
    for n in range(20):
        stores.cases.send_reply(case.id, 1, f"pesan {n}", client_token=f"t{n}")
    leased: dict[str, list[int]] = {"a": [], "b": [], "c": []}
    barrier = threading.Barrier(3)

    def work(owner: str) -> None:
        box = Outbox(stores.engine, stores.cipher, clock=stores.clock)
        barrier.wait()
        while True:
            items = box.lease(channel="telegram", owner=owner, lease_seconds=30, limit=3)
            if not items:
                return
            leased[owner] += [i.id for i in items]

    threads = [threading.Thread(target=work, args=(o,)) for o in leased]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    every = [i for ids in leased.values() for i in ids]
    assert len(every) == 20 and len(set(every)) == 20


def test_a_crashed_senders_row_is_sent_again_after_its_lease_and_only_that_row(stores):
    case = claimed_case(stores)
    stores.cases.send_reply(case.id, 1, "satu", client_token="1")
    stores.cases.send_reply(case.id, 1, "dua", client_token="2")
    box = Outbox(stores.engine, stores.cipher, clock=stores.clock)
    first, second = box.lease(channel="telegram", owner="dead", lease_seconds=30)
    box.sent(first.id, "dead")  # "dua" was in flight when the process was killed
    assert box.lease(channel="telegram", owner="new", lease_seconds=30) == []
    stores.clock.advance(31)
    [again] = box.lease(channel="telegram", owner="new", lease_seconds=30)
    assert (again.id, again.body, again.attempts) == (second.id, "dua", 1)
    assert not box.sent(again.id, "dead")  # the old owner lost it
    assert box.sent(again.id, "new")
    assert box.status_counts() == {"sent": 2}


def test_a_dead_owners_row_is_taken_over_at_once(stores):
    case = claimed_case(stores)
    stores.cases.send_reply(case.id, 1, "satu", client_token="1")
    box = Outbox(stores.engine, stores.cipher, clock=stores.clock)
    box.lease(channel="telegram", owner="host:1:dead", lease_seconds=300)
    assert box.sending_owners() == {"host:1:dead"}
    [item] = box.lease(
        channel="telegram", owner="host:2:new", lease_seconds=30, dead_owners={"host:1:dead"}
    )
    assert item.attempts == 1


def test_transient_failures_retry_with_backoff_then_fail_with_a_code(stores):
    case = claimed_case(stores)
    message_id = stores.cases.send_reply(case.id, 1, "satu", client_token="1")
    box = Outbox(stores.engine, stores.cipher, clock=stores.clock)
    attempts = 0
    while True:
        [item] = box.lease(channel="telegram", owner="a", lease_seconds=30)
        attempts = item.attempts + 1
        status = box.retry_later(item.id, "a", attempts=attempts, error="unavailable")
        if status == "failed":
            break
        assert box.lease(channel="telegram", owner="a", lease_seconds=30) == []  # backing off
        stores.clock.advance(300)
    assert attempts == MAX_ATTEMPTS
    with stores.engine.connect() as conn:
        row = conn.execute(sa.select(outbox.c.status, outbox.c.last_error, outbox.c.body)).one()
    assert tuple(row) == ("failed", "unavailable", None)
    [reply] = [m for m in stores.cases.transcript(case.id) if m.id == message_id]
    assert reply.delivery_status == "failed"


def test_an_item_answers_the_person_only_if_they_wrote_since_the_last_outbound_message(stores):
    case = claimed_case(stores)  # the transcript ends with the assistant's question
    cases, box = stores.cases, Outbox(stores.engine, stores.cipher, clock=stores.clock)

    def lease_one() -> bool:
        [item] = box.lease(channel="telegram", owner="a", lease_seconds=30)
        box.sent(item.id, "a")
        return item.answers_person

    cases.send_reply(case.id, 1, "Halo, saya Maria dari LSM.", client_token="1")
    assert lease_one() is False  # the first reply after a silence: Lentera writes first
    cases.add_message(case.id, "person", "iya kak")
    cases.send_reply(case.id, 1, "Baik, saya bantu.", client_token="2")
    assert lease_one() is True  # answers what the person just wrote
    cases.send_reply(case.id, 1, "Satu lagi: Anda di kota mana?", client_token="3")
    assert lease_one() is False  # a second message in a row
    cases.add_message(case.id, "person", "di Kowloon")
    cases.add_message(case.id, "system", "[emergency contacts sent]")
    cases.send_reply(case.id, 1, "Terima kasih.", client_token="4")
    cases.add_message(case.id, "person", "sama-sama")  # written while the reply waits
    assert lease_one() is True  # system lines do not count; later messages change nothing
