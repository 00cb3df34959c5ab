"""Process-wide connector state shared by the channels: database, cipher, stores.

Built lazily from :class:`bot.settings.Settings` (never at import time) and shared by the
Telegram and WhatsApp connectors of one process, so they use one engine.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from bot.cases.outbox import Outbox
from bot.cases.store import CaseStore
from bot.privacy.consent import Consents
from bot.privacy.sent_log import SentLog
from bot.security.encryption import Cipher
from bot.security.pseudonyms import delivery_key, pseudonym
from bot.settings import Settings
from bot.storage.address_book import AddressBook
from bot.storage.engine import create_engine
from bot.storage.inbox import Inbox
from bot.storage.payloads import PayloadStore

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Shared stores and secrets.

    Attributes:
        settings: The settings it was built from.
        engine: Connector database engine.
        cipher: Encryption at rest.
        inbox: Durable deduplicated inbound messages.
        addresses: Encrypted pseudonym -> address book.
        payloads: Long button payload tokens.
        cases: The case store (is a caseworker handling this conversation?).
        outbox: Case messages waiting to be delivered.
        sent: Ids of the assistant's recent messages (the safe word deletes them).
        consents: Answers to the storage notice.
    """

    settings: Settings
    engine: Engine
    cipher: Cipher
    inbox: Inbox
    addresses: AddressBook
    payloads: PayloadStore
    secret_key: str
    cases: CaseStore
    outbox: Outbox
    sent: SentLog
    consents: Consents

    def pseudonym(self, channel: str, user_id: str | int) -> str:
        """Pseudonymous sender id of a platform user."""
        return pseudonym(self.secret_key, channel, user_id)

    def delivery_key(self, channel: str, delivery_id: str | int) -> str:
        """Dedup key of a platform delivery."""
        return delivery_key(self.secret_key, channel, delivery_id)


_lock = threading.Lock()
_runtimes: dict[tuple[str, str], Runtime] = {}


def build_runtime(settings: Settings, *, channel: str, schema: str | None = None) -> Runtime:
    """Return the shared runtime for these settings, creating it on first use.

    Args:
        settings: Loaded settings.
        channel: Channel asking (for the error message when secrets are missing).
        schema: Database schema for the tables (tests).

    Raises:
        bot.settings.SettingsError: If the secrets are missing or malformed.
    """
    secret_key, keys = settings.require_secrets(channel)
    cache_key = (settings.database_url + "|" + (schema or ""), secret_key + "|" + ",".join(keys))
    with _lock:
        runtime = _runtimes.get(cache_key)
        if runtime is None:
            cipher = Cipher(keys)
            engine = create_engine(settings.database_url, schema=schema)
            runtime = Runtime(
                settings=settings,
                engine=engine,
                cipher=cipher,
                inbox=Inbox(engine, cipher),
                addresses=AddressBook(engine, cipher),
                payloads=PayloadStore(engine),
                secret_key=secret_key,
                cases=CaseStore(engine, cipher),
                outbox=Outbox(engine, cipher),
                sent=SentLog(engine),
                consents=Consents(engine),
            )
            _runtimes[cache_key] = runtime
        return runtime


def reset_runtimes() -> None:
    """Forget cached runtimes (tests that simulate a process restart)."""
    with _lock:
        for runtime in _runtimes.values():
            runtime.engine.dispose()
        _runtimes.clear()
