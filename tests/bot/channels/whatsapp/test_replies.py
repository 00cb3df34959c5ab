"""Case messages to WhatsApp: free text inside the 24-hour window, the template outside it."""

from __future__ import annotations

import time

import pytest

from bot.cases.models import OutboxItem
from bot.channels.whatsapp.replies import OUTSIDE_WINDOW, TEMPLATE_SENT, deliver
from bot.delivery.outbox import Refused
from devtools.fake_whatsapp import text_notification
from tests.bot.channels.harness import Harness
from tests.bot.channels.whatsapp.helpers import WA_ID, make_channel, post


def item(conversation_id: str, body: str = "Halo, saya Maria.") -> OutboxItem:
    return OutboxItem(
        id=1,
        case_id=1,
        message_id=None,
        conversation_id=conversation_id,
        channel="whatsapp",
        body=body,
        attempts=0,
    )


async def test_inside_the_window_the_message_is_sent_as_text(fake_whatsapp, sqlite_db, secrets_env):
    channel = make_channel(fake_whatsapp, sqlite_db, secrets_env)
    async with Harness(channel, None) as h:
        await post(h, text_notification(WA_ID, "halo"))
        await h.drain()
        fake_whatsapp.reset()
        await deliver(channel.sender, item(h.messages[0].sender_id))
    [sent] = fake_whatsapp.sent(WA_ID)
    assert sent["type"] == "text" and sent["text"]["body"] == "Halo, saya Maria."


@pytest.mark.parametrize(
    ("template", "code"), [("lentera_followup", TEMPLATE_SENT), ("", OUTSIDE_WINDOW)]
)
async def test_outside_the_window_only_the_template_is_tried(
    fake_whatsapp, sqlite_db, secrets_env, template, code
):
    channel = make_channel(fake_whatsapp, sqlite_db, secrets_env, WHATSAPP_TEMPLATE_NAME=template)
    async with Harness(channel, None) as h:
        await post(h, text_notification(WA_ID, "halo"))
        await h.drain()
        fake_whatsapp.reset()
        channel.sender.clock = lambda: time.time() + 25 * 3600
        with pytest.raises(Refused, match=code):
            await deliver(channel.sender, item(h.messages[0].sender_id))
    assert [s["type"] for s in fake_whatsapp.sent(WA_ID)] == (["template"] if template else [])


async def test_no_stored_address_is_refused(fake_whatsapp, sqlite_db, secrets_env):
    channel = make_channel(fake_whatsapp, sqlite_db, secrets_env)
    with pytest.raises(Refused, match="no_address"):
        await deliver(channel.sender, item("wa_nobody"))
    await channel.sender.close()
