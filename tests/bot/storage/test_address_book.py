"""The address book: encrypted addresses, the latest inbound time, shared expiring choices."""

from __future__ import annotations

import sqlalchemy as sa
from cryptography.fernet import Fernet

from bot.security.encryption import Cipher
from bot.storage.address_book import CHOICES_SECONDS, AddressBook, UnknownRecipient
from bot.storage.engine import create_engine
from bot.storage.tables import address_table
from tests.bot.storage.helpers import accept, stores

KEY = Fernet.generate_key().decode()


def _book(database, clock=None):
    """A book on its own engine: a separate "process" on the same database."""
    engine = create_engine(database.url, schema=database.schema)
    kwargs = {"clock": clock} if clock else {}
    return engine, AddressBook(engine, Cipher([KEY]), **kwargs)


def _add(engine, book, sender_id="wa_x"):
    with engine.begin() as conn:
        book.upsert_in(
            conn,
            sender_id=sender_id,
            channel="whatsapp",
            address="6281234567890",
            language="id",
            inbound_at=1000.0,
        )


def test_choices_are_shared_by_processes_and_survive_a_restart(database):
    engine_a, book_a = _book(database)
    engine_b, book_b = _book(database)
    _add(engine_a, book_a)
    book_a.set_choices("wa_x", ['/inform{"country":"SA"}', "/deny"])
    assert book_b.choices("wa_x") == ['/inform{"country":"SA"}', "/deny"]
    engine_a.dispose()
    _, restarted = _book(database)
    assert restarted.choices("wa_x") == ['/inform{"country":"SA"}', "/deny"]
    book_b.clear_choices("wa_x")
    assert restarted.choices("wa_x") == []
    assert book_b.choices("wa_x") == []


def test_choices_are_encrypted_at_rest(database):
    engine, book = _book(database)
    _add(engine, book)
    book.set_choices("wa_x", ['/inform{"country":"SA"}'])
    with engine.connect() as conn:
        stored = conn.execute(sa.select(address_table.c.choices)).scalar()
    # Quoted, as the JSON holds them: base64 ciphertext has no quotes, but may spell "SA".
    assert stored and '"country"' not in stored and '"SA"' not in stored
    assert book.choices("wa_x") == ['/inform{"country":"SA"}']


def test_choices_expire_after_a_day(database):
    now = [10_000.0]
    engine, book = _book(database, clock=lambda: now[0])
    _add(engine, book)
    book.set_choices("wa_x", ["/a", "/b"])
    now[0] += CHOICES_SECONDS - 1
    assert book.choices("wa_x") == ["/a", "/b"]
    now[0] += 1
    assert book.choices("wa_x") == []


def test_clearing_touches_only_rows_with_choices(database):
    engine, book = _book(database)
    _add(engine, book, "wa_x")
    _add(engine, book, "wa_y")
    book.set_choices("wa_x", ["/a"])
    book.set_choices("wa_y", [])  # an empty list clears, like None
    updated: list[int] = []
    sa.event.listen(
        engine.engine,
        "after_cursor_execute",
        lambda _c, cursor, statement, *_: (
            updated.append(cursor.rowcount) if statement.startswith("UPDATE") else None
        ),
    )
    book.clear_choices("wa_y")
    book.clear_choices("wa_x")
    book.clear_choices("wa_x")
    assert updated == [0, 1, 0]
    assert book.choices("wa_x") == book.choices("wa_y") == []


def test_unreadable_choices_count_as_none(database):
    engine, book = _book(database)
    _add(engine, book)
    book.set_choices("wa_x", ["/a"])
    other = AddressBook(engine, Cipher([Fernet.generate_key().decode()]))
    assert other.choices("wa_x") == []
    assert book.choices("wa_x") == ["/a"]


def test_address_book_encrypts_and_keeps_latest_inbound_time(database):
    engine, inbox, book = stores(database)

    def remember(at):
        return lambda conn: book.upsert_in(
            conn,
            sender_id="wa_x",
            channel="whatsapp",
            address="6281234567890",
            language="id",
            inbound_at=at,
        )

    accept(inbox, "m1", also=remember(2000.0))
    accept(inbox, "m2", also=remember(1000.0))  # an older retried delivery
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


def test_last_inbound_at_reads_the_window_without_the_address(database):
    from bot.storage.address_book import last_inbound_at

    engine = create_engine(database.url, schema=database.schema)
    book = AddressBook(engine, Cipher([Fernet.generate_key().decode()]))
    assert last_inbound_at(engine, "nobody") is None
    with engine.begin() as conn:
        book.upsert_in(
            conn,
            sender_id="p1",
            channel="whatsapp",
            address="6281200000000",
            language="id",
            inbound_at=1234.5,
        )
    assert last_inbound_at(engine, "p1") == 1234.5
