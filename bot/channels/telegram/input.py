"""Telegram custom channel for Rasa: ``POST /webhooks/telegram/webhook``.

Flow of one update: check ``X-Telegram-Bot-Api-Secret-Token`` (constant time, else 403,
before anything else) ->
parse with python-telegram-bot -> commit to the inbox (dedup on ``update_id``) -> answer
200 -> process in the background (answer the callback query, run the Rasa turn, reply
through :class:`~bot.channels.telegram.output.TelegramOutput`).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.cases.models import OutboxItem
from bot.channels.base import WebhookChannel
from bot.channels.rasa_bridge import ensure_ready, tracker_has_message, tracker_language
from bot.channels.stores import Runtime
from bot.channels.telegram import replies
from bot.channels.telegram.output import TelegramOutput, TelegramSender
from bot.channels.telegram.updates import TelegramInbound, parse_update
from bot.storage.inbox import InboxRow
from bot.texts import text

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


class TelegramInput(WebhookChannel[TelegramSender]):
    """Rasa input channel for Telegram, configured from the environment."""

    CHANNEL = CHANNEL
    LABEL = "Telegram"
    DISABLED_BECAUSE = "TELEGRAM_BOT_TOKEN is not set"

    def _configured(self) -> bool:
        return self.settings.telegram is not None

    def _make_sender(self, runtime: Runtime) -> TelegramSender:
        assert self.settings.telegram is not None
        return TelegramSender(
            self.settings.telegram, runtime.addresses, runtime.payloads, sent_log=runtime.sent
        )

    def _output(self, sender: TelegramSender, *, proactive: bool = False) -> OutputChannel:
        return TelegramOutput(sender, proactive=proactive)

    async def _clean_chat(self, sender_id: str) -> int:
        assert self.sender is not None and self.runtime is not None
        refs = await asyncio.to_thread(self.runtime.sent.recent, sender_id, CHANNEL)
        if not refs:
            return 0
        chat_id = await asyncio.to_thread(self.sender.chat_id, sender_id)
        return await self.sender.delete_messages(chat_id, refs)

    async def _receive(self, request: Request) -> HTTPResponse:
        if self.settings.telegram is None or self.runtime is None or self.worker is None:
            return response.json({"error": "telegram channel disabled"}, status=503)
        # Before any work (no JSON, no database, no Rasa): a flood of forged updates costs
        # one comparison each, and one log line a minute.
        supplied = request.headers.get(SECRET_HEADER, "").encode("utf-8")
        if not hmac.compare_digest(supplied, self.settings.telegram.webhook_secret.encode("utf-8")):
            self.rejections.warning("Telegram webhook rejected: bad or missing secret token")
            return response.json({"error": "forbidden"}, status=403)
        self._bound(request)
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return response.json({"error": "invalid JSON"}, status=400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return response.json({"error": "not a Telegram update"}, status=400)
        try:
            # Expanding a shortened button payload may read the database: off the loop.
            inbound = await asyncio.to_thread(parse_update, data, self.runtime.payloads)
        except SQLAlchemyError as exc:
            # The database is down, the update is fine: refuse, Telegram sends it again.
            logger.error(
                "Telegram update not read (%s); asking Telegram to retry", type(exc).__name__
            )
            return response.json({"error": "storage unavailable"}, status=503)
        except Exception as exc:  # noqa: BLE001 - a poison update must not block the queue
            logger.warning("Unparseable Telegram update ignored (%s)", type(exc).__name__)
            return response.json({"status": "ignored"})
        if inbound is None:
            return response.json({"status": "ignored"})
        try:
            row = await asyncio.to_thread(self._accept, inbound)
        except SQLAlchemyError as exc:
            # Never "200 then drop": refuse so Telegram delivers the update again.
            logger.error(
                "Telegram update not stored (%s); asking Telegram to retry", type(exc).__name__
            )
            return response.json({"error": "storage unavailable"}, status=503)
        if row is None:
            return response.json({"status": "duplicate"})
        self.worker.submit(row)
        return response.json({"status": "accepted"})

    def _accept(self, inbound: TelegramInbound) -> InboxRow | None:
        return self._store(
            inbound,
            user_id=str(inbound.chat_id),
            delivery_id=inbound.update_id,
            callback_query_id=inbound.callback_query_id,
        )

    def _acknowledge(self, row: InboxRow) -> None:
        if self.sender is not None and row.payload.get("callback_query_id"):
            self._background(self.sender.answer_callback(row.payload["callback_query_id"]))

    async def _deliver(self, item: OutboxItem) -> None:
        assert self.sender is not None
        await replies.deliver(self.sender, item)

    async def _handle_row(self, row: InboxRow) -> None:
        assert self.sender is not None and self._on_new_message is not None
        payload = row.payload
        ensure_ready(self._app)
        if row.recovered and await tracker_has_message(
            self._app, row.sender_id, payload["message_id"]
        ):
            logger.info("Recovered Telegram message was already handled; not repeated")
            return
        if payload.get("callback_query_id"):
            # Stops the button's spinner; best effort, the turn does not wait for it.
            self._background(self.sender.answer_callback(payload["callback_query_id"]))
        output = self._replies(row, TelegramOutput(self.sender))
        if payload["kind"] == "unsupported":
            language = await tracker_language(self._app, row.sender_id) or payload.get("language")
            await output.send_response(row.sender_id, {"text": text("unsupported", language)})
            return
        await self._on_new_message(
            UserMessage(
                text=payload["text"],
                output_channel=output,
                sender_id=row.sender_id,
                input_channel=CHANNEL,
                message_id=payload["message_id"],
                metadata=payload["metadata"],
            )
        )
