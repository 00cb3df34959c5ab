"""Silence that holds and the outbox, through the real webhooks with the fake platforms.

While a case is open the person's messages go into the case and Rasa's handler is never
called; a danger phrase still gets the emergency contacts; a caseworker's reply and the
resume message reach the right chat exactly once, across restarts and a killed sender; the
answer to the safe-contact question is recorded and confirmed once.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from bot.cases.models import ContactPreference
from bot.cases.tables import outbox
from bot.channels.stores import reset_runtimes
from bot.channels.telegram import TelegramInput
from bot.channels.whatsapp import WhatsAppInput
from bot.settings import load_settings
from bot.texts import text
from devtools.fake_telegram import callback_update, message_update, voice_update
from devtools.fake_whatsapp import PHONE_NUMBER_ID, encode, sign, text_notification
from tests.bot.channels.harness import Harness

SECRET = "test_Secret-123"
APP_SECRET = "test_app_secret"
CHAT = 555000222
WA_ID = "6281234500000"
DANGER = "tolong majikan mau bunuh saya"


def telegram_channel(fake, database, secrets_env) -> TelegramInput:
    env = {
        **secrets_env,
        "LENTERA_DATABASE_URL": database.url,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_BASE_URL": fake.url,
    }
    return TelegramInput(load_settings(env), schema=database.schema)


def whatsapp_channel(fake, database, secrets_env, **extra: str) -> WhatsAppInput:
    env = {
        **extra,
        **secrets_env,
        "LENTERA_DATABASE_URL": database.url,
        "WHATSAPP_ACCESS_TOKEN": fake.access_token,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": "verify-me",
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_API_BASE_URL": fake.url,
        "WHATSAPP_API_VERSION": "v21.0",
    }
    return WhatsAppInput(load_settings(env), schema=database.schema)


async def telegram(h: Harness, update: dict) -> None:
    r = await h.client.post(
        "/webhooks/telegram/webhook",
        json=update,
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
    )
    assert r.status_code == 200
    await h.drain()


async def whatsapp(h: Harness, data: dict) -> None:
    body = encode(data)
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, APP_SECRET)}
    r = await h.client.post("/webhooks/whatsapp/webhook", content=body, headers=headers)
    assert r.status_code == 200
    await h.drain()


def open_case_for(channel, sender_id: str, *, country: str = "HK", language: str = "id"):
    cases = channel.runtime.cases
    if not cases.organisations():
        cases.create_organisation("Lentera Desk", [])
    return cases.open_case(
        conversation_id=sender_id,
        channel=channel.CHANNEL,
        language=language,
        country=country,
        city=None,
        problem="unpaid_wages",
        risk="normal",
        consent_version="handoff-v1",
        consent_at=time.time(),
        summary="problem: unpaid_wages",
        transcript=[],
    )


async def eventually(check: Callable[[], object], timeout: float = 5.0) -> object:
    """Wait until ``check()`` is truthy (the outbox worker runs in the background)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.05)


def outbox_rows(channel) -> list[tuple[str, str | None]]:
    with channel.runtime.engine.connect() as conn:
        rows = conn.execute(sa.select(outbox.c.status, outbox.c.last_error).order_by(outbox.c.id))
        return [tuple(row) for row in rows]


async def test_an_open_case_takes_every_message_and_rasa_is_never_called(
    fake_telegram, database, secrets_env
):
    channel = telegram_channel(fake_telegram, database, secrets_env)
    async with Harness(channel) as h:
        await telegram(h, message_update(CHAT, "halo"))
        [first] = h.messages
        case = open_case_for(channel, first.sender_id)
        fake_telegram.reset()
        await telegram(h, message_update(CHAT, "majikan menahan paspor saya"))
        await telegram(h, callback_update(CHAT, "/request_human"))
        await telegram(h, voice_update(CHAT))
        await telegram(h, message_update(CHAT, "/start"))
        assert h.messages == [first]
        assert fake_telegram.calls("sendMessage") == []
        assert len(fake_telegram.calls("answerCallbackQuery")) == 1  # the spinner stops
        bodies = [m.body for m in channel.runtime.cases.transcript(case.id)]
        assert bodies == [
            "majikan menahan paspor saya",
            "[button] /request_human",
            "[media]",
            "/greet",
        ]
        assert channel.runtime.inbox.status_counts() == {"done": 5}


