"""Helpers shared by the end-to-end channel tests and the channel benchmark.

They compare what the fake platform received with what Rasa's tracker says the bot
uttered, per conversation: same texts, same order, same buttons.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from bot.languages import LANGUAGES
from bot.security.pseudonyms import pseudonym
from bot.texts import text as bot_text
from devtools.fake_telegram import FakeTelegram
from devtools.fake_whatsapp import FakeWhatsApp

Delivered = tuple[str, list[str]]  # (text, button payloads)


def sender_id(env: Mapping[str, str], channel: str, user_id: str | int) -> str:
    """The pseudonym Rasa sees for a platform user (computed like the connector does)."""
    return pseudonym(env["LENTERA_SECRET_KEY"], channel, user_id)


def tracker(rasa_url: str, token: str, sender: str) -> dict[str, Any]:
    """Rasa's tracker of ``sender`` with all events, through the HTTP API."""
    reply = httpx.get(
        f"{rasa_url}/conversations/{sender}/tracker",
        params={"token": token, "include_events": "ALL"},
        timeout=30,
    )
    reply.raise_for_status()
    return dict(reply.json())


def bot_utterances(tracker_json: dict[str, Any]) -> list[Delivered]:
    """What the bot uttered, per the tracker: (text, button payloads) in order."""
    result = []
    for event in tracker_json.get("events", []):
        if event.get("event") != "bot":
            continue
        data = event.get("data") or {}
        buttons = [str(b.get("payload")) for b in data.get("buttons") or []]
        text = event.get("text") or ""
        if text or buttons:
            result.append((text, buttons))
    return result


def user_texts(tracker_json: dict[str, Any]) -> list[str]:
    """The user messages of a tracker, in order."""
    return [e.get("text") or "" for e in tracker_json.get("events", []) if e.get("event") == "user"]


def telegram_delivered(fake: FakeTelegram, chat_id: int) -> list[Delivered]:
    """What the fake Telegram received for ``chat_id``: (text, callback data)."""
    result = []
    for call in fake.calls("sendMessage"):
        if call.params.get("chat_id") != chat_id:
            continue
        keyboard = (call.params.get("reply_markup") or {}).get("inline_keyboard") or []
        payloads = [str(row[0].get("callback_data")) for row in keyboard if row]
        result.append((str(call.params.get("text", "")), payloads))
    return result


def whatsapp_delivered(fake: FakeWhatsApp, wa_id: str) -> list[Delivered]:
    """What the fake WhatsApp received for ``wa_id``: (text, reply ids)."""
    result: list[Delivered] = []
    for body in fake.sent(wa_id):
        if body["type"] == "text":
            result.append((body["text"]["body"], []))
        elif body["type"] == "interactive":
            interactive = body["interactive"]
            action = interactive["action"]
            if "buttons" in action:
                ids = [b["reply"]["id"] for b in action["buttons"]]
            else:
                ids = [row["id"] for s in action["sections"] for row in s["rows"]]
            result.append((interactive["body"]["text"], ids))
        else:
            result.append((f"[{body['type']}]", []))
    return result


def _same_text(uttered: str, delivered: str) -> bool:
    uttered, delivered = uttered.strip(), delivered.strip()
    if not uttered:
        return bool(delivered)  # the connector's own "choose one" prompt
    return (
        uttered == delivered
        or delivered.startswith(uttered)  # numbered choices appended
        or uttered.endswith(delivered)  # long text sent before the buttons
        or uttered.startswith(delivered)  # split at the platform limit
    )


def _same_buttons(uttered: list[str], delivered: list[str]) -> bool:
    if not uttered:
        return not delivered
    if not delivered:
        return True  # numbered text: payloads are kept server-side
    return len(uttered) == len(delivered) and all(
        d.startswith("~") or u == d for u, d in zip(uttered, delivered, strict=True)
    )


def _choose_prompts() -> set[str]:
    return {bot_text("choose", language).strip() for language in LANGUAGES}


def compare(uttered: list[Delivered], delivered: list[Delivered]) -> tuple[int, int, int]:
    """Match bot utterances to delivered messages in order.

    Returns:
        (matched utterances, utterances never delivered, delivered messages that match
        nothing of this conversation, i.e. cross-talk or garbage).
    """
    matched, index, unexpected = 0, 0, 0
    partial = False  # the last utterance was only partly delivered so far

    def fits(position: int, text: str, buttons: list[str]) -> bool:
        said, said_buttons = uttered[position]
        return _same_text(said, text) and _same_buttons(said_buttons, buttons)

    for text, buttons in delivered:
        if index < len(uttered) and fits(index, text, buttons):
            partial = len(text.strip()) < len(uttered[index][0].strip())
            matched, index = matched + 1, index + 1
            continue
        if index and buttons and uttered[index - 1][1] and text.strip() in _choose_prompts():
            continue  # the buttons of a long utterance, sent after its text under "Choose one"
        if partial and _same_text(uttered[index - 1][0], text):
            partial = not uttered[index - 1][0].strip().endswith(text.strip())
            continue  # the next part of a long utterance
        probe = next((p for p in range(index + 1, len(uttered)) if fits(p, text, buttons)), None)
        if probe is None:
            unexpected += 1
            continue
        partial = len(text.strip()) < len(uttered[probe][0].strip())
        matched, index = matched + 1, probe + 1
    return matched, len(uttered) - matched, unexpected


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` passes; return its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def wait_quiet(count: Callable[[], int], quiet: float = 1.5, timeout: float = 60.0) -> int:
    """Wait for a first item, then until ``count()`` stops changing for ``quiet`` s; return it."""
    deadline = time.monotonic() + timeout
    wait_until(lambda: count() > 0, timeout)
    last, since = count(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = count()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return last
