"""Consent before storage through the real stack: REST in, Rasa's tracker store read directly.

The person's words reach the tracker store only after "boleh simpan", always encrypted, and
"jangan simpan chat saya" erases them again while the conversation goes on.
"""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa

from bot.security.encryption import Cipher
from devtools.stack import RasaStack

pytestmark = pytest.mark.stack
PASSPORT = "C7654321"
EMPLOYER = "Tan Ah Kow"


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def stored(stack: RasaStack, sender: str) -> tuple[list[str], str]:
    """The raw data column of the sender's events, and all of it decrypted."""
    engine = sa.create_engine(f"sqlite:///{stack.endpoints.parent / 'tracker.db'}")
    with engine.connect() as conn:
        raw = (
            conn.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
            )
            .scalars()
            .all()
        )
    engine.dispose()
    cipher = Cipher(stack.env["LENTERA_ENCRYPTION_KEYS"].split(","))
    return raw, "\n".join(json.dumps(json.loads(cipher.decrypt(r))) for r in raw)


def consent_row(stack: RasaStack, sender: str) -> tuple | None:
    engine = sa.create_engine(stack.env["LENTERA_DATABASE_URL"])
    with engine.connect() as conn:
        row = conn.execute(
            sa.text("SELECT agreed, version FROM storage_consents WHERE conversation_id = :s"),
            {"s": sender},
        ).first()
    engine.dispose()
    return None if row is None else tuple(row)


def test_words_are_kept_only_after_consent_and_erased_on_withdrawal(rasa_stack: RasaStack):
    sender = uuid.uuid4().hex
    first = texts(rasa_stack.rest(sender, f"halo kak, paspor sy {PASSPORT} ditahan majikan"))
    assert first.count("Soal privasi") == 1
    raw, plain = stored(rasa_stack, sender)
    assert raw and all(not r.lstrip().startswith("{") for r in raw)  # encrypted at rest
    assert PASSPORT not in plain and "paspor" not in plain  # no words without consent
    assert "report_document_withheld" in plain  # what the dialogue needs is kept

    kept = texts(rasa_stack.rest(sender, "boleh simpan"))
    assert "simpan terenkripsi" in kept and "Soal privasi" not in kept
    assert consent_row(rasa_stack, sender)[0] in (1, True)
    rasa_stack.rest(sender, f"majikan sy namanya Mrs {EMPLOYER}, sy di kuala lumpur")
    raw, plain = stored(rasa_stack, sender)
    assert EMPLOYER in plain and all(EMPLOYER not in r for r in raw)

    withdrawn = texts(rasa_stack.rest(sender, "jangan simpan chat saya"))
    assert "saya hapus" in withdrawn
    _, plain = stored(rasa_stack, sender)
    assert EMPLOYER not in plain and "jangan simpan" not in plain and PASSPORT not in plain
    assert consent_row(rasa_stack, sender)[0] in (0, False)
    slots = rasa_stack.tracker(sender)["slots"]
    assert slots["storage_consent"] is False and slots["country"] == "MY"
    # The help goes on, the same as before.
    assert "+60" in texts(rasa_stack.rest(sender, "nomor kbri kuala lumpur berapa"))


def test_emergency_numbers_come_before_any_notice(rasa_stack: RasaStack):
    sender = uuid.uuid4().hex
    first = rasa_stack.rest(sender, "tolong majikan mau bunuh saya sekarang di riyadh")
    assert "Soal privasi" not in texts(first)
    assert "911" in texts(first) or "999" in texts(first)
    assert "Soal privasi" in texts(rasa_stack.rest(sender, "sy sudah di kamar"))
