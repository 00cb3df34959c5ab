"""A person reaches a caseworker through the same chat, end to end through the real stack.

Rasa + the action server (trained model) + the console process, with Telegram and WhatsApp
pointed at the loopback fakes. The worker types free text; the caseworker uses the console
over HTTP as a browser would (login form, CSRF tokens, cookies). Checked along the way: no
case before consent, the case arrives with the transcript, the assistant is silent while a
person handles it, the safe-contact answer is read and confirmed, a danger phrase still gets
the contacts at once, the reply reaches the right chat exactly once, and "return to
assistant" gives the person the bot back.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.storage.engine import create_engine
from bot.storage.tables import address_table, inbox_table
from bot.texts import text
from devtools.conversations import sender_id, wait_quiet
from tests.helpers.handoff import (
    ORGANISATION,
    HandoffStack,
    handoff_stack,
    new_texts,
    texts_to,
    tg_say,
    wa_say,
    wait_until,
    whatsapp_texts,
)

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HandoffStack]:
    with handoff_stack(tmp_path_factory.mktemp("handoff")) as running:
        yield running


def test_worker_reaches_a_caseworker_and_gets_the_bot_back(stack) -> None:
    rasa, telegram, _whatsapp, console = stack
    chat = 810_000_000 + int(time.time()) % 1_000_000

    tg_say(rasa, chat, "majikan sy mukul sy kak, sy di hong kong")
    new_texts(telegram, chat, 0)
    count = len(texts_to(telegram, chat))
    tg_say(rasa, chat, "boleh simpan")  # the storage notice of the first reply: yes
    new_texts(telegram, chat, count)
    count = len(texts_to(telegram, chat))
    tg_say(rasa, chat, "sy mau ngomong sama petugas aja")
    consent = "\n".join(new_texts(telegram, chat, count))
    assert ORGANISATION in consent  # says with whom, and for how long
    assert console.refs() == set()  # no case before consent

    count = len(texts_to(telegram, chat))
    tg_say(rasa, chat, "iya boleh")
    opened = "\n".join(new_texts(telegram, chat, count))
    assert ORGANISATION in opened
    [ref] = wait_until(console.refs, 5, "the case in the queue")  # type: ignore[misc]
    page = console.page(f"/cases/{ref}")
    assert "sy mau ngomong sama petugas aja" in page  # the transcript since "boleh simpan"
    assert "majikan sy mukul sy kak" not in page  # written before consent: never kept
    assert "abuse" in page  # what the dialogue knew is in the summary
    assert "simpan terenkripsi" in page  # the assistant's turns too (its storage answer)
    assert str(chat) not in page  # never the chat id
    assert text("contact_question", "id") in opened  # safe contact: asked as the case opens
    assert "Contact first" in page and "not answered" in page

    # The answer comes during the case: recorded once, confirmed in one line, shown.
    count = len(texts_to(telegram, chat))
    tg_say(rasa, chat, "jangan hubungi duluan kak")
    assert new_texts(telegram, chat, count) == [text("contact_refused", "id")]
    wait_until(
        lambda: "refused: no caseworker may write first" in console.page(f"/cases/{ref}"),
        5,
        "the safe-contact answer on the case page",
    )

    # While the case waits, the person writes: it reaches the case, the bot stays silent.
    count = len(texts_to(telegram, chat))
    tg_say(rasa, chat, "kak sy takut, dia marah2 terus")
    wait_until(lambda: "dia marah2 terus" in console.page(f"/cases/{ref}"), 5, "message")
    time.sleep(2.0)
    assert texts_to(telegram, chat)[count:] == []

    # The caseworker claims and replies; the reply reaches this chat exactly once.
    assert console.post(f"/cases/{ref}/claim").status_code in (200, 303)
    console.page(f"/cases/{ref}")
    reply = "Halo, saya Rina dari tim pendamping. Apakah Anda bisa bicara sekarang?"
    assert console.post(f"/cases/{ref}/reply", text=reply, client_token="t-1").status_code in (
        200,
        303,
    )
    wait_until(lambda: reply in texts_to(telegram, chat), 10, "the caseworker's reply")
    time.sleep(1.0)
    assert texts_to(telegram, chat).count(reply) == 1

    # A danger phrase during the handoff still gets the emergency contacts at once.
    count = len(texts_to(telegram, chat))
    tg_say(rasa, chat, "tolong dia mau bunuh sy sekarang")
    danger = "\n".join(new_texts(telegram, chat, count, timeout=10))
    assert "999" in danger  # Hong Kong's emergency number, from the directory
    assert "urgent" in console.page(f"/cases/{ref}").lower()

    # Return to the assistant: one short message, then the bot answers again.
    count = len(texts_to(telegram, chat))
    console.page(f"/cases/{ref}")
    assert console.post(f"/cases/{ref}/return").status_code in (200, 303)
    back = new_texts(telegram, chat, count, timeout=10)
    assert len(back) == 1
    count = len(texts_to(telegram, chat))
    tg_say(rasa, chat, "makasih kak, nomor kbri hk berapa ya?")
    assert new_texts(telegram, chat, count)  # the assistant answers again


def test_declining_consent_leaves_no_case_and_gives_contacts(stack) -> None:
    rasa, _telegram, whatsapp, console = stack
    wa_id = f"62813{int(time.time() * 1000) % 100_000_000:08d}"
    before = console.refs()
    wa_say(rasa, wa_id, "can I talk to a real person please")
    wait_quiet(lambda: len(whatsapp_texts(whatsapp, wa_id)), quiet=2.0, timeout=20)
    assert ORGANISATION in "\n".join(whatsapp_texts(whatsapp, wa_id))
    count = len(whatsapp_texts(whatsapp, wa_id))
    wa_say(rasa, wa_id, "no thanks")
    wait_until(lambda: len(whatsapp_texts(whatsapp, wa_id)) > count, 20, "the contacts")
    wait_quiet(lambda: len(whatsapp_texts(whatsapp, wa_id)), quiet=2.0, timeout=20)
    answer = "\n".join(whatsapp_texts(whatsapp, wa_id)[count:])
    assert re.search(r"\d{3}", answer)  # a number to call instead
    assert console.refs() == before
    assert sender_id(rasa.env, "whatsapp", wa_id) not in console.page("/cases")


def test_delete_my_data_erases_every_store_and_says_how_to_clear_the_phone(stack) -> None:
    rasa, telegram, _whatsapp, console = stack
    chat = 820_000_000 + int(time.time()) % 1_000_000
    sender = sender_id(rasa.env, "telegram", chat)
    tg_say(rasa, chat, "paspor sy ditahan majikan, sy di hong kong")
    new_texts(telegram, chat, 0)
    count = len(texts_to(telegram, chat))
    tg_say(rasa, chat, "tolong hapus data saya")
    new_texts(telegram, chat, count)
    count = len(texts_to(telegram, chat))
    tg_say(rasa, chat, "iya hapus")
    confirmed = "\n".join(new_texts(telegram, chat, count))
    assert "Telegram" in confirmed  # how to clear the chat on the phone too

    workdir = Path(rasa.env["LENTERA_DATABASE_URL"].removeprefix("sqlite:///")).parent
    tracker_db = sa.create_engine(f"sqlite:///{workdir / 'tracker.db'}")
    lentera_db = create_engine(rasa.env["LENTERA_DATABASE_URL"])

    def gone() -> bool:
        with tracker_db.connect() as conn:
            left = conn.execute(
                sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}
            ).scalar()
        with lentera_db.connect() as conn:
            address = conn.execute(
                sa.select(address_table).where(address_table.c.sender_id == sender)
            ).first()
            inbox = conn.execute(
                sa.select(inbox_table).where(inbox_table.c.sender_id == sender)
            ).first()
        return left == 0 and address is None and inbox is None

    wait_until(gone, 10, "every store to forget the person")
    # The person can start again at once, as someone new.
    count = len(texts_to(telegram, chat))
    tg_say(rasa, chat, "halo")
    assert new_texts(telegram, chat, count)


def test_delete_my_data_during_a_handoff_asks_then_leaves_a_tombstone(stack) -> None:
    rasa, telegram, _whatsapp, console = stack
    chat = 830_000_000 + int(time.time()) % 1_000_000
    sender = sender_id(rasa.env, "telegram", chat)
    tg_say(rasa, chat, "majikan sy mukul sy, sy di hong kong")
    new_texts(telegram, chat, 0)
    count = len(texts_to(telegram, chat))
    tg_say(rasa, chat, "sy mau ngomong sama petugas aja")
    new_texts(telegram, chat, count)
    before = console.refs()
    count = len(texts_to(telegram, chat))
    tg_say(rasa, chat, "iya boleh")
    new_texts(telegram, chat, count)
    wait_until(lambda: console.refs() - before, 10, "the case to open")

    count = len(texts_to(telegram, chat))
    tg_say(rasa, chat, "tolong hapus data saya")  # during the handoff: still the person's right
    question = "\n".join(new_texts(telegram, chat, count))
    assert "menghapus" in question
    count = len(texts_to(telegram, chat))
    tg_say(rasa, chat, "iya")
    confirmed = "\n".join(new_texts(telegram, chat, count))
    assert "Telegram" in confirmed

    lentera_db = create_engine(rasa.env["LENTERA_DATABASE_URL"])

    def tombstone() -> bool:
        with lentera_db.connect() as conn:
            linked = conn.execute(
                sa.text("SELECT count(*) FROM cases WHERE conversation_id = :s"), {"s": sender}
            ).scalar()
            deleted = conn.execute(
                sa.text("SELECT count(*) FROM cases WHERE closed_reason = 'deleted'")
            ).scalar()
        return linked == 0 and bool(deleted)

    wait_until(tombstone, 10, "the case to become a tombstone")
    with lentera_db.connect() as conn:
        bodies = (
            conn.execute(
                sa.text(
                    "SELECT m.body FROM case_messages m JOIN cases c ON c.id = m.case_id "
                    "WHERE c.closed_reason = 'deleted'"
                )
            )
            .scalars()
            .all()
        )
    assert bodies and all(body is None for body in bodies)
    # The person is not left in silence: the assistant answers them again.
    count = len(texts_to(telegram, chat))
    tg_say(rasa, chat, "halo")
    assert new_texts(telegram, chat, count)
