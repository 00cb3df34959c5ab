"""WhatsApp Cloud API custom channel for Rasa: ``/webhooks/whatsapp/webhook``.

``GET`` answers Meta's verification handshake. ``POST`` checks ``X-Hub-Signature-256``
(HMAC-SHA256 of the raw body with the app secret, constant time, else 403, before anything
else), commits each
message to the inbox (dedup on the ``wamid``), answers 200, then processes in the
background: mark as read, run the Rasa turn, reply through
:class:`~bot.channels.whatsapp.output.WhatsAppOutput`. Status callbacks are accepted and
ignored.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.cases.models import OutboxItem
from bot.channels.base import WebhookChannel
from bot.channels.rasa_bridge import ensure_ready, tracker_has_message, tracker_language
from bot.channels.stores import Runtime
from bot.channels.whatsapp import replies
from bot.channels.whatsapp.output import WhatsAppOutput, WhatsAppSender
from bot.channels.whatsapp.updates import WhatsAppInbound, parse_webhook
from bot.storage.inbox import InboxRow
from bot.texts import text

logger = logging.getLogger(__name__)

CHANNEL = "whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"


def signature_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """Check ``X-Hub-Signature-256: sha256=<hex>`` over the raw body in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(
        expected.encode("ascii"),
        header[len("sha256=") :].strip().lower().encode("ascii", "replace"),
    )


class WhatsAppInput(WebhookChannel[WhatsAppSender]):
    """Rasa input channel for the WhatsApp Cloud API, configured from the environment."""

    CHANNEL = CHANNEL
    LABEL = "WhatsApp"
    DISABLED_BECAUSE = "WHATSAPP_ACCESS_TOKEN and friends are not set"

    def _configured(self) -> bool:
        return self.settings.whatsapp is not None

    def _make_sender(self, runtime: Runtime) -> WhatsAppSender:
        assert self.settings.whatsapp is not None
        return WhatsAppSender(self.settings.whatsapp, runtime.addresses, runtime.payloads)

    def _output(self, sender: WhatsAppSender, *, proactive: bool = False) -> OutputChannel:
        return WhatsAppOutput(sender, proactive=proactive)

    def _add_routes(self, bp: Blueprint) -> None:
        """``GET /webhook``: Meta's verification handshake."""

        @bp.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            return self._verify(request)

    def _verify(self, request: Request) -> HTTPResponse:
        if self.settings.whatsapp is None:
            return response.json({"error": "whatsapp channel disabled"}, status=503)
        token = str(request.args.get("hub.verify_token", ""))
        expected = self.settings.whatsapp.verify_token
        if request.args.get("hub.mode") == "subscribe" and hmac.compare_digest(
            token.encode(), expected.encode()
        ):
            return response.text(str(request.args.get("hub.challenge", "")))
        self.rejections.warning("WhatsApp verification handshake rejected")
        return response.text("forbidden", status=403)

    async def _receive(self, request: Request) -> HTTPResponse:
        if self.settings.whatsapp is None or self.runtime is None or self.worker is None:
            return response.json({"error": "whatsapp channel disabled"}, status=503)
        body = request.body or b""
        # Before any work (no JSON, no database, no Rasa): a flood of forged notifications
        # costs one HMAC each, and one log line a minute.
        if not signature_valid(
            self.settings.whatsapp.app_secret, body, request.headers.get(SIGNATURE_HEADER)
        ):
            self.rejections.warning("WhatsApp webhook rejected: bad or missing signature")
            return response.json({"error": "forbidden"}, status=403)
        self._bound(request)
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return response.json({"error": "invalid JSON"}, status=400)
        if not isinstance(data, dict):
            return response.json({"error": "not a WhatsApp notification"}, status=400)
        try:
            # Expanding a shortened reply id may read the database: off the loop.
            messages, summary = await asyncio.to_thread(
                parse_webhook, data, self.settings.whatsapp.phone_number_id, self.runtime.payloads
            )
        except SQLAlchemyError as exc:
            # The database is down, the notification is fine: refuse, Meta sends it again.
            logger.error(
                "WhatsApp notification not read (%s); asking Meta to retry", type(exc).__name__
            )
            return response.json({"error": "storage unavailable"}, status=503)
        except Exception as exc:  # noqa: BLE001 - a poison notification must not block the queue
            logger.warning("Unparseable WhatsApp notification ignored (%s)", type(exc).__name__)
            return response.json({"status": "ignored"})
        if summary.failed_statuses:
            logger.info(
                "WhatsApp reported failed deliveries, codes %s",
                sorted(set(summary.failed_statuses)),
            )
        accepted: list[InboxRow] = []
        try:
            for inbound in messages:
                row = await asyncio.to_thread(self._accept, inbound)
                if row is not None:
                    accepted.append(row)
        except SQLAlchemyError as exc:
            # Never "200 then drop": refuse so Meta delivers the notification again; rows
            # already stored are deduplicated on the retry.
            for row in accepted:
                self.worker.submit(row)
            logger.error(
                "WhatsApp message not stored (%s); asking Meta to retry", type(exc).__name__
            )
            return response.json({"error": "storage unavailable"}, status=503)
        for row in accepted:
            self.worker.submit(row)
        return response.json({"status": "accepted", "messages": len(accepted)})

    def _accept(self, inbound: WhatsAppInbound) -> InboxRow | None:
        return self._store(
            inbound, user_id=inbound.wa_id, delivery_id=inbound.wamid, wamid=inbound.wamid
        )

    def _acknowledge(self, row: InboxRow) -> None:
        if self.sender is not None and row.payload.get("wamid"):
            self._background(self.sender.mark_read(row.payload["wamid"]))

    async def _deliver(self, item: OutboxItem) -> None:
        assert self.sender is not None
        await replies.deliver(self.sender, item)

    async def _handle_row(self, row: InboxRow) -> None:
        assert (
            self.sender is not None
            and self.runtime is not None
            and self._on_new_message is not None
        )
        payload = row.payload
        ensure_ready(self._app)
        if row.recovered and await tracker_has_message(
            self._app, row.sender_id, payload["message_id"]
        ):
            logger.info("Recovered WhatsApp message was already handled; not repeated")
            return
        # Best effort and off the critical path: the turn does not wait for the receipt.
        self._background(self.sender.mark_read(payload["wamid"]))
        output = self._replies(row, WhatsAppOutput(self.sender))
        if payload["kind"] == "unsupported":
            language = await tracker_language(self._app, row.sender_id) or payload.get("language")
            await output.send_response(row.sender_id, {"text": text("unsupported", language)})
            return
        message_text = payload["text"]
        if payload["kind"] == "text" and message_text.strip().isdigit():
            choices = await asyncio.to_thread(self.runtime.addresses.choices, row.sender_id)
            number = int(message_text.strip())
            if 1 <= number <= len(choices):
                message_text = choices[number - 1]
                await self.sender.forget_choices(row.sender_id)
        await self._on_new_message(
            UserMessage(
                text=message_text,
                output_channel=output,
                sender_id=row.sender_id,
                input_channel=CHANNEL,
                message_id=payload["message_id"],
                metadata=payload["metadata"],
            )
        )
