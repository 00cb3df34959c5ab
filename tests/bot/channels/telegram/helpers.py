"""A Telegram channel on the fake Bot API, and a webhook post with the secret header."""

from __future__ import annotations

from bot.channels.telegram import TelegramInput
from bot.settings import load_settings

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
