"""WhatsApp webhook input: the handshake, signatures over the raw bytes, dedup, 400/403/503."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from bot.channels.whatsapp import WhatsAppInput
from bot.settings import load_settings
from devtools.fake_whatsapp import (
    encode,
    sign,
    text_notification,
)
from tests.bot.channels.harness import Harness
from tests.bot.channels.whatsapp.helpers import APP_SECRET, WA_ID, make_channel, post


async def test_verification_handshake(fake_whatsapp, sqlite_db, secrets_env):
    async with Harness(make_channel(fake_whatsapp, sqlite_db, secrets_env)) as h:
        ok = await h.client.get(
            "/webhooks/whatsapp/webhook",
            params={
                "hub.mode": "subscribe",
                "hub.verify_token": "verify-me",
                "hub.challenge": "1158201444",
            },
        )
        assert ok.status_code == 200 and ok.text == "1158201444"
        bad = await h.client.get(
            "/webhooks/whatsapp/webhook",
            params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"},
        )
        assert bad.status_code == 403


async def test_text_reply_goes_to_the_sender_with_reply_buttons(
    fake_whatsapp, database, secrets_env
):
    async with Harness(make_channel(fake_whatsapp, database, secrets_env)) as h:
        r = await post(h, text_notification(WA_ID, "gaji saya belum dibayar"))
        assert r.status_code == 200
        await h.drain()
        [message] = h.messages
        assert message.text == "gaji saya belum dibayar"
        assert message.sender_id.startswith("wa_") and WA_ID not in message.sender_id
        assert message.metadata["language_hint"] == "id"
        [reply] = fake_whatsapp.sent(WA_ID)
        assert reply["type"] == "interactive" and reply["interactive"]["type"] == "button"
        buttons = reply["interactive"]["action"]["buttons"]
        assert [b["reply"]["id"] for b in buttons] == ["/affirm", "/deny"]
        reads = [
            c.params for c in fake_whatsapp.calls("messages") if c.params.get("status") == "read"
        ]
        assert len(reads) == 1 and reads[0]["typing_indicator"] == {"type": "text"}


@pytest.mark.parametrize("signature", [None, "", "sha256=", "sha256=" + "0" * 64, "md5=abc"])
async def test_bad_or_missing_signature_returns_403_and_nothing_reaches_rasa(
    fake_whatsapp, sqlite_db, secrets_env, signature
):
    async with Harness(make_channel(fake_whatsapp, sqlite_db, secrets_env)) as h:
        r = await post(h, text_notification(WA_ID, "halo"), signature=signature)
        assert r.status_code == 403
        await h.drain()
        assert h.messages == [] and fake_whatsapp.calls() == []


async def test_signature_must_cover_the_raw_bytes(fake_whatsapp, sqlite_db, secrets_env):
    data = text_notification(WA_ID, "tolong 🙏 café")
    raw = encode(data)
    reserialised = json.dumps(data).encode()  # ASCII escapes: different bytes, same JSON
    async with Harness(make_channel(fake_whatsapp, sqlite_db, secrets_env)) as h:
        r = await post(h, None, signature=sign(reserialised, APP_SECRET), raw=raw)
        assert r.status_code == 403
        r = await post(h, None, signature=sign(raw, APP_SECRET), raw=raw)
        assert r.status_code == 200
        await h.drain()
        assert [m.text for m in h.messages] == ["tolong 🙏 café"]


@pytest.mark.parametrize("raw", [b"{oops", b"", b"[]", b"\xff"])
async def test_malformed_json_returns_400(fake_whatsapp, sqlite_db, secrets_env, raw):
    async with Harness(make_channel(fake_whatsapp, sqlite_db, secrets_env)) as h:
        assert (await post(h, None, raw=raw)).status_code == 400


async def test_same_message_five_times_gives_exactly_one_reply(
    fake_whatsapp, database, secrets_env
):
    data = text_notification(WA_ID, "paspor saya ditahan")
    async with Harness(make_channel(fake_whatsapp, database, secrets_env)) as h:
        responses = [await post(h, data) for _ in range(2)]
        responses += await asyncio.gather(*(post(h, data) for _ in range(3)))
        assert all(r.status_code == 200 for r in responses)
        await h.drain()
        assert len(h.messages) == 1 and len(fake_whatsapp.sent(WA_ID)) == 1


async def test_no_phone_number_or_text_in_logs(fake_whatsapp, sqlite_db, secrets_env, caplog):
    caplog.set_level(logging.DEBUG)
    async with Harness(make_channel(fake_whatsapp, sqlite_db, secrets_env)) as h:
        await post(h, text_notification(WA_ID, "saya dipukul majikan"))
        await post(h, text_notification(WA_ID, "saya dipukul majikan"), signature="sha256=00")
        await h.drain()
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot"))
    assert WA_ID not in logged and "dipukul" not in logged


async def test_disabled_channel_answers_503(sqlite_db):
    channel = WhatsAppInput(load_settings({}))
    async with Harness(channel) as h:
        assert (await post(h, text_notification(WA_ID, "halo"))).status_code == 503
        assert (await h.client.get("/webhooks/whatsapp/webhook")).status_code == 503
