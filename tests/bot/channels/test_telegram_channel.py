"""Telegram connector in-process: webhook in -> handler -> reply at the fake Bot API."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import pytest
import sqlalchemy as sa

from bot.channels.telegram import TelegramInput
from bot.settings import load_settings
from devtools.fake_telegram import (
    callback_update,
    location_update,
    message_update,
    voice_update,
)
from tests.bot.channels.harness import Harness

SECRET = "test_Secret-123"
CHAT = 555000111


def make_channel(fake, database, secrets_env, **extra):
    env = {
        **secrets_env,
        "LENTERA_DATABASE_URL": database.url,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_BASE_URL": fake.url,
        **extra,
    }
    return TelegramInput(load_settings(env), schema=database.schema)


async def post(h, update, secret=SECRET, **kwargs):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return await h.client.post("/webhooks/telegram/webhook", json=update, headers=headers, **kwargs)


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


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 1, "edited_message": message_update(CHAT, "edit")["message"]},
        {
            "update_id": 2,
            "channel_post": {"message_id": 1, "date": 0, "chat": {"id": -1, "type": "channel"}},
        },
        {"update_id": 3, "my_chat_member": {}},
        {"update_id": 4, "some_future_update_type": {"x": 1}},
        {"update_id": 5},
        message_update(-100123, "group message"),
    ],
)
async def test_unknown_or_unhandled_updates_are_acknowledged_and_ignored(
    fake_telegram, sqlite_db, secrets_env, update
):
    if update.get("message", {}).get("chat", {}).get("id") == -100123:
        update["message"]["chat"]["type"] = "supergroup"
    async with Harness(make_channel(fake_telegram, sqlite_db, secrets_env)) as h:
        r = await post(h, update)
        assert r.status_code == 200
        await h.drain()
        assert h.messages == [] and fake_telegram.calls() == []


@pytest.mark.parametrize(
    ("language_code", "expected"), [("id", "Maaf"), ("en", "Sorry"), (None, "Maaf"), ("es", "Maaf")]
)
async def test_voice_gets_a_polite_reply_in_the_users_language(
    fake_telegram, sqlite_db, secrets_env, language_code, expected
):
    async with Harness(make_channel(fake_telegram, sqlite_db, secrets_env)) as h:
        r = await post(h, voice_update(CHAT, language_code=language_code))
        assert r.status_code == 200
        await h.drain()
        assert h.messages == []
        [reply] = fake_telegram.sent_texts(CHAT)
        assert reply.startswith(expected)


@pytest.mark.parametrize("kind", ["photo", "sticker", "document"])
async def test_other_media_get_the_polite_reply(fake_telegram, sqlite_db, secrets_env, kind):
    media = {
        "photo": [{"file_id": "p", "file_unique_id": "pu", "width": 1, "height": 1}],
        "sticker": {
            "file_id": "s",
            "file_unique_id": "su",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        },
        "document": {"file_id": "d", "file_unique_id": "du"},
    }[kind]
    async with Harness(make_channel(fake_telegram, sqlite_db, secrets_env)) as h:
        await post(h, message_update(CHAT, None, **{kind: media}))
        await h.drain()
        assert h.messages == []
        assert fake_telegram.sent_texts(CHAT)[0].startswith("Maaf")


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


async def test_location_becomes_inform_country_with_rounded_coordinates(
    fake_telegram, sqlite_db, secrets_env
):
    async with Harness(make_channel(fake_telegram, sqlite_db, secrets_env)) as h:
        await post(h, location_update(CHAT, 24.713552, 46.675296))
        await post(h, location_update(CHAT, 48.85, 2.35))
        await h.drain()
        first, second = h.messages
        assert first.text == '/inform{"country":"SA"}'
        assert first.metadata["location"] == {
            "latitude": 24.71,
            "longitude": 46.68,
            "country": "SA",
        }
        assert second.text == "/inform"


async def test_start_command_becomes_greet(fake_telegram, sqlite_db, secrets_env):
    async with Harness(make_channel(fake_telegram, sqlite_db, secrets_env)) as h:
        await post(h, message_update(CHAT, "/start"))
        await post(h, message_update(CHAT, "/start@lentera_bot deeplink"))
        await h.drain()
        assert [m.text for m in h.messages] == ["/greet", "/greet"]


@pytest.mark.parametrize(
    "text",
    ["x" * 10_000, "😭😭😭🙏", "مرحبا، أحتاج مساعدة", "tolong\x00saya\x00", "\x00\x00", "   "],
    ids=["long", "emoji", "rtl", "nul", "only-nul", "blank"],
)
async def test_hostile_text_gets_a_sane_reply_and_no_crash(
    fake_telegram, database, secrets_env, text
):
    async with Harness(make_channel(fake_telegram, database, secrets_env)) as h:
        r = await post(h, message_update(CHAT, text))
        assert r.status_code == 200
        await h.drain()
        replies = fake_telegram.sent_texts(CHAT)
        assert len(replies) >= 1 and all(0 < len(t) <= 4096 for t in replies)
        for message in h.messages:
            assert "\x00" not in message.text and len(message.text) <= 4096


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


async def test_processing_failure_is_retried_not_lost(fake_telegram, sqlite_db, secrets_env):
    channel = make_channel(fake_telegram, sqlite_db, secrets_env)
    channel.worker.poll_seconds = 0.05
    async with Harness(channel) as h:
        h.fail_times = 1
        await post(h, message_update(CHAT, "halo"))
        await h.drain()
        assert fake_telegram.calls("sendMessage") == []
        channel.runtime.inbox._clock = lambda: time.time() + 1000  # skip the backoff
        await fake_telegram.async_wait_for("sendMessage", 1, timeout=5)
        assert len(fake_telegram.sent_texts(CHAT)) == 1
        assert len(h.messages) == 2


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


async def test_storage_down_refuses_with_503_so_telegram_retries(
    fake_telegram, sqlite_db, secrets_env, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    channel = make_channel(fake_telegram, sqlite_db, secrets_env)

    def broken(**_kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    async with Harness(channel) as h:
        monkeypatch.setattr(channel.runtime.inbox, "accept", broken)
        update = message_update(CHAT, "halo")
        assert (await post(h, update)).status_code == 503
        monkeypatch.undo()
        assert (await post(h, update)).status_code == 200  # Telegram's retry succeeds
        await h.drain()
        assert len(h.messages) == 1
