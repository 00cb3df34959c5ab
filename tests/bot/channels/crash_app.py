"""A connector process for the crash test: Sanic + TelegramInput, no Rasa.

``CRASH_MODE=hang``: the turn starts (a marker file is written) and never finishes, so the
test can kill the process mid-turn. ``CRASH_MODE=echo``: the turn replies at once.
"""

from __future__ import annotations

import asyncio
import os
import sys

from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels.telegram import TelegramInput
from bot.channels.whatsapp import WhatsAppInput
from bot.settings import load_settings


async def on_new_message(message: UserMessage) -> None:
    if os.environ["CRASH_MODE"] == "hang":
        with open(os.environ["CRASH_MARKER"], "a") as marker:
            marker.write("turn started\n")
        await asyncio.sleep(3600)
    await message.output_channel.send_response(message.sender_id, {"text": f"echo: {message.text}"})


def main() -> None:
    port = int(sys.argv[1])
    settings = load_settings()
    app = Sanic("crash_app")
    for channel in (TelegramInput(settings), WhatsAppInput(settings)):
        if channel.enabled:
            app.blueprint(
                channel.blueprint(on_new_message), url_prefix=f"/webhooks/{channel.name()}"
            )
    app.run(host="127.0.0.1", port=port, access_log=False)


if __name__ == "__main__":
    main()