async def test_a_danger_phrase_during_a_case_gets_the_contacts_and_marks_it_urgent(
    fake_telegram, database, secrets_env
):
    channel = telegram_channel(fake_telegram, database, secrets_env)
    async with Harness(channel) as h:
        await telegram(h, message_update(CHAT, "halo"))
        case = open_case_for(channel, h.messages[0].sender_id, country="HK")
        fake_telegram.reset()
        await telegram(h, message_update(CHAT, DANGER))
        assert len(h.messages) == 1
        replies = fake_telegram.sent_texts(CHAT)
        assert len(replies) == 2
        assert replies[0].startswith(text("handoff_urgent", "id"))
        assert "999" in replies[0]  # Hong Kong's emergency number
        assert replies[1].startswith(text("national_hotlines", "id"))
        urgent = channel.runtime.cases.get(case.ref, case.organisation_id)
        assert urgent.risk == "urgent" and urgent.status == "waiting"
        authors = [m.author for m in channel.runtime.cases.transcript(case.id)]
        assert authors == ["person", "system", "system"]
        fake_telegram.reset()
        await telegram(h, callback_update(CHAT, "/emergency"))  # the menu's danger button
        assert len(fake_telegram.sent_texts(CHAT)) == 2 and len(h.messages) == 1


async def test_return_to_assistant_delivers_the_resume_text_and_the_bot_answers_again(
    fake_telegram, database, secrets_env
):
    channel = telegram_channel(fake_telegram, database, secrets_env)
    async with Harness(channel) as h:
        await telegram(h, message_update(CHAT, "halo"))
        case = open_case_for(channel, h.messages[0].sender_id)
        cases = channel.runtime.cases
        cases.claim(case.id, 7)
        fake_telegram.reset()
        cases.return_to_assistant(case.id, 7)
        [call] = await fake_telegram.async_wait_for("sendMessage", 1, timeout=5)
        assert call.params["chat_id"] == CHAT
        assert call.params["text"] == text("handoff_returned", "id")
        assert call.params["disable_notification"] is True
        assert await eventually(lambda: cases.transcript(case.id)[-1].delivery_status == "sent")
        await telegram(h, message_update(CHAT, "saya mau tanya lagi"))
        assert [m.text for m in h.messages] == ["halo", "saya mau tanya lagi"]
        assert fake_telegram.sent_texts(CHAT)[-1] == "echo: saya mau tanya lagi"


async def test_a_caseworker_reply_arrives_once_also_across_a_restart(
    fake_telegram, database, secrets_env
):
    channel = telegram_channel(fake_telegram, database, secrets_env)
    async with Harness(channel) as h:
        await telegram(h, message_update(CHAT, "halo"))
        sender_id = h.messages[0].sender_id
        case = open_case_for(channel, sender_id)
        channel.runtime.cases.claim(case.id, 7)
        fake_telegram.reset()
        channel.runtime.cases.send_reply(case.id, 7, "Halo, saya Maria.", client_token="a")
        channel.runtime.cases.send_reply(case.id, 7, "Halo, saya Maria.", client_token="a")
        await fake_telegram.async_wait_for("sendMessage", 1, timeout=5)
        assert await eventually(lambda: outbox_rows(channel) == [("sent", None)])
    # While no process runs, a second reply is queued; a new process sends it, and only it.
    reset_runtimes()
    channel = telegram_channel(fake_telegram, database, secrets_env)
    channel.runtime.cases.send_reply(case.id, 7, "Apakah Anda aman?", client_token="b")
    async with Harness(channel) as h:
        await fake_telegram.async_wait_for("sendMessage", 2, timeout=5)
        assert await eventually(lambda: outbox_rows(channel) == [("sent", None)] * 2)
        await telegram(h, message_update(CHAT, "aman, terima kasih"))  # still the case's
        assert h.messages == []
    assert fake_telegram.sent_texts(CHAT) == ["Halo, saya Maria.", "Apakah Anda aman?"]
    assert channel.runtime.cases.transcript(case.id)[-1].body == "aman, terima kasih"


