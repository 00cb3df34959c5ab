"""One turn per channel, measured from the webhook POST to the last reply at the fake."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import httpx

from devtools.conversations import telegram_delivered, whatsapp_delivered
from devtools.fake_telegram import FakeTelegram, message_update
from devtools.fake_whatsapp import FakeWhatsApp, encode, sign, text_notification

TG_SECRET = "bench_webhook_secret"
WA_SECRET = "bench_app_secret"


@dataclass
class Channels:
    """Where to send, and the fakes that receive the replies."""

    rasa_url: str
    telegram: FakeTelegram
    whatsapp: FakeWhatsApp
    client: httpx.AsyncClient
    _next: int = field(default_factory=lambda: int(time.time()) % 1_000_000 * 1000)

    def new_user(self) -> int:
        self._next += 1
        return self._next

    def chat_id(self, user: int) -> int:
        return 800_000_000_000 + user

    def wa_id(self, user: int) -> str:
        return f"6285{user:010d}"

    async def send(self, channel: str, user: int, text: str) -> int:
        """Deliver one user message; return the HTTP status."""
        if channel == "rest":
            reply = await self.client.post(
                f"{self.rasa_url}/webhooks/rest/webhook",
                json={"sender": f"rest{user}", "message": text},
            )
        elif channel == "telegram":
            reply = await self.client.post(
                f"{self.rasa_url}/webhooks/telegram/webhook",
                json=message_update(self.chat_id(user), text),
                headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET},
            )
        else:
            raw = encode(text_notification(self.wa_id(user), text))
            reply = await self.client.post(
                f"{self.rasa_url}/webhooks/whatsapp/webhook",
                content=raw,
                headers={
                    "X-Hub-Signature-256": sign(raw, WA_SECRET),
                    "Content-Type": "application/json",
                },
            )
        return reply.status_code

    def delivered(self, channel: str, user: int) -> list:
        if channel == "telegram":
            return telegram_delivered(self.telegram, self.chat_id(user))
        return whatsapp_delivered(self.whatsapp, self.wa_id(user))

    def arrival_times(self, channel: str, user: int) -> list[float]:
        if channel == "telegram":
            chat = self.chat_id(user)
            return [
                c.at for c in self.telegram.calls("sendMessage") if c.params.get("chat_id") == chat
            ]
        wa_id = self.wa_id(user)
        return [
            c.at
            for c in self.whatsapp.calls("messages")
            if c.params.get("to") == wa_id and c.params.get("type")
        ]

    async def wait_for_replies(self, channel: str, user: int, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.arrival_times(channel, user)) >= count:
                return True
            await asyncio.sleep(0.005)
        return False

    async def settle(self, channel: str, user: int, quiet: float = 3.0, timeout: float = 90) -> int:
        """Wait for a first reply, then until replies stop arriving; return their number."""
        deadline = time.monotonic() + timeout
        await self.wait_for_replies(channel, user, 1, timeout)
        last, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            now = len(self.arrival_times(channel, user))
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
            await asyncio.sleep(0.05)
        return last

    async def turn(self, channel: str, text: str, expected: int) -> tuple[float, float]:
        """One fresh conversation, one turn.

        Returns:
            Seconds until the ``expected``-th reply reached the fake (REST: until the
            response), and seconds until the webhook answered.
        """
        user = self.new_user()
        start = time.time()
        status = await self.send(channel, user, text)
        acked = time.time() - start
        if status != 200:
            raise RuntimeError(f"{channel} webhook answered {status}")
        if channel == "rest":
            return acked, acked
        if not await self.wait_for_replies(channel, user, expected, timeout=60):
            raise RuntimeError(f"{channel}: reply missing")
        return self.arrival_times(channel, user)[expected - 1] - start, acked
