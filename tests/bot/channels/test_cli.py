"""The channel CLI against the fake Bot API."""

from __future__ import annotations

from bot.channels.cli import main, make_bot, poll
from bot.settings import TelegramSettings
from devtools.fake_telegram import callback_update, message_update


def _env(monkeypatch, fake):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", fake.token)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "cli_secret")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake.url)


def test_set_webhook_sends_secret_allowed_updates_and_drop_pending(
    fake_telegram, monkeypatch, capsys
):
    _env(monkeypatch, fake_telegram)
    url = "https://bot.example.org/webhooks/telegram/webhook"
    assert main(["telegram", "set-webhook", "--url", url, "--drop-pending-updates"]) == 0
    [call] = fake_telegram.calls("setWebhook")
    assert call.params["url"] == url
    assert call.params["secret_token"] == "cli_secret"
    assert call.params["allowed_updates"] == ["message", "callback_query"]
    assert call.params["drop_pending_updates"] is True
    assert main(["telegram", "webhook-info"]) == 0
    assert url in capsys.readouterr().out
    assert "cli_secret" not in capsys.readouterr().out


def test_cli_without_token_exits_with_message(monkeypatch, capsys):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["telegram", "webhook-info"]) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


async def test_poll_forwards_updates_in_order_and_retries_until_accepted(fake_telegram):
    fake_telegram.updates = [message_update(1, "satu"), callback_update(1, "/affirm")]
    last_id = fake_telegram.updates[-1]["update_id"]
    settings = TelegramSettings(fake_telegram.token, "s", fake_telegram.url)
    forwarded: list[dict] = []
    answers = iter([503, 200, 200])

    async def forward(update: dict) -> int:
        status = next(answers)
        if status == 200:
            forwarded.append(update)
        return status

    accepted = await poll(make_bot(settings), forward, timeout=0, max_polls=2, retry_delay=0.01)
    assert accepted == 2
    assert forwarded[0]["message"]["text"] == "satu"
    assert forwarded[0]["message"]["from"]["id"] == 1
    assert forwarded[1]["callback_query"]["data"] == "/affirm"
    assert fake_telegram.calls("deleteWebhook")
    assert fake_telegram.calls("getUpdates")[1].params["offset"] == last_id + 1
