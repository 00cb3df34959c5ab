"""A send refused for our own credentials (401/403) is logged once and dead-lettered."""

from __future__ import annotations

import logging
import time

from cryptography.fernet import Fernet

from bot.channels.telegram import TelegramInput
from bot.channels.whatsapp import WhatsAppInput
from bot.delivery.errors import ConfigurationError
from bot.delivery.worker import InboxWorker
from bot.security.encryption import Cipher
from bot.settings import load_settings
from bot.storage.engine import create_engine
from bot.storage.inbox import Inbox, InboxRow
from devtools.fake_telegram import message_update, telegram_error
from devtools.fake_whatsapp import PHONE_NUMBER_ID, encode, graph_error, sign, text_notification
from tests.bot.channels.harness import Harness

CHAT = 555000222
WA_ID = "6281299990000"
SECRET_TEXT = "majikan menahan paspor saya"


def config_errors(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "Configuration error" in r.getMessage()]


def logged(caplog) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot"))


async def test_worker_dead_letters_a_configuration_error_at_once_and_logs_it_once(
    sqlite_db, caplog
):
    caplog.set_level(logging.DEBUG)
    engine = create_engine(sqlite_db.url)
    inbox = Inbox(engine, Cipher([Fernet.generate_key().decode()]))
    calls: list[int] = []

    async def handler(row: InboxRow) -> None:
        calls.append(row.id)
        raise ConfigurationError("Telegram", "the Bot API answered 401", ("TELEGRAM_BOT_TOKEN",))

    worker = InboxWorker(inbox, "telegram", handler, poll_seconds=0.05)
    for key in ("k1", "k2", "k3"):
        payload = {"text": SECRET_TEXT}
        row_id = inbox.accept(
            channel="telegram",
            dedup_key=key,
            sender_id=f"tg_{key}",
            payload=payload,
            owner=worker.owner,
            lease_seconds=60,
        )
        worker.submit(InboxRow(row_id, "telegram", f"tg_{key}", 0, payload))
    await worker.drain()
    assert inbox.status_counts() == {"failed": 3}
    # Nothing comes back through the recovery loop, however long we wait.
    inbox._clock = lambda: time.time() + 10_000
    assert await worker.recover_once() == 0
    assert len(calls) == 3
    [record] = config_errors(caplog)
    assert record.levelno == logging.ERROR
    assert "TELEGRAM_BOT_TOKEN" in record.getMessage()
    assert "will be retried" not in logged(caplog)
    assert SECRET_TEXT not in logged(caplog)


async def test_a_success_rearms_the_configuration_error_log(sqlite_db, caplog):
    engine = create_engine(sqlite_db.url)
    inbox = Inbox(engine, Cipher([Fernet.generate_key().decode()]))
    outcomes = ["refused", "ok", "refused"]

    async def handler(_row: InboxRow) -> None:
        if outcomes.pop(0) == "refused":
            raise ConfigurationError("WhatsApp", "HTTP 401", ("WHATSAPP_ACCESS_TOKEN",))

    worker = InboxWorker(inbox, "whatsapp", handler)
    for key in ("k1", "k2", "k3"):
        row_id = inbox.accept(
            channel="whatsapp",
            dedup_key=key,
            sender_id="wa_x",
            payload={},
            owner=worker.owner,
            lease_seconds=60,
        )
        worker.submit(InboxRow(row_id, "whatsapp", "wa_x", 0, {}))
    await worker.drain()
    assert inbox.status_counts() == {"failed": 2, "done": 1}
    assert len(config_errors(caplog)) == 2


def telegram_channel(fake, database, secrets_env, token):
    env = {
        **secrets_env,
        "LENTERA_DATABASE_URL": database.url,
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_WEBHOOK_SECRET": "s3cret",
        "TELEGRAM_API_BASE_URL": fake.url,
    }
    return TelegramInput(load_settings(env), schema=database.schema)


async def test_telegram_wrong_token_is_logged_once_and_dead_lettered(
    fake_telegram, sqlite_db, secrets_env, caplog
):
    caplog.set_level(logging.DEBUG)
    channel = telegram_channel(fake_telegram, sqlite_db, secrets_env, token="123456:WRONG")
    channel.worker.poll_seconds = 0.05
    async with Harness(channel) as h:
        for _ in range(2):
            r = await h.client.post(
                "/webhooks/telegram/webhook",
                json=message_update(CHAT, SECRET_TEXT),
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"},
            )
            assert r.status_code == 200
        await h.drain()
        channel.runtime.inbox._clock = lambda: time.time() + 10_000  # past any backoff
        assert await channel.worker.recover_once() == 0
    assert len(h.messages) == 2  # each turn ran once: nothing was retried
    assert channel.runtime.inbox.status_counts() == {"failed": 2}
    [record] = config_errors(caplog)
    assert "TELEGRAM_BOT_TOKEN" in record.getMessage()
    assert str(CHAT) not in logged(caplog) and SECRET_TEXT not in logged(caplog)


