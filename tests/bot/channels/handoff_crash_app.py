"""A channel process for the handoff crash test: Sanic + TelegramInput, no Rasa.

Stands in for the Rasa process: it runs the Telegram channel with its inbox worker, the
handoff check and the outbox worker, and a stand-in for Rasa's ``on_new_message`` that
writes one JSON line per call to ``HANDOFF_CRASH_LOG`` and answers ``echo: <text>``.

``HANDOFF_CRASH_MODE`` says where the test will kill it (``kill -9``):

- ``consent``: the consent turn (text ``HANDOFF_CRASH_CONSENT``) opens the case as the
  action server's desk does, logs ``opened`` and never finishes (killed before its
  confirmation is sent);
- ``quiet``: the outbox worker does not run (a reply queued now stays queued);
- ``hang_send``: the outbox worker leases a reply, logs ``sending`` and never calls the
  platform (killed mid-send, before Telegram has the message);
- ``normal``: everything runs.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from typing import Any

from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.cases.models import OutboxItem
from bot.channels.telegram import TelegramInput
from bot.delivery.outbox import OutboxWorker
from bot.settings import load_settings

MODE = os.environ.get("HANDOFF_CRASH_MODE", "normal")


def log(event: str, **values: Any) -> None:
    """Append one event to the test's log (what this process did, across restarts)."""
    with open(os.environ["HANDOFF_CRASH_LOG"], "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"event": event, "pid": os.getpid(), **values}) + "\n")


def main() -> None:
    port = int(sys.argv[1])
    if MODE == "quiet":
        OutboxWorker.start = lambda self: None  # type: ignore[method-assign]
    if MODE == "hang_send":

        async def hang(self: TelegramInput, item: OutboxItem) -> None:
            log("sending", body=item.body)
            await asyncio.sleep(3600)

        TelegramInput._deliver = hang  # type: ignore[method-assign]
    channel = TelegramInput(load_settings())
    assert channel.runtime is not None

    async def on_new_message(message: UserMessage) -> None:
        log("rasa", text=message.text, sender_id=message.sender_id)
        if MODE == "consent" and message.text == os.environ["HANDOFF_CRASH_CONSENT"]:
            assert channel.runtime is not None
            cases = channel.runtime.cases
            await asyncio.to_thread(
                lambda: cases.open_case(
                    conversation_id=str(message.sender_id),
                    channel="telegram",
                    language="id",
                    country="HK",
                    city=None,
                    problem="abuse",
                    risk="normal",
                    consent_version="handoff-v1",
                    consent_at=time.time(),
                    summary="problem: abuse; country: HK",
                    transcript=[("person", "halo", time.time())],
                )
            )
            log("opened")
            await asyncio.sleep(3600)  # killed before the confirmation goes out
        await message.output_channel.send_response(
            message.sender_id, {"text": f"echo: {message.text}"}
        )

    app = Sanic("handoff_crash_app")
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/telegram")
    app.run(host="127.0.0.1", port=port, access_log=False)


if __name__ == "__main__":
    main()
