"""Builders for the storage and worker tests: the stores on one engine, one accepted delivery."""

from __future__ import annotations

from cryptography.fernet import Fernet

from bot.security.encryption import Cipher
from bot.storage.address_book import AddressBook
from bot.storage.engine import create_engine
from bot.storage.inbox import Inbox


def stores(database, clock=None):
    """The engine, an inbox and an address book on ``database``, with a fresh key."""
    engine = create_engine(database.url, schema=database.schema)
    cipher = Cipher([Fernet.generate_key().decode()])
    kwargs = {"clock": clock} if clock else {}
    return engine, Inbox(engine, cipher, **kwargs), AddressBook(engine, cipher, **kwargs)


def accept(inbox, key, sender="tg_a", owner="me:1:x", lease=60.0, **kwargs):
    """Accept one Telegram delivery whose payload is ``{"text": "rahasia"}``."""
    return inbox.accept(
        channel="telegram",
        dedup_key=key,
        sender_id=sender,
        payload={"text": "rahasia"},
        owner=owner,
        lease_seconds=lease,
        **kwargs,
    )
