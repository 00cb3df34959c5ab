"""The demo's fake platforms and the connectors' settings come from one definition."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
from aiohttp import web

from bot.channels.telegram.output import TelegramSender
from bot.channels.whatsapp import SIGNATURE_HEADER, signature_valid
from bot.channels.whatsapp.output import WhatsAppSender
from bot.settings import load_settings
from bot.stack.__main__ import procfile
from devtools.demo import DEMO_CHANNELS, DemoChannels
from devtools.fake_telegram import FakeServer
from devtools.stack import free_port


class FakeRasa(FakeServer):
    """Stands in for Rasa's webhooks: records what the chat pages post, with headers."""

    def build_app(self) -> web.Application:
        app = web.Application()

        async def webhook(request: web.Request) -> web.Response:
            body = await request.read()
            self.record(
                request.match_info["channel"], {"headers": dict(request.headers), "body": body}
            )
            return web.json_response({"status": "accepted"})

        app.router.add_post("/webhooks/{channel}/webhook", webhook)
        return app


def channels_on_free_ports() -> DemoChannels:
    return dataclasses.replace(DEMO_CHANNELS, telegram_port=free_port(), whatsapp_port=free_port())


def connector_settings(channels: DemoChannels) -> Any:
    return load_settings(
        {
            **channels.connector_env(),
            "LENTERA_SECRET_KEY": "x" * 32,
            "LENTERA_ENCRYPTION_KEYS": "yXq3JkCLmOeEzq4dHTYOvhYMrbTg9mxpUSRyNtqS1ho=",
        }
    )


async def test_connectors_configured_from_the_demo_can_send_to_its_fakes():
    channels = channels_on_free_ports()
    settings = connector_settings(channels)
    telegram, whatsapp = channels.start()
    try:
        tg = TelegramSender(settings.telegram, addresses=None, payloads=None)  # type: ignore[arg-type]
        wa = WhatsAppSender(settings.whatsapp, addresses=None, payloads=None)  # type: ignore[arg-type]
        try:
            await tg.send_text(555000111, "halo dari Lentera")
            await wa.send_text("6281234567890", "halo dari Lentera")
        finally:
            await tg.close()
            await wa.close()
        assert telegram.sent_texts(555000111) == ["halo dari Lentera"]
        assert [b["text"]["body"] for b in whatsapp.sent("6281234567890")] == ["halo dari Lentera"]
    finally:
        telegram.stop()
        whatsapp.stop()


def test_chat_pages_post_what_the_connectors_accept():
    channels = channels_on_free_ports()
    settings = connector_settings(channels)
    rasa = FakeRasa().start()
    telegram, whatsapp = channels.start(rasa.url)
    try:
        for fake in (telegram, whatsapp):
            page = httpx.get(f"{fake.url}/", timeout=5)
            assert page.status_code == 200 and "<form" in page.text
            sent = httpx.post(f"{fake.url}/_demo/send", json={"text": "halo"}, timeout=5)
            assert sent.json() == {"status": 200}
        [tg_call] = rasa.calls("telegram")
        header = tg_call.params["headers"]["X-Telegram-Bot-Api-Secret-Token"]
        assert header == settings.telegram.webhook_secret
        [wa_call] = rasa.calls("whatsapp")
        assert signature_valid(
            settings.whatsapp.app_secret,
            wa_call.params["body"],
            wa_call.params["headers"][SIGNATURE_HEADER],
        )
        assert settings.whatsapp.phone_number_id in wa_call.params["body"].decode()
    finally:
        telegram.stop()
        whatsapp.stop()
        rasa.stop()


def test_make_demo_runs_the_fakes_from_the_same_definition():
    processes = dict(line.split(": ", 1) for line in procfile(demo=True).splitlines())
    assert processes["demo"].startswith("$LENTERA_BIN/python -m devtools.demo --rasa-url ")
    # No token or secret on a command line: they can only come from DEMO_CHANNELS.
    for value in DEMO_CHANNELS.connector_env().values():
        if "127.0.0.1" not in value and not value.startswith("v"):
            assert value not in processes["demo"]
    assert "demo" not in dict(line.split(": ", 1) for line in procfile(demo=False).splitlines())
    assert set(DEMO_CHANNELS.pages().values()) == {
        "http://127.0.0.1:8081/",
        "http://127.0.0.1:8082/",
    }


def test_a_port_in_use_is_an_error_not_a_silent_page_less_demo():
    busy = DemoChannels(telegram_port=free_port(), whatsapp_port=free_port())
    first, second = busy.start()
    try:
        try:
            busy.telegram().start()
        except RuntimeError as exc:
            assert "cannot serve" in str(exc)
        else:  # pragma: no cover
            raise AssertionError("a second server started on a busy port")
    finally:
        first.stop()
        second.stop()


def test_chat_page_says_when_rasa_is_not_reachable():
    channels = channels_on_free_ports()
    telegram, whatsapp = channels.start(f"http://127.0.0.1:{free_port()}")
    try:
        for fake in (telegram, whatsapp):
            sent = httpx.post(f"{fake.url}/_demo/send", json={"text": "halo"}, timeout=5)
            assert sent.json() == {"status": 0}
        assert "not reachable" in httpx.get(f"{telegram.url}/", timeout=5).text
    finally:
        telegram.stop()
        whatsapp.stop()