def dead_owner() -> str:
    """A lease owner naming a process of this host that has exited (kill -9 mid-send)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}:deadbeef"


async def test_a_reply_left_mid_send_by_a_killed_process_is_sent_once_at_restart(
    fake_telegram, database, secrets_env
):
    channel = telegram_channel(fake_telegram, database, secrets_env)
    async with Harness(channel) as h:
        await telegram(h, message_update(CHAT, "halo"))
        case = open_case_for(channel, h.messages[0].sender_id)
        await channel.outbox_worker.stop()  # this process "dies" before sending
        cases = channel.runtime.cases
        cases.claim(case.id, 7)
        cases.send_reply(case.id, 7, "Pesan penting", client_token="a")
        [leased] = channel.runtime.outbox.lease(
            channel="telegram", owner=dead_owner(), lease_seconds=3600
        )
    reset_runtimes()
    fake_telegram.reset()
    channel = telegram_channel(fake_telegram, database, secrets_env)
    async with Harness(channel):
        await fake_telegram.async_wait_for("sendMessage", 1, timeout=5)
        assert await eventually(lambda: outbox_rows(channel) == [("sent", None)])
    assert fake_telegram.sent_texts(CHAT) == ["Pesan penting"]
    assert leased.body == "Pesan penting"


async def test_a_reply_to_a_person_who_blocked_the_bot_fails_with_a_code(
    fake_telegram, database, secrets_env
):
    from devtools.fake_telegram import telegram_error

    channel = telegram_channel(fake_telegram, database, secrets_env)
    async with Harness(channel) as h:
        await telegram(h, message_update(CHAT, "halo"))
        case = open_case_for(channel, h.messages[0].sender_id)
        channel.runtime.cases.claim(case.id, 7)
        fake_telegram.fail_next("sendMessage", telegram_error(403, "Forbidden: bot was blocked"))
        channel.runtime.cases.send_reply(case.id, 7, "Halo", client_token="a")
        assert await eventually(lambda: outbox_rows(channel) == [("failed", "blocked")])
        assert channel.runtime.cases.transcript(case.id)[-1].delivery_status == "failed"


@pytest.mark.parametrize("window_open", [True, False], ids=["inside-24h", "outside-24h"])
async def test_whatsapp_case_messages_and_the_24_hour_window(
    fake_whatsapp, database, secrets_env, window_open
):
    channel = whatsapp_channel(fake_whatsapp, database, secrets_env)
    async with Harness(channel) as h:
        await whatsapp(h, text_notification(WA_ID, "halo"))
        case = open_case_for(channel, h.messages[0].sender_id)
        fake_whatsapp.reset()
        await whatsapp(h, text_notification(WA_ID, "gaji saya belum dibayar"))
        assert len(h.messages) == 1
        assert fake_whatsapp.sent(WA_ID) == []
        assert await eventually(lambda: fake_whatsapp.calls("messages"))  # marked read
        if not window_open:
            channel.sender.clock = lambda: time.time() + 25 * 3600
        channel.runtime.cases.claim(case.id, 7)
        channel.runtime.cases.send_reply(case.id, 7, "Halo, saya Maria.", client_token="a")
        if window_open:
            assert await eventually(lambda: outbox_rows(channel) == [("sent", None)])
            [sent] = fake_whatsapp.sent(WA_ID)
            assert sent["type"] == "text" and sent["text"]["body"] == "Halo, saya Maria."
        else:
            expected = [("failed", "outside_24h_window")]
            assert await eventually(lambda: outbox_rows(channel) == expected)
            assert fake_whatsapp.sent(WA_ID) == []


async def test_outside_the_window_the_approved_template_asks_the_person_to_write(
    fake_whatsapp, database, secrets_env
):
    channel = whatsapp_channel(
        fake_whatsapp, database, secrets_env, WHATSAPP_TEMPLATE_NAME="lentera_write_again"
    )
    async with Harness(channel) as h:
        await whatsapp(h, text_notification(WA_ID, "halo"))
        case = open_case_for(channel, h.messages[0].sender_id)
        fake_whatsapp.reset()
        channel.sender.clock = lambda: time.time() + 25 * 3600
        channel.runtime.cases.claim(case.id, 7)
        channel.runtime.cases.send_reply(case.id, 7, "Halo, saya Maria.", client_token="a")
        expected = [("failed", "outside_24h_window_template_sent")]
        assert await eventually(lambda: outbox_rows(channel) == expected)
        [sent] = fake_whatsapp.sent(WA_ID)
        assert sent["type"] == "template"
        assert sent["template"]["name"] == "lentera_write_again"


async def test_after_close_the_next_message_reaches_the_assistant(
    fake_telegram, sqlite_db, secrets_env
):
    channel = telegram_channel(fake_telegram, sqlite_db, secrets_env)
    async with Harness(channel) as h:
        await telegram(h, message_update(CHAT, "halo"))
        case = open_case_for(channel, h.messages[0].sender_id)
        await telegram(h, message_update(CHAT, "masih menunggu"))
        assert len(h.messages) == 1
        channel.runtime.cases.close(case.id, 7)
        await telegram(h, message_update(CHAT, "halo lagi"))
        assert [m.text for m in h.messages] == ["halo", "halo lagi"]


async def test_a_case_closed_while_a_message_is_stored_lets_the_assistant_answer(
    fake_telegram, sqlite_db, secrets_env, monkeypatch
):
    from bot.cases.models import CaseClosed

    channel = telegram_channel(fake_telegram, sqlite_db, secrets_env)
    async with Harness(channel) as h:
        await telegram(h, message_update(CHAT, "halo"))
        open_case_for(channel, h.messages[0].sender_id)

        def closed_meanwhile(*_args, **_kwargs):
            raise CaseClosed("closed a moment ago")

        monkeypatch.setattr(channel.runtime.cases, "add_message", closed_meanwhile)
        await telegram(h, message_update(CHAT, "halo lagi"))
        assert [m.text for m in h.messages] == ["halo", "halo lagi"]


async def test_what_the_assistant_must_answer_during_a_case_reaches_it_and_errors_do_not(
    fake_telegram, database, secrets_env
):
    channel = telegram_channel(fake_telegram, database, secrets_env)
    async with Harness(channel) as h:
        await telegram(h, message_update(CHAT, "halo"))
        [first] = h.messages
        case = open_case_for(channel, first.sender_id)
        asked: list[str] = []

        async def wants(sender_id: str, body: str) -> bool:
            asked.append(body)
            if body == "boom":
                raise RuntimeError("NLU down")
            return body == "hapus data saya"

        channel.handoff.wants_assistant = wants
        await telegram(h, message_update(CHAT, "hapus data saya"))
        await telegram(h, message_update(CHAT, "boom"))  # unsure: the caseworker gets it
        await telegram(h, message_update(CHAT, DANGER))  # danger never waits for the NLU
        assert [m.text for m in h.messages] == ["halo", "hapus data saya"]
        bodies = [m.body for m in channel.runtime.cases.transcript(case.id)]
        assert "hapus data saya" not in bodies and "boom" in bodies and DANGER in bodies
        assert DANGER not in asked


# -- safe contact: the answer to the case's contact question ---------------------------------


async def test_the_contact_answer_is_recorded_and_confirmed_once_later_messages_are_not_read(
    fake_telegram, database, secrets_env
):
    channel = telegram_channel(fake_telegram, database, secrets_env)
    async with Harness(channel) as h:
        await telegram(h, message_update(CHAT, "halo"))
        case = open_case_for(channel, h.messages[0].sender_id, country="SA")
        fake_telegram.reset()
        cases = channel.runtime.cases
        await telegram(h, message_update(CHAT, "halo kak"))  # not an answer: only stored
        assert cases.active_case(case.conversation_id).contact is None
        assert fake_telegram.sent_texts(CHAT) == []
        await telegram(h, message_update(CHAT, "jam 7-9 malem kak"))
        confirmation = text("contact_noted", "id").format(hours="19:00–21:00")
        assert fake_telegram.sent_texts(CHAT) == [confirmation]
        noted = cases.active_case(case.conversation_id)
        assert noted.contact == ContactPreference(True, "19:00", "21:00")
        assert cases.contact_check(case.id).time_zone == "Asia/Riyadh"
        await telegram(h, message_update(CHAT, "jangan"))  # answered already: not re-read
        await telegram(h, message_update(CHAT, "kapan aja"))
        assert fake_telegram.sent_texts(CHAT) == [confirmation]
        assert cases.active_case(case.conversation_id).contact == noted.contact
        assert h.messages[1:] == []  # Rasa never called
        transcript = [(m.author, m.body) for m in cases.transcript(case.id)]
        assert transcript == [
            ("person", "halo kak"),
            ("person", "jam 7-9 malem kak"),
            ("system", confirmation),  # what the person was told, for the caseworker
            ("person", "jangan"),
            ("person", "kapan aja"),
        ]
        [audit] = cases.audit_rows(case_id=case.id, action="contact_preference")
        assert audit.actor == "person"


async def test_a_refusal_on_whatsapp_is_confirmed_in_the_cases_language(
    fake_whatsapp, database, secrets_env
):
    channel = whatsapp_channel(fake_whatsapp, database, secrets_env)
    async with Harness(channel) as h:
        await whatsapp(h, text_notification(WA_ID, "hello"))
        case = open_case_for(channel, h.messages[0].sender_id, language="en")
        fake_whatsapp.reset()
        await whatsapp(h, text_notification(WA_ID, "don't contact me first"))
        [sent] = await eventually(lambda: fake_whatsapp.sent(WA_ID))  # type: ignore[misc]
        assert sent["text"]["body"] == text("contact_refused", "en")
        assert channel.runtime.cases.active_case(case.conversation_id).contact == (
            ContactPreference(False)
        )
        assert len(h.messages) == 1


async def test_once_a_caseworker_wrote_the_persons_hours_are_not_read_as_an_answer(
    fake_telegram, database, secrets_env
):
    channel = telegram_channel(fake_telegram, database, secrets_env)
    async with Harness(channel) as h:
        await telegram(h, message_update(CHAT, "halo"))
        case = open_case_for(channel, h.messages[0].sender_id)
        fake_telegram.reset()
        cases = channel.runtime.cases
        cases.claim(case.id, 7)
        cases.send_reply(case.id, 7, "Jam berapa Anda selesai kerja?", client_token="a")
        await fake_telegram.async_wait_for("sendMessage", 1, timeout=5)
        await telegram(h, message_update(CHAT, "jam 8 malam"))  # the caseworker's question
        assert cases.active_case(case.conversation_id).contact is None
        assert fake_telegram.sent_texts(CHAT) == ["Jam berapa Anda selesai kerja?"]


async def test_a_danger_phrase_is_never_read_as_a_contact_answer(
    fake_telegram, sqlite_db, secrets_env
):
    channel = telegram_channel(fake_telegram, sqlite_db, secrets_env)
    async with Harness(channel) as h:
        await telegram(h, message_update(CHAT, "halo"))
        case = open_case_for(channel, h.messages[0].sender_id)
        fake_telegram.reset()
        await telegram(h, message_update(CHAT, DANGER))
        assert channel.runtime.cases.active_case(case.conversation_id).contact is None
        assert all("dicatat" not in body for body in fake_telegram.sent_texts(CHAT))
