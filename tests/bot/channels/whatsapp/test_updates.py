"""WhatsApp notifications to Rasa text: replies, locations, batches, statuses, hostile text."""

from __future__ import annotations

import pytest

from devtools.fake_whatsapp import (
    audio_notification,
    button_reply_notification,
    inbound,
    list_reply_notification,
    location_notification,
    notification,
    status_notification,
    template_button_notification,
    text_notification,
)
from tests.bot.channels.harness import Harness
from tests.bot.channels.whatsapp.helpers import WA_ID, make_channel, post


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
