"""The safe word, through the real Telegram and WhatsApp webhooks and the fakes.

After it, the chat shows one harmless line and none of the assistant's earlier messages; an
open case is closed "left" with a do-not-contact line for the caseworker and nothing queued
is sent; the conversation starts afresh when the person writes again.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.safe_exit import is_safe_word
from bot.texts import messages, text
from devtools.fake_telegram import message_update
from devtools.fake_whatsapp import text_notification
from tests.bot.channels.harness import Harness
from tests.bot.channels.test_handoff import (
    CHAT,
    WA_ID,
    open_case_for,
    outbox_rows,
    telegram,
    telegram_channel,
    whatsapp,
    whatsapp_channel,
)

HELP_WORDS = ("petugas", "bantuan", "darurat", "hotline", "polisi", "kbri", "help", "echo")


def with_tracker_store(h: Harness) -> InMemoryTrackerStore:
    store = InMemoryTrackerStore(Domain.empty())
    h.channel._app.ctx.agent = SimpleNamespace(tracker_store=store, is_ready=lambda: True)
    return store


async def remember_turn(store: InMemoryTrackerStore, sender: str) -> None:
    tracker = DialogueStateTracker(sender, [])
    tracker.update(UserUttered("majikan mukul saya", {"name": "report_abuse", "confidence": 1}))
    await store.save(tracker)


@pytest.mark.parametrize("typed", ["resep", "RESEP", "  Resep  "])
def test_the_whole_message_is_the_safe_word(typed):
    assert is_safe_word({"kind": "text", "text": typed})


@pytest.mark.parametrize("typed", ["resep nasi goreng", "ada resep?", "/resep"])
def test_a_sentence_with_the_word_is_not_the_safe_word(typed):
    assert not is_safe_word({"kind": "text", "text": typed})


def test_the_safe_word_is_a_setting(monkeypatch):
    monkeypatch.setenv("LENTERA_SAFE_WORD", "Kopi")
    assert is_safe_word({"kind": "text", "text": "kopi"})
    assert not is_safe_word({"kind": "text", "text": "resep"})


def test_the_harmless_line_says_nothing_about_help():
    for lang in ("id", "en"):
        line = text("safe_exit", lang).lower()
        assert not any(word in line for word in HELP_WORDS)
    assert set(messages()["safe_exit"]) >= {"id", "en"}


async def test_telegram_chat_is_cleaned_and_shows_only_the_harmless_line(
    fake_telegram, database, secrets_env
):
    channel = telegram_channel(fake_telegram, database, secrets_env)
    async with Harness(channel) as h:
        store = with_tracker_store(h)
        for words in ("halo", "majikan mukul saya", "sy di hong kong"):
            await telegram(h, message_update(CHAT, words))
        sender = h.messages[0].sender_id
        await remember_turn(store, sender)
        assert len(fake_telegram.visible_texts(CHAT)) == 3
        await telegram(h, message_update(CHAT, "resep"))
        assert len(h.messages) == 3  # the safe word never reached Rasa
        assert fake_telegram.visible_texts(CHAT) == [text("safe_exit", "id")]
        assert len(fake_telegram.calls("deleteMessage")) == 3
        assert await store.retrieve(sender) is None  # conversation state cleared
        # Writing again starts afresh, through the assistant.
        await telegram(h, message_update(CHAT, "halo"))
        assert len(h.messages) == 4


async def test_during_a_handoff_the_case_is_closed_left_and_nothing_more_is_sent(
    fake_telegram, database, secrets_env
):
    channel = telegram_channel(fake_telegram, database, secrets_env)
    async with Harness(channel) as h:
        with_tracker_store(h)
        await telegram(h, message_update(CHAT, "halo"))
        sender = h.messages[0].sender_id
        case = open_case_for(channel, sender)
        cases = channel.runtime.cases
        cases.claim(case.id, 7)
        await channel.outbox_worker.stop()  # hold the reply in the queue
        cases.send_reply(case.id, 7, "Halo, saya Maria dari tim pendamping.", client_token="a")
        await telegram(h, message_update(CHAT, "resep"))
        closed = cases.get(case.id, case.organisation_id)
        assert closed is not None and closed.status == "closed"
        assert closed.closed_reason == "left"
        assert any("do not contact" in m.body.lower() for m in cases.transcript(case.id))
        assert outbox_rows(channel) == [("failed", "person_left")]
        channel.outbox_worker.start()  # nothing left to send: the reply never goes out
        await asyncio.sleep(0.5)
        visible = fake_telegram.visible_texts(CHAT)
        assert visible == [text("safe_exit", "id")]


async def test_whatsapp_cannot_delete_but_closes_the_case_and_answers_harmlessly(
    fake_whatsapp, database, secrets_env
):
    channel = whatsapp_channel(fake_whatsapp, database, secrets_env)
    async with Harness(channel) as h:
        with_tracker_store(h)
        await whatsapp(h, text_notification(WA_ID, "halo"))
        case = open_case_for(channel, h.messages[0].sender_id)
        fake_whatsapp.reset()
        await whatsapp(h, text_notification(WA_ID, "Resep"))
        [sent] = fake_whatsapp.sent(WA_ID)
        assert sent["text"]["body"] == text("safe_exit", "id")
        closed = channel.runtime.cases.get(case.id, case.organisation_id)
        assert closed is not None and closed.closed_reason == "left"
