"""The rate limit through the real Rasa server (bot/channels/rate_limit.py, trained model).

23 Telegram messages from one person, back to back: 20 turns, one calm slow-down line, the
two held messages in Rasa's tracker without a turn (in order, none lost), and a danger
phrase over the limit still answered with the emergency contacts.
"""

from __future__ import annotations

import time

import httpx
import pytest

from bot.texts import text
from devtools.conversations import bot_utterances, sender_id, tracker, user_texts, wait_quiet
from devtools.fake_telegram import message_update

pytestmark = pytest.mark.stack

TG_SECRET = "e2e_webhook_secret"  # as tests/conftest.py gives the session's Rasa server
KEEP_IT = "boleh simpan"  # the answer to the storage notice: words reach the tracker
DANGER = "tolong majikan mau bunuh saya"


def test_a_fast_writer_gets_20_turns_one_slow_down_and_nothing_is_lost(
    rasa_stack, platform_fakes
) -> None:
    telegram, _whatsapp = platform_fakes
    chat = 610_000_000 + int(time.time() * 1000) % 10_000_000
    texts = [KEEP_IT] + [f"gaji saya belum dibayar {i} bulan" for i in range(1, 22)] + [DANGER]
    for body in texts:
        reply = httpx.post(
            f"{rasa_stack.rasa_url}/webhooks/telegram/webhook",
            json=message_update(chat, body),
            headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET},
            timeout=30,
        )
        assert reply.status_code == 200
    wait_quiet(lambda: len(telegram.sent_texts(chat)), quiet=4.0, timeout=180)
    sent = telegram.sent_texts(chat)
    slow_down = text("slow_down", "id")
    assert sent.count(slow_down) == 1
    state = tracker(
        rasa_stack.rasa_url, rasa_stack.token, sender_id(rasa_stack.env, "telegram", chat)
    )
    assert user_texts(state) == texts  # every message, in order: 20 turns, 2 held, the danger
    held = [
        e
        for e in state["events"]
        if e.get("event") == "user" and e.get("metadata", {}).get("rate_limited")
    ]
    assert [e["text"] for e in held] == texts[20:22]
    assert all(not (e.get("parse_data") or {}).get("intent") for e in held)  # no NLU ran
    bots = [body for body, _buttons in bot_utterances(state)]
    assert bots.count(slow_down) == 1
    # the danger phrase, over the limit, got its turn: replies after the slow-down line
    after = sent[sent.index(slow_down) + 1 :]
    assert after and any(any(ch.isdigit() for ch in reply) for reply in after)
