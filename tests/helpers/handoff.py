"""The whole system with a caseworker, for the end-to-end tests that go through a handoff.

:func:`handoff_stack` starts fake Telegram and WhatsApp on loopback, Rasa with the action
server pointed at them (``devtools.stack.running_stack``) and the console beside it with a
logged-in caseworker (``devtools.console.running_console``). The helpers below talk to the
channel webhooks as the platforms do (secret header, signed body) and read what the fakes
received. Used by ``tests/test_handoff_e2e.py`` and ``tests/test_log_hygiene.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest

from devtools.console import ConsoleClient, running_console
from devtools.conversations import wait_quiet, whatsapp_delivered
from devtools.fake_telegram import FakeTelegram, message_update
from devtools.fake_whatsapp import FakeWhatsApp, encode, sign, text_notification
from devtools.stack import RasaStack, running_stack

TG_SECRET = "handoff_webhook_secret"
WA_SECRET = "handoff_app_secret"
ORGANISATION = "Serikat Pendamping Migran"
CASEWORKER = ("caseworker@lentera.test", "a long caseworker passphrase 42")


class HandoffStack(NamedTuple):
    """What :func:`handoff_stack` yields (unpacks as ``rasa, telegram, whatsapp, console``)."""

    rasa: RasaStack
    telegram: FakeTelegram
    whatsapp: FakeWhatsApp
    console: ConsoleClient


@contextmanager
def handoff_stack(
    workdir: Path, extra_env: Mapping[str, str] | None = None
) -> Iterator[HandoffStack]:
    """Both fakes, Rasa + actions on them, the console; every process logs under ``workdir``.

    The logs are ``rasa.log``, ``actions.log`` and ``console.log`` (stdout and stderr of
    each process); they are complete once the context has exited.
    """
    telegram = FakeTelegram(token="123456:HANDOFFTOKEN").start()
    whatsapp = FakeWhatsApp().start()
    env = {
        **telegram.channel_env(TG_SECRET),
        **whatsapp.channel_env(WA_SECRET),
        **(extra_env or {}),
    }
    try:
        with (
            running_stack(workdir, env) as rasa,
            running_console(
                rasa, workdir, organisation=ORGANISATION, caseworker=CASEWORKER
            ) as console,
        ):
            yield HandoffStack(rasa, telegram, whatsapp, console)
    finally:
        telegram.stop()
        whatsapp.stop()


def wait_until(check: Callable[[], object], timeout: float = 20.0, what: str = "") -> object:
    """Poll ``check`` every 0.1 s until it is truthy and return its value; fail the test if not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def tg_say(rasa: RasaStack, chat: int, text: str) -> None:
    """The person types ``text`` in Telegram chat ``chat`` (the webhook must answer 200)."""
    response = httpx.post(
        f"{rasa.rasa_url}/webhooks/telegram/webhook",
        json=message_update(chat, text),
        headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET},
        timeout=30,
    )
    assert response.status_code == 200


def wa_say(rasa: RasaStack, wa_id: str, text: str) -> None:
    """The person ``wa_id`` sends ``text`` on WhatsApp (signed; the webhook must answer 200)."""
    body = encode(text_notification(wa_id, text))
    response = httpx.post(
        f"{rasa.rasa_url}/webhooks/whatsapp/webhook",
        content=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, WA_SECRET)},
        timeout=30,
    )
    assert response.status_code == 200


def texts_to(telegram: FakeTelegram, chat: int) -> list[str]:
    """Every text the fake Telegram was asked to send to ``chat``."""
    return telegram.sent_texts(chat)


def whatsapp_texts(whatsapp: FakeWhatsApp, wa_id: str) -> list[str]:
    """Every text (or interactive body) the fake WhatsApp was asked to send to ``wa_id``."""
    return [text for text, _ids in whatsapp_delivered(whatsapp, wa_id)]


def new_texts(telegram: FakeTelegram, chat: int, before: int, timeout: float = 20.0) -> list[str]:
    """The messages of the turn: the first one, then until the chat is quiet for 2 s."""
    wait_until(lambda: len(texts_to(telegram, chat)) > before, timeout, "a reply at the fake")
    wait_quiet(lambda: len(texts_to(telegram, chat)), quiet=2.0, timeout=timeout)
    return texts_to(telegram, chat)[before:]
