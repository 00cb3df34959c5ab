"""WhatsApp connector in-process: signed notification in -> handler -> reply at the fake."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time

import pytest

from bot.channels.stores import reset_runtimes
from bot.channels.whatsapp import WhatsAppInput
from bot.channels.whatsapp.output import WindowClosedError
from bot.delivery.errors import DeliveryError
from bot.settings import load_settings
from devtools.fake_whatsapp import (
    PHONE_NUMBER_ID,
    audio_notification,
    button_reply_notification,
    encode,
    inbound,
    list_reply_notification,
    location_notification,
    notification,
    sign,
    status_notification,
    template_button_notification,
    text_notification,
)
from tests.bot.channels.harness import Harness

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


async def test_statuses_and_foreign_numbers_are_accepted_and_ignored(
    fake_whatsapp, sqlite_db, secrets_env
):
    foreign = notification([inbound(WA_ID, "text", {"body": "x"})], phone_number_id="999")
    reaction = notification([inbound(WA_ID, "reaction", {"message_id": "wamid.X", "emoji": "👍"})])
    async with Harness(make_channel(fake_whatsapp, sqlite_db, secrets_env)) as h:
        for data in (
            status_notification(WA_ID, "delivered"),
            status_notification(WA_ID, "failed", error_code=131047),
            foreign,
            reaction,
            {"object": "page", "entry": []},
            {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "calls"}]}]},
        ):
            assert (await post(h, data)).status_code == 200
        await h.drain()
        assert h.messages == [] and fake_whatsapp.calls() == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (button_reply_notification(WA_ID, "/affirm"), "/affirm"),
        (list_reply_notification(WA_ID, "/inform_housing"), "/inform_housing"),
        (template_button_notification(WA_ID, "/request_human"), "/request_human"),
        (location_notification(WA_ID, 22.32, 114.17), '/inform{"country":"HK"}'),
    ],
)
async def test_replies_buttons_and_location_become_rasa_text(
    fake_whatsapp, sqlite_db, secrets_env, data, expected
):
    async with Harness(make_channel(fake_whatsapp, sqlite_db, secrets_env)) as h:
        await post(h, data)
        await h.drain()
        assert [m.text for m in h.messages] == [expected]


async def test_audio_gets_polite_reply_and_batch_is_processed_in_order(
    fake_whatsapp, sqlite_db, secrets_env
):
    batch = notification(
        [inbound(WA_ID, "text", {"body": "satu"}), inbound(WA_ID, "text", {"body": "dua"})]
    )
    async with Harness(make_channel(fake_whatsapp, sqlite_db, secrets_env)) as h:
        await post(h, audio_notification(WA_ID))
        await post(h, batch)
        await h.drain()
        first = fake_whatsapp.sent(WA_ID)[0]
        assert first["type"] == "text" and first["text"]["body"].startswith("Maaf")
        assert [m.text for m in h.messages] == ["satu", "dua"]


@pytest.mark.parametrize(
    ("count", "title", "kind"),
    [
        (3, "Ya", "button"),
        (3, "Pilihan yang panjang", "list"),
        (8, "Opsi", "list"),
        (12, "Opsi", "numbered"),
    ],
)
async def test_choices_map_to_buttons_list_or_numbered_text(
    fake_whatsapp, sqlite_db, secrets_env, count, title, kind
):
    buttons = [{"title": f"{title} {i}", "payload": f"/choice_{i}"} for i in range(count)]

    async def reply(message):
        await message.output_channel.send_response(
            message.sender_id, {"text": "Pilih:", "buttons": buttons}
        )

    async with Harness(make_channel(fake_whatsapp, sqlite_db, secrets_env), reply) as h:
        await post(h, text_notification(WA_ID, "halo"))
        await h.drain()
        [sent] = fake_whatsapp.sent(WA_ID)
        if kind == "numbered":
            assert sent["type"] == "text" and "12. Opsi 11" in sent["text"]["body"]
            h.reply = None
            await post(h, text_notification(WA_ID, " 3 "))
            await h.drain()
            assert h.messages[-1].text == "/choice_2"
            await post(h, text_notification(WA_ID, "3"))  # the list was used up
            await h.drain()
            assert h.messages[-1].text == "3"
        else:
            assert sent["interactive"]["type"] == kind
            if kind == "list":
                rows = sent["interactive"]["action"]["sections"][0]["rows"]
                assert len(rows) == count and all(len(r["title"]) <= 24 for r in rows)
            else:
                assert all(
                    len(b["reply"]["title"]) <= 20 for b in sent["interactive"]["action"]["buttons"]
                )


async def test_numbered_choices_survive_a_restart_and_go_stale_after_other_text(
    fake_whatsapp, database, secrets_env
):
    buttons = [{"title": f"Opsi {i}", "payload": f"/choice_{i}"} for i in range(12)]

    async def numbered(message):
        await message.output_channel.send_response(
            message.sender_id, {"text": "Pilih:", "buttons": buttons}
        )

    async with Harness(make_channel(fake_whatsapp, database, secrets_env), numbered) as h:
        await post(h, text_notification(WA_ID, "halo"))
        await h.drain()
    reset_runtimes()  # a restart: nothing of the first process is left in memory
    async with Harness(make_channel(fake_whatsapp, database, secrets_env), None) as h:
        await post(h, text_notification(WA_ID, "2"))
        await h.drain()
        assert h.messages[-1].text == "/choice_1"

    async with Harness(make_channel(fake_whatsapp, database, secrets_env), numbered) as h:
        await post(h, text_notification(WA_ID, "halo lagi"))
        await h.drain()
    reset_runtimes()

    async def plain_text(message):
        await message.output_channel.send_response(message.sender_id, {"text": "Baik."})

    # Another process answers with plain text: the list it never sent is stale all the same.
    async with Harness(make_channel(fake_whatsapp, database, secrets_env), plain_text) as h:
        await post(h, text_notification(WA_ID, "terima kasih"))
        await h.drain()
    reset_runtimes()
    async with Harness(make_channel(fake_whatsapp, database, secrets_env), None) as h:
        await post(h, text_notification(WA_ID, "2"))
        await h.drain()
        assert h.messages[-1].text == "2"


async def test_long_payloads_are_shortened_off_the_event_loop(
    fake_whatsapp, sqlite_db, secrets_env
):
    channel = make_channel(fake_whatsapp, sqlite_db, secrets_env)
    shorten = channel.runtime.payloads.shorten
    threads: list[str] = []

    def recording(payload, limit):
        threads.append(threading.current_thread().name)
        return shorten(payload, limit)

    channel.runtime.payloads.shorten = recording
    buttons = [{"title": "Ya", "payload": "/inform" + json.dumps({"detail": "x" * 300})}]

    async def reply(message):
        await message.output_channel.send_response(
            message.sender_id, {"text": "Pilih:", "buttons": buttons}
        )

    async with Harness(channel, reply) as h:
        await post(h, text_notification(WA_ID, "halo"))
        await h.drain()
    [sent] = fake_whatsapp.sent(WA_ID)
    assert sent["interactive"]["action"]["buttons"][0]["reply"]["id"].startswith("~")
    assert threads and threading.main_thread().name not in threads


async def test_outside_the_window_only_the_template_is_sent_and_sender_is_told(
    fake_whatsapp, sqlite_db, secrets_env
):
    channel = make_channel(fake_whatsapp, sqlite_db, secrets_env)
    old = time.time() - 25 * 3600
    async with Harness(channel) as h:
        h.reply = None
        await post(h, notification([inbound(WA_ID, "text", {"body": "halo"}, timestamp=old)]))
        await h.drain()
        sender_id = h.messages[0].sender_id
        fake_whatsapp.reset()
        with pytest.raises(WindowClosedError) as info:
            await channel.get_output_channel().send_response(sender_id, {"text": "Halo dari Maria"})
        assert info.value.template_sent is True
        [sent] = fake_whatsapp.sent(WA_ID)
        assert sent["type"] == "template" and sent["template"]["name"] == "lentera_followup"
        # A new message from the user reopens the window.
        await post(h, text_notification(WA_ID, "halo lagi"))
        await h.drain()
        fake_whatsapp.reset()
        await channel.get_output_channel().send_response(sender_id, {"text": "Halo dari Maria"})
        assert fake_whatsapp.sent(WA_ID)[0]["type"] == "text"


async def test_platform_131047_falls_back_to_template(fake_whatsapp, sqlite_db, secrets_env):
    channel = make_channel(fake_whatsapp, sqlite_db, secrets_env, WHATSAPP_TEMPLATE_NAME="")
    async with Harness(channel) as h:
        h.reply = None
        await post(h, text_notification(WA_ID, "halo"))
        await h.drain()
        fake_whatsapp.close_window(WA_ID)
        with pytest.raises(WindowClosedError) as info:
            await channel.get_output_channel().send_response(
                h.messages[0].sender_id, {"text": "Halo"}
            )
        assert info.value.template_sent is False  # no template configured


async def test_rate_limit_and_5xx_are_retried_once_delivered(fake_whatsapp, sqlite_db, secrets_env):
    async with Harness(make_channel(fake_whatsapp, sqlite_db, secrets_env)) as h:
        await post(h, text_notification(WA_ID, "halo"))
        await h.drain()
        fake_whatsapp.reset()
        fake_whatsapp.rate_limit_next()
        fake_whatsapp.server_error_next(503)
        output = h.channel.get_output_channel()
        await output.send_response(h.messages[0].sender_id, {"text": "Halo"})
        sent = fake_whatsapp.sent(WA_ID)
        assert len(sent) == 3 and all(s["text"]["body"] == "Halo" for s in sent)


async def test_unknown_recipient_is_reported_to_a_proactive_sender(
    fake_whatsapp, sqlite_db, secrets_env
):
    channel = make_channel(fake_whatsapp, sqlite_db, secrets_env)
    with pytest.raises(DeliveryError):
        await channel.get_output_channel().send_response("wa_nobody", {"text": "Halo"})
    await channel.sender.close()


@pytest.mark.parametrize(
    "text",
    ["x" * 10_000, "🙏🙏🙏", "אני צריך עזרה", "to\x00long"],
    ids=["long", "emoji", "rtl", "nul"],
)
async def test_hostile_text_gets_a_sane_reply(fake_whatsapp, database, secrets_env, text):
    async with Harness(make_channel(fake_whatsapp, database, secrets_env)) as h:
        assert (await post(h, text_notification(WA_ID, text))).status_code == 200
        await h.drain()
        assert len(h.messages) == 1 and "\x00" not in h.messages[0].text
        sent = fake_whatsapp.sent(WA_ID)
        assert sent and all(len(s.get("text", {}).get("body", "")) <= 4096 for s in sent)
        assert sent[-1]["type"] == "interactive"


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
