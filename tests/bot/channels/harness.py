"""In-process harness: a Sanic app with one connector and a stand-in for Rasa's handler."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Sanic

Reply = Callable[[UserMessage], Awaitable[None]]


async def echo_reply(message: UserMessage) -> None:
    """What a Rasa turn does: answer through the message's output channel."""
    await message.output_channel.send_response(
        message.sender_id,
        {
            "text": f"echo: {message.text}",
            "buttons": [
                {"title": "Ya", "payload": "/affirm"},
                {"title": "Tidak", "payload": "/deny"},
            ],
        },
    )


class Harness:
    """Runs a connector's blueprint in a Sanic app reached through httpx.ASGITransport."""

    def __init__(self, channel: InputChannel, reply: Reply | None = echo_reply) -> None:
        self.channel = channel
        self.reply = reply
        self.messages: list[UserMessage] = []
        self.fail_times = 0
        self.app: Sanic | None = None
        self.client: httpx.AsyncClient | None = None

    async def on_new_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        if self.fail_times > 0:
            self.fail_times -= 1
            raise RuntimeError("simulated processing failure")
        if self.reply is not None:
            await self.reply(message)

    async def __aenter__(self) -> Harness:
        Sanic.test_mode = True
        self.app = Sanic(f"h{uuid.uuid4().hex[:12]}")
        prefix = f"/webhooks/{self.channel.name()}"
        self.app.blueprint(self.channel.blueprint(self.on_new_message), url_prefix=prefix)
        await self.app._startup()
        # What Sanic's "after_server_start" does for a served app: start the channel's workers
        # (the inbox recovery loop, the outbox), so nothing waits for a first request.
        if getattr(self.channel, "enabled", False):
            self.channel._bind(self.app)
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://lentera.test"
        )
        return self

    async def __aexit__(self, *exc: Any) -> None:
        worker = getattr(self.channel, "worker", None)
        if worker is not None:
            await worker.stop()
        outbox_worker = getattr(self.channel, "outbox_worker", None)
        if outbox_worker is not None:
            await outbox_worker.stop()
        sender = getattr(self.channel, "sender", None)
        if sender is not None:
            await sender.close()
        assert self.client is not None
        await self.client.aclose()

    async def drain(self) -> None:
        worker = getattr(self.channel, "worker", None)
        if worker is not None:
            await worker.drain()
        tasks = list(getattr(self.channel, "_tasks", ()))
        if tasks:
            await asyncio.wait(tasks, timeout=10)
        await asyncio.sleep(0)
