"""Delete my data, in Lentera's own stores: read back directly, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from bot.cases import CaseStore
from bot.cases.tables import case_messages, cases
from bot.privacy import erasure
from bot.privacy.consent import Consents
from bot.privacy.sent_log import SentLog
from bot.storage.tables import address_table, inbox_table
from tests.bot.storage.helpers import accept, stores

PERSON, OTHER = "tg_person", "tg_other"


def remember(engine, book, sender: str) -> None:
    with engine.begin() as conn:
        book.upsert_in(
            conn,
            sender_id=sender,
            channel="telegram",
            address="555001",
            language="id",
            inbound_at=1.0,
        )


def world(database):
    engine, inbox, book = stores(database)
    case_store = CaseStore(engine, book._cipher)  # noqa: SLF001 - the same key
    case_store.create_organisation("Lentera", (), default=True)
    for sender in (PERSON, OTHER):
        remember(engine, book, sender)
        case_store.open_case(
            conversation_id=sender,
            channel="telegram",
            language="id",
            country="HK",
            city="Wan Chai",
            problem="abuse",
            risk="normal",
            consent_version="v1",
            consent_at=1.0,
            summary="problem: abuse",
            transcript=[("person", "majikan memukul saya", 1.0)],
        )
    return engine, inbox, book, case_store


def rows(engine, table, column, value) -> list:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(table).where(column == value)))


def test_a_request_is_recorded_once_and_dropped_when_done(database):
    engine, *_ = stores(database)
    assert not erasure.pending(engine, PERSON)
    erasure.request_erasure(engine, PERSON, 10.0)
    erasure.request_erasure(engine, PERSON, 11.0)  # confirmed twice: one request
    assert erasure.pending(engine, PERSON)
    erasure.done(engine, PERSON)
    erasure.done(engine, PERSON)  # twice is fine
    assert not erasure.pending(engine, PERSON)


def test_every_trace_of_the_person_goes_and_nobody_elses(database):
    engine, inbox, book, case_store = world(database)
    handled = accept(inbox, "k1", sender=PERSON)
    inbox.complete(handled)
    Consents(engine).record(PERSON, True, 5.0)
    Consents(engine).record(OTHER, True, 5.0)
    current = accept(inbox, "k2", sender=PERSON)  # the confirmation being processed
    waiting = accept(inbox, "k3", sender=PERSON)
    inbox.release(waiting, 1, delay=0)  # arrived since, not yet answered: pending
    accept(inbox, "k4", sender=OTHER)
    erasure.erase_stores(
        PERSON,
        cases=case_store,
        addresses=book,
        inbox=inbox,
        sent=SentLog(engine),
        consents=Consents(engine),
    )

    assert rows(engine, address_table, address_table.c.sender_id, PERSON) == []
    assert rows(engine, cases, cases.c.conversation_id, PERSON) == []  # link cut
    [tombstone] = [c for c in case_store.cases_of(1) if c.closed_reason == "deleted"]
    assert tombstone.summary is None and tombstone.city is None
    with engine.connect() as conn:
        bodies = (
            conn.execute(
                sa.select(case_messages.c.body).where(case_messages.c.case_id == tombstone.id)
            )
            .scalars()
            .all()
        )
    assert bodies and all(b is None for b in bodies)
    actions = [r.action for r in case_store.audit_rows(case_id=tombstone.id)]
    assert "deleted_at_persons_request" in actions
    left = {r.id for r in rows(engine, inbox_table, inbox_table.c.sender_id, PERSON)}
    assert left == {waiting}  # a message that arrived since is still answered
    inbox.complete(current)  # the turn ends after the erasure: nothing comes back
    assert rows(engine, inbox_table, inbox_table.c.id, current) == []

    assert Consents(engine).get(PERSON) is None
    # The other person keeps everything.
    assert Consents(engine).get(OTHER) is not None
    assert rows(engine, address_table, address_table.c.sender_id, OTHER) != []
    assert case_store.active_case(OTHER) is not None


def test_erasing_twice_is_harmless(database):
    engine, inbox, book, case_store = world(database)
    erasure.erase_stores(
        PERSON,
        cases=case_store,
        addresses=book,
        inbox=inbox,
        sent=SentLog(engine),
        consents=Consents(engine),
    )
    erasure.erase_stores(
        PERSON,
        cases=case_store,
        addresses=book,
        inbox=inbox,
        sent=SentLog(engine),
        consents=Consents(engine),
    )
    assert case_store.active_case(PERSON) is None
