"""Delete my data: what is erased, in which order, and the request that carries it.

The action server records the request (:func:`request_erasure`) when the person confirms;
the Rasa process, once the confirmation is delivered, erases (:func:`erase_stores`) and Rasa's
tracker store (``bot/channels/erasure.py``), then :func:`done`. A request that survives a
crash is carried out on the person's next message. Erased:

- the case store: every case of the conversation becomes a content-free tombstone with the
  audit row "deleted at the person's request" (:meth:`bot.cases.CaseStore.forget_conversation`);
- the address book: the encrypted platform id, language and numbered choices;
- the inbox: the conversation's handled rows (messages still waiting are answered);
- the ids of the assistant's recent messages (kept for the safe word);
- the answer to the storage notice (asked again if the person writes again);
- Rasa's tracker store: every event of the sender id.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.cases import CaseStore
from bot.privacy.consent import Consents
from bot.privacy.sent_log import SentLog
from bot.privacy.tables import erasure_requests
from bot.storage.address_book import AddressBook
from bot.storage.inbox import Inbox


def request_erasure(engine: Engine, conversation_id: str, now: float) -> None:
    """Record that the person asked to be forgotten (idempotent)."""
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.insert(erasure_requests).values(
                    conversation_id=conversation_id, requested_at=now
                )
            )
    except IntegrityError:
        pass  # asked twice: one request


def pending(engine: Engine, conversation_id: str) -> bool:
    """True while an erasure of this conversation is still to be done."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(erasure_requests.c.conversation_id).where(
                erasure_requests.c.conversation_id == conversation_id
            )
        ).first()
    return row is not None


def erase_stores(
    conversation_id: str,
    *,
    cases: CaseStore,
    addresses: AddressBook,
    inbox: Inbox,
    sent: SentLog,
    consents: Consents,
) -> None:
    """Erase the conversation from Lentera's own stores (the tracker store is the caller's)."""
    cases.forget_conversation(conversation_id)
    addresses.forget(conversation_id)
    inbox.forget_handled(conversation_id)
    sent.forget(conversation_id)
    consents.forget(conversation_id)


def done(engine: Engine, conversation_id: str) -> None:
    """The erasure is complete: drop the request."""
    with engine.begin() as conn:
        conn.execute(
            sa.delete(erasure_requests).where(erasure_requests.c.conversation_id == conversation_id)
        )
