"""End to end through the real Rasa server: signed webhook in -> reply at the fake.

A Rasa server (trained model, action server, repository credentials.yml) is started with
both channels pointed at loopback fakes. What the fake receives is checked against the
conversation tracker: right chat, right order, same texts and buttons, language slot.
"""

from __future__ import annotations

import json
import os
import time

import httpx
import pytest

from devtools.conversations import (
    bot_utterances,
    compare,
    sender_id,
    telegram_delivered,
    tracker,
    user_texts,
    wait_quiet,
    whatsapp_delivered,
)
from devtools.fake_telegram import FakeTelegram, message_update, voice_update
from devtools.fake_whatsapp import FakeWhatsApp, encode, sign, text_notification

pytestmark = pytest.mark.stack

TG_SECRET = "e2e_webhook_secret"  # as tests/conftest.py gives the session's Rasa server
WA_SECRET = "e2e_app_secret"


class E2E:
    def __init__(self, stack, telegram: FakeTelegram, whatsapp: FakeWhatsApp) -> None:
        self.stack = stack
        self.telegram = telegram
        self.whatsapp = whatsapp
        self._next = int(time.time() * 1000) % 10_000_000

    def new_chat(self) -> int:
        self._next += 1
        return 700_000_000 + self._next

    def new_wa_id(self) -> str:
        self._next += 1
        return f"62812{self._next:08d}"

    def telegram_post(self, update: dict, secret: str | None = TG_SECRET, **kw) -> httpx.Response:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        return httpx.post(
            f"{self.stack.rasa_url}/webhooks/telegram/webhook",
            json=update,
            headers=headers,
            timeout=30,
            **kw,
        )

    def whatsapp_post(
        self, data: dict | None, raw: bytes | None = None, signature: str | None = "ok"
    ):
        body = raw if raw is not None else encode(data or {})
        headers = {"Content-Type": "application/json"}
        if signature == "ok":
            headers["X-Hub-Signature-256"] = sign(body, WA_SECRET)
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        return httpx.post(
            f"{self.stack.rasa_url}/webhooks/whatsapp/webhook",
            content=body,
            headers=headers,
            timeout=30,
        )

    def tracker_of(self, channel: str, user_id: str | int) -> dict:
        sender = sender_id(self.stack.env, channel, user_id)
        return tracker(self.stack.rasa_url, self.stack.token, sender)


@pytest.fixture(scope="module")
def e2e(rasa_stack, platform_fakes) -> E2E:
    """The session's Rasa server, with both channels pointed at the session's fakes."""
    return E2E(rasa_stack, *platform_fakes)


KEEP_IT = "boleh simpan"  # the answer to the storage notice


def _settle_telegram(e2e: E2E, chat: int) -> list:
    wait_quiet(lambda: len(telegram_delivered(e2e.telegram, chat)), quiet=3.0, timeout=90)
    return telegram_delivered(e2e.telegram, chat)


def _settle_whatsapp(e2e: E2E, wa_id: str) -> list:
    wait_quiet(lambda: len(whatsapp_delivered(e2e.whatsapp, wa_id)), quiet=3.0, timeout=90)
    return whatsapp_delivered(e2e.whatsapp, wa_id)


@pytest.mark.parametrize(("text", "language"), [("halo kak", "id"), ("hello, I need help", "en")])
def test_telegram_turn_reaches_the_right_chat_with_buttons_and_language(e2e, text, language):
    chat = e2e.new_chat()
    # The words reach the tracker store only with consent: say yes, so every reply is
    # there to compare with what the platform received.
    assert e2e.telegram_post(message_update(chat, KEEP_IT)).status_code == 200
    _settle_telegram(e2e, chat)
    assert e2e.telegram_post(message_update(chat, text, language_code=language)).status_code == 200
    delivered = _settle_telegram(e2e, chat)
    assert delivered, "no reply reached the fake Telegram"
    state = e2e.tracker_of("telegram", chat)
    assert str(chat) not in json.dumps(state)  # Rasa only knows the pseudonym
    uttered = bot_utterances(state)
    matched, missing, unexpected = compare(uttered, delivered)
    assert (missing, unexpected) == (0, 0) and matched == len(uttered)
    if "language" in state.get("slots", {}) and not os.environ.get("LENTERA_CHANNEL_TEST_MODEL"):
        assert state["slots"]["language"] == language


@pytest.mark.parametrize(("text", "language"), [("halo kak", "id"), ("hello, I need help", "en")])
def test_whatsapp_turn_reaches_the_right_number_with_buttons_and_language(e2e, text, language):
    wa_id = e2e.new_wa_id() if language == "id" else "4479" + e2e.new_wa_id()[5:]
    assert e2e.whatsapp_post(text_notification(wa_id, KEEP_IT)).status_code == 200
    _settle_whatsapp(e2e, wa_id)
    assert e2e.whatsapp_post(text_notification(wa_id, text)).status_code == 200
    delivered = _settle_whatsapp(e2e, wa_id)
    assert delivered, "no reply reached the fake WhatsApp"
    state = e2e.tracker_of("whatsapp", wa_id)
    assert wa_id not in json.dumps(state)
    uttered = bot_utterances(state)
    matched, missing, unexpected = compare(uttered, delivered)
    assert (missing, unexpected) == (0, 0) and matched == len(uttered)
    if "language" in state.get("slots", {}) and not os.environ.get("LENTERA_CHANNEL_TEST_MODEL"):
        assert state["slots"]["language"] == language


