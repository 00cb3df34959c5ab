"""Shared fixtures: environment isolation and the running system (one per session)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from devtools.fake_telegram import FakeTelegram
from devtools.fake_whatsapp import FakeWhatsApp
from devtools.stack import RasaStack, running_stack

TELEGRAM_SECRET = "e2e_webhook_secret"
WHATSAPP_SECRET = "e2e_app_secret"


@pytest.fixture(autouse=True)
def _clean_environ() -> Iterator[None]:
    """Each test gets the environment back as it found it."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def platform_fakes() -> Iterator[tuple[FakeTelegram, FakeWhatsApp]]:
    """Fake Telegram and WhatsApp APIs on loopback, shared by the whole session."""
    telegram = FakeTelegram(token="123456:E2ETOKEN").start()
    whatsapp = FakeWhatsApp().start()
    yield telegram, whatsapp
    telegram.stop()
    whatsapp.stop()


@pytest.fixture(scope="session")
def rasa_stack(
    tmp_path_factory: pytest.TempPathFactory, platform_fakes: tuple[FakeTelegram, FakeWhatsApp]
) -> Iterator[RasaStack]:
    """The trained model served by Rasa with the action server, on free ports, one per session.

    Both channels are enabled and point at the session's fake platforms.
    """
    telegram, whatsapp = platform_fakes
    env = {**telegram.channel_env(TELEGRAM_SECRET), **whatsapp.channel_env(WHATSAPP_SECRET)}
    with running_stack(tmp_path_factory.mktemp("stack"), env) as stack:
        yield stack
