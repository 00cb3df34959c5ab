"""Case messages to Telegram: sent silently to the stored chat, refusals carry a code."""

from __future__ import annotations

import pytest

from bot.cases.models import OutboxItem
from bot.channels.telegram.replies import deliver
from bot.delivery.outbox import Refused
from devtools.fake_telegram import message_update, telegram_error
from tests.bot.channels.harness import Harness
from tests.bot.channels.telegram.helpers import CHAT, make_channel, post


def item(conversation_id: str, body: str = "Halo, saya Maria.") -> OutboxItem:
    return OutboxItem(
        id=1,
        case_id=1,
        message_id=None,
        conversation_id=conversation_id,
        channel="telegram",
        body=body,
        attempts=0,
    )


async def test_a_case_message_reaches_the_chat_silently(fake_telegram, sqlite_db, secrets_env):
    channel = make_channel(fake_telegram, sqlite_db, secrets_env)
    async with Harness(channel, None) as h:
        await post(h, message_update(CHAT, "halo"))
        await h.drain()
        fake_telegram.reset()
        await deliver(channel.sender, item(h.messages[0].sender_id))
    [call] = fake_telegram.calls("sendMessage")
    assert call.params["chat_id"] == CHAT and call.params["disable_notification"] is True
    assert call.params["text"] == "Halo, saya Maria."


async def test_no_address_and_a_blocked_bot_are_refused_with_a_code(
    fake_telegram, sqlite_db, secrets_env
):
    channel = make_channel(fake_telegram, sqlite_db, secrets_env)
    async with Harness(channel, None) as h:
        with pytest.raises(Refused, match="no_address"):
            await deliver(channel.sender, item("tg_nobody"))
        await post(h, message_update(CHAT, "halo"))
        await h.drain()
        fake_telegram.fail_next("sendMessage", telegram_error(403, "Forbidden: bot was blocked"))
        with pytest.raises(Refused, match="blocked"):
            await deliver(channel.sender, item(h.messages[0].sender_id))
