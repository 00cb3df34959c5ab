"""Telegram webhook input: secret check, parsing, dedup, 503s, no personal data in logs."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
import sqlalchemy as sa

from bot.channels.telegram import TelegramInput
from bot.settings import load_settings
from devtools.fake_telegram import (
    message_update,
)
from tests.bot.channels.harness import Harness
from tests.bot.channels.telegram.helpers import CHAT, SECRET, make_channel, post


async def test_text_reaches_handler_with_pseudonym_and_reply_has_keyboard(
    fake_telegram, database, secrets_env
):
    async with Harness(make_channel(fake_telegram, database, secrets_env)) as h:
        r = await post(h, message_update(CHAT, "halo kak", language_code="en"))
        assert r.status_code == 200
        await h.drain()
        [message] = h.messages
        assert message.text == "halo kak"
        assert message.sender_id.startswith("tg_") and str(CHAT) not in message.sender_id
        assert message.input_channel == "telegram"
        assert message.metadata["language_hint"] == "en"
        [call] = fake_telegram.calls("sendMessage")
        assert call.params["chat_id"] == CHAT
        assert call.params["text"] == "echo: halo kak"
        keyboard = call.params["reply_markup"]["inline_keyboard"]
        assert [row[0]["callback_data"] for row in keyboard] == ["/affirm", "/deny"]


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x"])
async def test_wrong_or_missing_secret_returns_403_and_nothing_reaches_rasa(
    fake_telegram, sqlite_db, secrets_env, secret
):
    async with Harness(make_channel(fake_telegram, sqlite_db, secrets_env)) as h:
        r = await post(h, message_update(CHAT, "halo"), secret=secret)
        assert r.status_code == 403
        await h.drain()
        assert h.messages == [] and fake_telegram.calls() == []


@pytest.mark.parametrize(
    "body", [b"{not json", b"", b"[1,2]", b'{"message": {}}', b'{"update_id": "7"}', b"\xff\xfe"]
)
async def test_malformed_body_returns_400(fake_telegram, sqlite_db, secrets_env, body):
    async with Harness(make_channel(fake_telegram, sqlite_db, secrets_env)) as h:
        r = await h.client.post(
            "/webhooks/telegram/webhook",
            content=body,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        assert r.status_code == 400
        assert h.messages == []


async def test_same_update_five_times_gives_exactly_one_reply(fake_telegram, database, secrets_env):
    async with Harness(make_channel(fake_telegram, database, secrets_env)) as h:
        update = message_update(CHAT, "gaji saya belum dibayar")
        first = [await post(h, update) for _ in range(2)]
        rest = await asyncio.gather(*(post(h, update) for _ in range(3)))
        assert all(r.status_code == 200 for r in [*first, *rest])
        await h.drain()
        assert len(h.messages) == 1
        assert len(fake_telegram.calls("sendMessage")) == 1


async def test_no_chat_id_or_text_in_logs_or_plain_in_database(
    fake_telegram, sqlite_db, secrets_env, caplog
):
    caplog.set_level(logging.DEBUG)
    secret_text = "majikan menahan paspor saya"
    async with Harness(make_channel(fake_telegram, sqlite_db, secrets_env)) as h:
        await post(h, message_update(CHAT, secret_text))
        await post(h, message_update(CHAT, secret_text), secret="bad")
        await h.drain()
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot"))
    assert str(CHAT) not in logged and secret_text not in logged
    engine = sa.create_engine(sqlite_db.url)
    with engine.connect() as conn:
        dump = json.dumps(
            [
                [list(map(str, row)) for row in conn.execute(sa.text(f"SELECT * FROM {table}"))]
                for table in ("channel_inbox", "channel_address", "channel_callback")
            ]
        )
    assert str(CHAT) not in dump and "paspor" not in dump


async def test_disabled_channel_answers_503_with_one_log_line(sqlite_db, caplog):
    caplog.set_level(logging.INFO)
    channel = TelegramInput(load_settings({}))
    assert [r.getMessage() for r in caplog.records if "Telegram" in r.getMessage()] == [
        "Telegram channel disabled: TELEGRAM_BOT_TOKEN is not set"
    ]
    assert channel.get_output_channel() is None
    async with Harness(channel) as h:
        r = await post(h, message_update(CHAT, "halo"))
        assert r.status_code == 503
        assert (await h.client.get("/webhooks/telegram/")).status_code == 503
