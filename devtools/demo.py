"""The fake Telegram and WhatsApp platforms of ``make demo``, defined in one place.

:class:`DemoChannels` holds every value the fake platforms and Lentera's connectors must
agree on (bot token, webhook secret, access token, app secret, phone number id, ports).
:meth:`DemoChannels.connector_env` gives the connectors' environment and
:meth:`DemoChannels.start` starts the fakes, both from the same fields, so the two sides
cannot disagree. ``python -m bot.stack run --demo`` uses :data:`DEMO_CHANNELS` for both (the
fakes run as ``python -m devtools.demo``); the browser test uses the same class on free
ports. The values are test values, not secrets.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.settings import DEFAULT_RASA_PORT
from devtools.fake_telegram import DemoTelegram
from devtools.fake_whatsapp import PHONE_NUMBER_ID, DemoWhatsApp
from devtools.stack import RasaStack, running_stack

DEFAULT_RASA_URL = f"http://127.0.0.1:{DEFAULT_RASA_PORT}"


@dataclass(frozen=True)
class DemoChannels:
    """Fake Telegram and WhatsApp with chat pages, and the connector settings that match."""

    telegram_port: int = 8081
    whatsapp_port: int = 8082
    host: str = "127.0.0.1"
    telegram_token: str = "123456:DEMOTOKEN"  # noqa: S105 - a test value
    telegram_secret: str = "demo_secret_token"  # noqa: S105 - a test value
    whatsapp_token: str = "EAAG-demo-token"  # noqa: S105 - a test value
    whatsapp_app_secret: str = "demo_app_secret"  # noqa: S105 - a test value
    phone_number_id: str = PHONE_NUMBER_ID

    def telegram(self, rasa_url: str = DEFAULT_RASA_URL) -> DemoTelegram:
        """The fake Telegram (not started) posting to Rasa at ``rasa_url``."""
        return DemoTelegram(
            f"{rasa_url}/webhooks/telegram/webhook",
            self.telegram_secret,
            token=self.telegram_token,
            host=self.host,
            port=self.telegram_port,
        )

    def whatsapp(self, rasa_url: str = DEFAULT_RASA_URL) -> DemoWhatsApp:
        """The fake WhatsApp (not started) posting to Rasa at ``rasa_url``."""
        return DemoWhatsApp(
            f"{rasa_url}/webhooks/whatsapp/webhook",
            self.whatsapp_app_secret,
            access_token=self.whatsapp_token,
            phone_number_id=self.phone_number_id,
            host=self.host,
            port=self.whatsapp_port,
        )

    def connector_env(self) -> dict[str, str]:
        """Environment that points both Lentera connectors at these fakes."""
        return {
            **self.telegram().channel_env(self.telegram_secret),
            **self.whatsapp().channel_env(self.whatsapp_app_secret),
        }

    def pages(self) -> dict[str, str]:
        """The chat pages, by channel."""
        return {
            "telegram": f"http://{self.host}:{self.telegram_port}/",
            "whatsapp": f"http://{self.host}:{self.whatsapp_port}/",
        }

    def start(self, rasa_url: str = DEFAULT_RASA_URL) -> tuple[DemoTelegram, DemoWhatsApp]:
        """Start both fakes in background threads; the caller stops them."""
        telegram = self.telegram(rasa_url)
        telegram.start()
        try:
            whatsapp = self.whatsapp(rasa_url)
            whatsapp.start()
        except BaseException:
            telegram.stop()
            raise
        return telegram, whatsapp


DEMO_CHANNELS = DemoChannels()


@dataclass
class RunningDemo:
    """What ``make demo`` runs: Rasa and the action server, and both fakes with their pages."""

    stack: RasaStack
    channels: DemoChannels
    telegram: DemoTelegram
    whatsapp: DemoWhatsApp


@contextmanager
def running_demo(workdir: Path, channels: DemoChannels = DEMO_CHANNELS) -> Iterator[RunningDemo]:
    """Start the stack (free ports, stores under ``workdir``) with the demo channels.

    The same two calls as ``python -m bot.stack run --demo``: the connectors get
    :meth:`DemoChannels.connector_env`, the fakes come from :meth:`DemoChannels.start`.
    """
    with running_stack(workdir, channels.connector_env()) as stack:
        telegram, whatsapp = channels.start(stack.rasa_url)
        try:
            yield RunningDemo(stack, channels, telegram, whatsapp)
        finally:
            telegram.stop()
            whatsapp.stop()


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - run by make demo
    """Serve both fakes until interrupted (one process of ``make demo``'s Procfile)."""
    parser = argparse.ArgumentParser(prog="python -m devtools.demo", description=__doc__)
    parser.add_argument("--rasa-url", default=DEFAULT_RASA_URL)
    args = parser.parse_args(argv)
    telegram, whatsapp = DEMO_CHANNELS.start(args.rasa_url)
    pages = DEMO_CHANNELS.pages()
    print(
        f"Fake Telegram: chat page {pages['telegram']} (Bot API {telegram.url}/bot<token>/)\n"
        f"Fake WhatsApp: chat page {pages['whatsapp']} (Graph API {whatsapp.url}/<v>/<id>/)",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        telegram.stop()
        whatsapp.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
