"""Case messages to Telegram: to the stored chat, silent unless they answer the person.

Refusals carry a code.
"""

from __future__ import annotations

import time

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


async def test_a_message_the_caseworker_writes_first_is_silent_a_reply_to_the_person_is_not(
    fake_telegram, sqlite_db, secrets_env
):
    channel = make_channel(fake_telegram, sqlite_db, secrets_env)
    async with Harness(channel) as h:
        await post(h, message_update(CHAT, "halo"))
        await h.drain()
        cases = channel.runtime.cases
        cases.create_organisation("Lentera Desk", [])
        now = time.time()
        case = cases.open_case(
            conversation_id=h.messages[0].sender_id,
            channel="telegram",
            language="id",
            country="HK",
            city=None,
            problem="unpaid_wages",
            risk="normal",
            consent_version="handoff-v1",
            consent_at=now,
            summary=None,
            transcript=[("person", "halo", now), ("assistant", "echo: halo", now)],
        )
        cases.claim(case.id, 7)
        fake_telegram.reset()

        async def reply(body: str, token: str) -> dict:
            cases.send_reply(case.id, 7, body, client_token=token)
            calls = await fake_telegram.async_wait_for("sendMessage", int(token), timeout=5)
            assert calls[-1].params["text"] == body
            return calls[-1].params

        first = await reply("Halo, saya Maria dari LSM.", "1")  # after a silence
        assert first["disable_notification"] is True
        await post(h, message_update(CHAT, "iya kak, tolong"))  # the person writes
        await h.drain()
        answer = await reply("Baik, saya bantu.", "2")
        assert not answer.get("disable_notification")  # an answer rings like any answer
        follow_up = await reply("Satu lagi: Anda di kota mana?", "3")
        assert follow_up["disable_notification"] is True
    assert len(h.messages) == 1  # the person's message went to the case, not to Rasa


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
