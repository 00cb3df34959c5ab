"""Sending to Telegram: keyboards and callbacks, retries, blocked users, proactive messages."""

from __future__ import annotations

import asyncio

from devtools.fake_telegram import (
    callback_update,
    message_update,
)
from tests.bot.channels.harness import Harness
from tests.bot.channels.telegram.helpers import CHAT, make_channel, post


async def test_button_press_is_answered_and_long_payload_round_trips(
    fake_telegram, database, secrets_env
):
    long_payload = '/inform{"country":"SA","city":"Riyadh","note":"' + "x" * 60 + '"}'

    async def reply(message):
        await message.output_channel.send_response(
            message.sender_id,
            {"text": "Pilih", "buttons": [{"title": "Riyadh", "payload": long_payload}]},
        )

    async with Harness(make_channel(fake_telegram, database, secrets_env), reply) as h:
        await post(h, message_update(CHAT, "halo"))
        await h.drain()
        data = fake_telegram.calls("sendMessage")[0].params["reply_markup"]["inline_keyboard"][0][
            0
        ]["callback_data"]
        assert len(data.encode()) <= 64
        await post(h, callback_update(CHAT, data))
        await h.drain()
        assert h.messages[-1].text == long_payload
        assert len(fake_telegram.calls("answerCallbackQuery")) == 1


async def test_rate_limit_and_server_errors_are_retried_and_delivered_once(
    fake_telegram, sqlite_db, secrets_env
):
    fake_telegram.rate_limit_next(retry_after=1)
    fake_telegram.server_error_next(status=502)
    async with Harness(make_channel(fake_telegram, sqlite_db, secrets_env)) as h:
        loop = asyncio.get_running_loop()
        start = loop.time()
        await post(h, message_update(CHAT, "halo"))
        await h.drain()
        assert loop.time() - start >= 1.0  # honoured retry_after
        assert len(fake_telegram.calls("sendMessage")) == 3
        assert len(fake_telegram.sent_texts(CHAT)) == 3  # two refused, one delivered


async def test_blocked_user_is_not_retried_and_turn_completes(
    fake_telegram, sqlite_db, secrets_env
):
    from devtools.fake_telegram import telegram_error

    fake_telegram.fail_next(
        "sendMessage", telegram_error(403, "Forbidden: bot was blocked by the user")
    )
    channel = make_channel(fake_telegram, sqlite_db, secrets_env)
    async with Harness(channel) as h:
        await post(h, message_update(CHAT, "halo"))
        await h.drain()
        assert len(fake_telegram.calls("sendMessage")) == 1
        assert channel.runtime.inbox.status_counts() == {"done": 1}


async def test_proactive_output_channel_reaches_the_chat_silently(
    fake_telegram, sqlite_db, secrets_env
):
    channel = make_channel(fake_telegram, sqlite_db, secrets_env)
    async with Harness(channel) as h:
        await post(h, message_update(CHAT, "halo"))
        await h.drain()
        sender_id = h.messages[0].sender_id
        fake_telegram.reset()
        output = channel.get_output_channel()
        await output.send_response(sender_id, {"text": "Halo, saya Maria dari tim kasus."})
        [call] = fake_telegram.calls("sendMessage")
        assert call.params["chat_id"] == CHAT and call.params["disable_notification"] is True