def test_bad_secret_and_signature_are_refused_and_nothing_reaches_rasa(e2e):
    chat, wa_id = e2e.new_chat(), e2e.new_wa_id()
    assert e2e.telegram_post(message_update(chat, "halo"), secret=None).status_code == 403
    assert e2e.telegram_post(message_update(chat, "halo"), secret="wrong").status_code == 403
    data = text_notification(wa_id, "halo")
    assert e2e.whatsapp_post(data, signature=None).status_code == 403
    assert e2e.whatsapp_post(data, signature="sha256=" + "0" * 64).status_code == 403
    time.sleep(1.0)
    assert user_texts(e2e.tracker_of("telegram", chat)) == []
    assert user_texts(e2e.tracker_of("whatsapp", wa_id)) == []
    assert telegram_delivered(e2e.telegram, chat) == []
    assert whatsapp_delivered(e2e.whatsapp, wa_id) == []


def test_malformed_json_is_400(e2e):
    url = f"{e2e.stack.rasa_url}/webhooks/telegram/webhook"
    reply = httpx.post(
        url, content=b"{nope", headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
    )
    assert reply.status_code == 400
    assert e2e.whatsapp_post(None, raw=b"{nope").status_code == 400


@pytest.mark.parametrize(
    "text",
    ["tolong " * 1500, "😭🙏😭🙏", "مرحبا، أحتاج مساعدة", "gaji\x00saya\x00belum dibayar"],
    ids=["10k-chars", "emoji", "rtl", "nul-bytes"],
)
def test_hostile_text_gets_a_sane_reply_on_both_channels(e2e, text):
    chat, wa_id = e2e.new_chat(), e2e.new_wa_id()
    assert e2e.telegram_post(message_update(chat, text)).status_code == 200
    assert e2e.whatsapp_post(text_notification(wa_id, text)).status_code == 200
    for delivered in (_settle_telegram(e2e, chat), _settle_whatsapp(e2e, wa_id)):
        assert delivered and all(0 < len(t) <= 4096 for t, _ in delivered)
    assert (
        httpx.get(
            f"{e2e.stack.rasa_url}/status", params={"token": e2e.stack.token}, timeout=30
        ).status_code
        == 200
    )


def test_same_delivery_five_times_gives_exactly_one_reply(e2e):
    chat, wa_id = e2e.new_chat(), e2e.new_wa_id()
    assert e2e.telegram_post(message_update(chat, KEEP_IT)).status_code == 200
    assert e2e.whatsapp_post(text_notification(wa_id, KEEP_IT)).status_code == 200
    _settle_telegram(e2e, chat)
    _settle_whatsapp(e2e, wa_id)
    update = message_update(chat, "halo")
    notification = text_notification(wa_id, "halo")
    for _ in range(5):
        assert e2e.telegram_post(update).status_code == 200
        assert e2e.whatsapp_post(notification).status_code == 200
    telegram, whatsapp = _settle_telegram(e2e, chat), _settle_whatsapp(e2e, wa_id)
    tg_state, wa_state = e2e.tracker_of("telegram", chat), e2e.tracker_of("whatsapp", wa_id)
    assert len(user_texts(tg_state)) == 2 and len(user_texts(wa_state)) == 2
    assert len(telegram) == len(bot_utterances(tg_state)) >= 1
    assert compare(bot_utterances(wa_state), whatsapp)[1:] == (0, 0)


def test_unknown_update_types_are_acknowledged_and_ignored(e2e):
    chat = e2e.new_chat()
    for update in (
        {"update_id": 91, "edited_message": message_update(chat, "x")["message"]},
        {"update_id": 92, "my_chat_member": {}},
        {"update_id": 93, "future_type": {"a": 1}},
    ):
        assert e2e.telegram_post(update).status_code == 200
    wa_id = e2e.new_wa_id()
    status = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "1",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "1",
                                "phone_number_id": e2e.whatsapp.phone_number_id,
                            },
                            "statuses": [
                                {
                                    "id": "wamid.S",
                                    "status": "read",
                                    "timestamp": "1",
                                    "recipient_id": wa_id,
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    assert e2e.whatsapp_post(status).status_code == 200
    time.sleep(1.0)
    assert user_texts(e2e.tracker_of("telegram", chat)) == []
    assert telegram_delivered(e2e.telegram, chat) == []


def test_voice_note_gets_the_polite_reply_without_a_turn(e2e):
    chat = e2e.new_chat()
    assert e2e.telegram_post(voice_update(chat, language_code="en")).status_code == 200
    delivered = _settle_telegram(e2e, chat)
    assert len(delivered) == 1 and delivered[0][0].startswith("Sorry")
    assert user_texts(e2e.tracker_of("telegram", chat)) == []


def test_caseworker_message_reaches_the_user_through_the_rasa_api(e2e):
    chat = e2e.new_chat()
    e2e.telegram_post(message_update(chat, "halo"))
    _settle_telegram(e2e, chat)
    before = len(telegram_delivered(e2e.telegram, chat))
    sender = sender_id(e2e.stack.env, "telegram", chat)
    reply = httpx.post(
        f"{e2e.stack.rasa_url}/conversations/{sender}/tracker/events",
        params={
            "token": e2e.stack.token,
            "execute_side_effects": "true",
            "output_channel": "latest",
        },
        json=[{"event": "bot", "text": "Halo, saya Maria dari tim kasus."}],
        timeout=30,
    )
    assert reply.status_code == 200
    delivered = telegram_delivered(e2e.telegram, chat)
    assert len(delivered) == before + 1 and delivered[-1][0] == "Halo, saya Maria dari tim kasus."
    last = e2e.telegram.calls("sendMessage")[-1]
    assert last.params["disable_notification"] is True
