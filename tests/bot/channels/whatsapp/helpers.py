"""A WhatsApp channel on the fake Cloud API, and a signed webhook post."""

from __future__ import annotations

from bot.channels.whatsapp import WhatsAppInput
from bot.settings import load_settings
from devtools.fake_whatsapp import (
    PHONE_NUMBER_ID,
    encode,
    sign,
)

APP_SECRET = "test_app_secret"


WA_ID = "6281234567890"


def make_channel(fake, database, secrets_env, **extra):
    env = {
        **secrets_env,
        "LENTERA_DATABASE_URL": database.url,
        "WHATSAPP_ACCESS_TOKEN": fake.access_token,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": "verify-me",
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_API_BASE_URL": fake.url,
        "WHATSAPP_API_VERSION": "v21.0",
        "WHATSAPP_TEMPLATE_NAME": "lentera_followup",
        **extra,
    }
    return WhatsAppInput(load_settings(env), schema=database.schema)


async def post(h, data, signature="valid", raw=None):
    body = raw if raw is not None else encode(data)
    headers = {"Content-Type": "application/json"}
    if signature == "valid":
        headers["X-Hub-Signature-256"] = sign(body, APP_SECRET)
    elif signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return await h.client.post("/webhooks/whatsapp/webhook", content=body, headers=headers)
