"""Channel command line: Telegram webhook set-up and long polling.

Usage::

    python -m bot.channels.cli telegram set-webhook --url https://bot.example.org/webhooks/telegram/webhook
    python -m bot.channels.cli telegram webhook-info
    python -m bot.channels.cli telegram delete-webhook
    python -m bot.channels.cli telegram poll --rasa-url http://127.0.0.1:5005

``poll`` serves a laptop without a public URL: it removes the webhook, fetches updates with
``getUpdates`` and forwards each one, with the secret token, to the local Rasa webhook, so
updates take exactly the path they take in production (dedup, inbox, pseudonyms). The
offset only moves past an update once Rasa has accepted it, so nothing is lost.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx
from telegram import Bot
from telegram.error import TelegramError

from bot.channels.common import quiet_http_client_logs
from bot.settings import DEFAULT_RASA_PORT, SettingsError, TelegramSettings, load_settings

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
WEBHOOK_PATH = "/webhooks/telegram/webhook"

Forward = Callable[[dict[str, Any]], Awaitable[int]]


def make_bot(settings: TelegramSettings) -> Bot:
    """A python-telegram-bot client for the configured Bot API server."""
    return Bot(settings.bot_token, base_url=f"{settings.api_base_url}/bot")


async def set_webhook(
    bot: Bot, url: str, secret: str, *, drop_pending_updates: bool, max_connections: int
) -> bool:
    """Register the webhook with the secret token and the update types Lentera handles."""
    async with bot:
        return bool(
            await bot.set_webhook(
                url=url,
                secret_token=secret,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=drop_pending_updates,
                max_connections=max_connections,
            )
        )


def forwarder(rasa_url: str, secret: str) -> Forward:
    """Forward a raw update to Rasa's Telegram webhook; returns the HTTP status."""
    client = httpx.AsyncClient(timeout=30)

    async def forward(update: dict[str, Any]) -> int:
        reply = await client.post(
            rasa_url.rstrip("/") + WEBHOOK_PATH,
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": secret},
        )
        return reply.status_code

    return forward


async def poll(
    bot: Bot,
    forward: Forward,
    *,
    timeout: int = 30,
    max_polls: int | None = None,
    retry_delay: float = 2.0,
) -> int:
    """Long-poll ``getUpdates`` and forward each update; returns how many were accepted.

    Args:
        bot: Bot API client.
        forward: Sends one update to Rasa and returns the HTTP status.
        timeout: Long-polling timeout in seconds.
        max_polls: Stop after this many ``getUpdates`` calls (tests); None runs forever.
        retry_delay: Wait after a failure before trying again.
    """
    accepted, polls, offset = 0, 0, None
    async with bot:
        await bot.delete_webhook(drop_pending_updates=False)
        while max_polls is None or polls < max_polls:
            polls += 1
            try:
                updates = await bot.get_updates(
                    offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES
                )
            except TelegramError as exc:
                logger.warning("getUpdates failed (%s)", type(exc).__name__)
                await asyncio.sleep(retry_delay)
                continue
            if not updates:
                await asyncio.sleep(0.5 if timeout == 0 else 0)
            for update in updates:
                status = await _forward_until_accepted(forward, update.to_dict(), retry_delay)
                if status == 403:
                    raise SettingsError(
                        "Rasa refused the secret token: check TELEGRAM_WEBHOOK_SECRET"
                    )
                accepted += status < 300
                offset = update.update_id + 1
    return accepted


async def _forward_until_accepted(forward: Forward, data: dict[str, Any], delay: float) -> int:
    while True:
        try:
            status = await forward(data)
        except httpx.HTTPError as exc:
            logger.warning("Rasa unreachable (%s); retrying", type(exc).__name__)
            await asyncio.sleep(delay)
            continue
        if status < 500:
            if status >= 300:
                logger.warning("Rasa answered %s; update skipped", status)
            return status
        logger.warning("Rasa answered %s; retrying", status)
        await asyncio.sleep(delay)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot.channels.cli", description="Lentera channels"
    )
    channels = parser.add_subparsers(dest="channel", required=True)
    telegram = channels.add_parser("telegram", help="Telegram Bot API")
    commands = telegram.add_subparsers(dest="command", required=True)
    hook = commands.add_parser("set-webhook", help="register the webhook with the secret token")
    hook.add_argument("--url", required=True, help="public HTTPS URL of " + WEBHOOK_PATH)
    hook.add_argument("--drop-pending-updates", action="store_true")
    hook.add_argument("--max-connections", type=int, default=40)
    delete = commands.add_parser("delete-webhook", help="remove the webhook")
    delete.add_argument("--drop-pending-updates", action="store_true")
    commands.add_parser("webhook-info", help="show the webhook status (no secrets)")
    polling = commands.add_parser("poll", help="long polling for a machine without public URL")
    polling.add_argument("--rasa-url", default=f"http://127.0.0.1:{DEFAULT_RASA_PORT}")
    polling.add_argument("--timeout", type=int, default=30)
    return parser


async def _run(args: argparse.Namespace, settings: TelegramSettings) -> int:
    bot = make_bot(settings)
    if args.command == "set-webhook":
        ok = await set_webhook(
            bot,
            args.url,
            settings.webhook_secret,
            drop_pending_updates=args.drop_pending_updates,
            max_connections=args.max_connections,
        )
        print("Webhook set" if ok else "Webhook not set")
        return 0 if ok else 1
    if args.command == "delete-webhook":
        async with bot:
            await bot.delete_webhook(drop_pending_updates=args.drop_pending_updates)
        print("Webhook deleted")
        return 0
    if args.command == "webhook-info":
        async with bot:
            info = await bot.get_webhook_info()
        print(f"url={info.url or '-'} pending={info.pending_update_count}")
        if info.last_error_message:
            print(f"last error: {info.last_error_message}")
        return 0
    forward = forwarder(args.rasa_url, settings.webhook_secret)
    print(f"Polling Telegram and forwarding to {args.rasa_url}{WEBHOOK_PATH} (Ctrl-C stops)")
    await poll(bot, forward, timeout=args.timeout)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    quiet_http_client_logs()  # Bot API URLs hold the bot token
    args = _parser().parse_args(argv)
    try:
        settings = load_settings().telegram
        if settings is None:
            raise SettingsError("TELEGRAM_BOT_TOKEN is not set")
        return asyncio.run(_run(args, settings))
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except TelegramError as exc:
        print(f"error: Telegram refused the call ({type(exc).__name__})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
