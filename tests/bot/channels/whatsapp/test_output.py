"""Sending through the Cloud API: choices, the 24-hour window, retries, unknown recipients."""

from __future__ import annotations

import json
import threading
import time

import pytest

from bot.channels.stores import reset_runtimes
from bot.channels.whatsapp.output import WindowClosedError
from bot.delivery.errors import DeliveryError
from bot.texts import text
from devtools.fake_whatsapp import (
    inbound,
    notification,
    text_notification,
)
from tests.bot.channels.harness import Harness
from tests.bot.channels.whatsapp.helpers import WA_ID, make_channel, post


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


@pytest.mark.parametrize(
    ("last_block", "split"),
    [("KJRI Hong Kong\n- Telepon: 2890 4421", True), ("Polisi Hong Kong\n- Telepon: 999", False)],
)
async def test_a_long_message_with_buttons_splits_only_at_an_innocent_last_block(
    fake_whatsapp, sqlite_db, secrets_env, last_block, split
):
    body = "Kontak yang bisa dihubungi:\n\n" + "x " * 520 + "\n\n" + last_block
    buttons = [{"title": "Kontak lain", "payload": "/more_options"}]

    async def reply(message):
        await message.output_channel.send_response(
            message.sender_id, {"text": body, "buttons": buttons}
        )

    async with Harness(make_channel(fake_whatsapp, sqlite_db, secrets_env), reply) as h:
        await post(h, text_notification(WA_ID, "halo"))
        await h.drain()
        text_part, choices = fake_whatsapp.sent(WA_ID)
    assert text_part["text"]["body"].startswith("Kontak yang bisa dihubungi:")
    shown = choices["interactive"]["body"]["text"]
    if split:  # the last contact goes with the buttons
        assert shown == last_block and last_block not in text_part["text"]["body"]
    else:  # "Polisi ..." would lead a notification: the whole text first, then "choose"
        assert text_part["text"]["body"] == body and shown == text("choose", "id")


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