async def test_telegram_blocked_user_403_is_not_a_configuration_error(
    fake_telegram, sqlite_db, secrets_env, caplog
):
    fake_telegram.fail_next(
        "sendMessage", telegram_error(403, "Forbidden: bot was blocked by the user")
    )
    channel = telegram_channel(fake_telegram, sqlite_db, secrets_env, token=fake_telegram.token)
    async with Harness(channel) as h:
        await h.client.post(
            "/webhooks/telegram/webhook",
            json=message_update(CHAT, "halo"),
            headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"},
        )
        await h.drain()
    assert channel.runtime.inbox.status_counts() == {"done": 1}
    assert config_errors(caplog) == []


def whatsapp_channel(fake, database, secrets_env, token):
    env = {
        **secrets_env,
        "LENTERA_DATABASE_URL": database.url,
        "WHATSAPP_ACCESS_TOKEN": token,
        "WHATSAPP_APP_SECRET": "app_s3cret",
        "WHATSAPP_VERIFY_TOKEN": "verify-me",
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_API_BASE_URL": fake.url,
        "WHATSAPP_API_VERSION": "v21.0",
    }
    return WhatsAppInput(load_settings(env), schema=database.schema)


async def post_whatsapp(h, text):
    raw = encode(text_notification(WA_ID, text))
    return await h.client.post(
        "/webhooks/whatsapp/webhook",
        content=raw,
        headers={
            "X-Hub-Signature-256": sign(raw, "app_s3cret"),
            "Content-Type": "application/json",
        },
    )


async def test_whatsapp_wrong_token_is_logged_once_and_dead_lettered(
    fake_whatsapp, sqlite_db, secrets_env, caplog
):
    caplog.set_level(logging.DEBUG)
    channel = whatsapp_channel(fake_whatsapp, sqlite_db, secrets_env, token="EAAG-wrong")
    async with Harness(channel) as h:
        for _ in range(2):
            assert (await post_whatsapp(h, SECRET_TEXT)).status_code == 200
        await h.drain()
        channel.runtime.inbox._clock = lambda: time.time() + 10_000
        assert await channel.worker.recover_once() == 0
    assert len(h.messages) == 2
    assert channel.runtime.inbox.status_counts() == {"failed": 2}
    [record] = config_errors(caplog)
    message = record.getMessage()
    assert "WHATSAPP_ACCESS_TOKEN" in message and "401" in message
    assert WA_ID not in logged(caplog) and SECRET_TEXT not in logged(caplog)


async def test_whatsapp_permission_403_is_a_configuration_error(
    fake_whatsapp, sqlite_db, secrets_env, caplog
):
    fake_whatsapp.fail_next("messages", graph_error(403, 200, "Permissions error"), count=5)
    channel = whatsapp_channel(fake_whatsapp, sqlite_db, secrets_env, fake_whatsapp.access_token)
    async with Harness(channel) as h:
        await post_whatsapp(h, "halo")
        await h.drain()
    assert channel.runtime.inbox.status_counts() == {"failed": 1}
    assert len(fake_whatsapp.sent(WA_ID)) == 1  # refused once, not retried
    [record] = config_errors(caplog)
    assert "403" in record.getMessage()


def test_no_content_in_the_configuration_error_itself():
    error = ConfigurationError("Telegram", "the Bot API answered 401", ("TELEGRAM_BOT_TOKEN",))
    assert str(error) == (
        "Telegram refused Lentera's credentials (the Bot API answered 401): "
        "check TELEGRAM_BOT_TOKEN"
    )


async def test_the_turn_guard_lets_a_configuration_error_through():
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    from bot.channels.guard import never_silent

    async def refused(_message):
        raise ConfigurationError("Telegram", "the Bot API answered 401", ("TELEGRAM_BOT_TOKEN",))

    collector = CollectingOutputChannel()
    for reraise in (True, False):
        try:
            await never_silent(refused, reraise=reraise)(UserMessage("halo", collector, "p-1"))
        except ConfigurationError:
            pass
        else:  # pragma: no cover
            raise AssertionError("the guard swallowed a configuration error")
    assert collector.messages == []  # no apology: it could not be sent either
