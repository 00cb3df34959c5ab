"""Telegram updates to Rasa text: commands, locations, media, unhandled updates, hostile text."""

from __future__ import annotations

import pytest

from devtools.fake_telegram import (
    location_update,
    message_update,
    voice_update,
)
from tests.bot.channels.harness import Harness
from tests.bot.channels.telegram.helpers import CHAT, make_channel, post


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
