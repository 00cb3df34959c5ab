"""Sending through the WhatsApp Cloud API (Graph ``/<phone-number-id>/messages``)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx
from rasa.core.channels.channel import OutputChannel

from bot.channels.base import TextAndButtonsJson
from bot.delivery.errors import ConfigurationError, DeliveryError
from bot.delivery.pacing import Pacer
from bot.delivery.retries import Retry, RetryPolicy, send_with_retry
from bot.nlu.language import detect_language
from bot.privacy.previews import is_innocent
from bot.settings import WhatsAppSettings
from bot.storage.address_book import Address, AddressBook, UnknownRecipient
from bot.storage.payloads import PayloadStore
from bot.texts import split_text, text

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 24 * 3600
WINDOW_MARGIN_SECONDS = 60
MAX_TEXT, MAX_BODY, MAX_BUTTONS, MAX_BUTTON_TITLE = 4096, 1024, 3, 20
MAX_ROWS, MAX_ROW_TITLE, MAX_ID = 10, 24, 200
RETRYABLE_CODES = {4, 80007, 130429, 131056}
WINDOW_CLOSED_CODES = {131047, 470}
CREDENTIALS_STATUSES = {401, 403}
INVALID_TOKEN_CODE = 190  # OAuthException: access token invalid or expired
SETTINGS = ("WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_API_BASE_URL")


class GraphError(RuntimeError):
    """An error answer from the Graph API (``status`` and Meta ``code`` only, no content)."""

    def __init__(self, status: int, code: int | None) -> None:
        super().__init__(f"Graph API error {status} (code {code})")
        self.status = status
        self.code = code


def is_credentials_error(exc: GraphError) -> bool:
    """True when the Graph API refused our access token or permissions (401, 403, code 190)."""
    return exc.status in CREDENTIALS_STATUSES or exc.code == INVALID_TOKEN_CODE


def whatsapp_configuration_error(exc: GraphError) -> ConfigurationError:
    """The error to raise when the Graph API refused our credentials."""
    return ConfigurationError(
        "WhatsApp", f"the Graph API answered {exc.status}, code {exc.code}", SETTINGS
    )


class WindowClosedError(DeliveryError):
    """The 24-hour customer-service window is closed: only a template may be sent.

    Attributes:
        template_sent: True if the configured template was sent instead.
    """

    def __init__(self, template_sent: bool) -> None:
        detail = (
            "the approved template was sent instead"
            if template_sent
            else "no template is configured"
        )
        super().__init__(f"WhatsApp 24-hour window is closed; {detail}")
        self.template_sent = template_sent


def classify_graph_error(exc: BaseException) -> Retry | None:
    """429, rate-limit codes, 5xx and network errors are transient; the rest permanent."""
    if isinstance(exc, GraphError):
        if exc.code in WINDOW_CLOSED_CODES:
            return None
        if exc.status == 429 or exc.code in RETRYABLE_CODES or exc.status >= 500:
            return Retry()
        return None
    if isinstance(exc, httpx.TransportError):
        return Retry()
    return None


class WhatsAppSender:
    """Process-wide Graph API client with pacing (80 msg/s per number, bursts per user)."""

    def __init__(
        self,
        settings: WhatsAppSettings,
        addresses: AddressBook,
        payloads: PayloadStore,
        *,
        pacer: Pacer | None = None,
        policy: RetryPolicy = RetryPolicy(),
        clock: Any = time.time,
    ) -> None:
        """Create the sender; no network call is made until the first send."""
        self.settings = settings
        self.addresses = addresses
        self.payloads = payloads
        self.pacer = pacer or Pacer(
            global_rate=80, global_burst=80, per_key_rate=1 / 6, per_key_burst=45
        )
        self.policy = policy
        self.clock = clock
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(10.0, connect=5.0),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
            headers={"Authorization": f"Bearer {settings.access_token}"},
        )

    async def close(self) -> None:
        """Close the HTTP connection pool."""
        await self.client.aclose()

    def address(self, recipient_id: str) -> Address:
        """Resolve a pseudonym.

        Raises:
            DeliveryError: If no address is stored for it.
        """
        try:
            return self.addresses.get(recipient_id)
        except UnknownRecipient as exc:
            raise DeliveryError("no WhatsApp address stored for this recipient") from exc

    def window_open(self, address: Address) -> bool:
        """True while the user's last message is less than 24 hours old."""
        last = address.last_inbound_at
        return last is not None and self.clock() - last < WINDOW_SECONDS - WINDOW_MARGIN_SECONDS

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        reply = await self.client.post(self.settings.messages_url, json=body)
        if reply.status_code >= 300:
            try:
                code = reply.json().get("error", {}).get("code")
            except ValueError:
                code = None
            raise GraphError(reply.status_code, code if isinstance(code, int) else None)
        return dict(reply.json())

    async def post(self, wa_id: str, kind: str, content: dict[str, Any]) -> dict[str, Any]:
        """Send one message of type ``kind`` (paced, retried)."""
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": wa_id,
            "type": kind,
            kind: content,
        }
        await self.pacer.wait(wa_id)
        return await send_with_retry(
            lambda: self._post(body),
            classify_graph_error,
            policy=self.policy,
            what=f"whatsapp {kind}",
        )

    async def mark_read(self, wamid: str) -> None:
        """Mark an inbound message read and show a typing indicator (best effort)."""
        body = {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": wamid,
            "typing_indicator": {"type": "text"},
        }
        try:
            await send_with_retry(
                lambda: self._post(body),
                classify_graph_error,
                policy=RetryPolicy(max_attempts=2, base_delay=0.2),
                what="whatsapp read",
            )
        except GraphError as exc:
            if is_credentials_error(exc):  # the turn's reply reports it, once
                logger.debug("Mark-as-read refused: credentials")
            else:
                logger.info("Mark-as-read failed (%s)", type(exc).__name__)
        except httpx.HTTPError as exc:
            logger.info("Mark-as-read failed (%s)", type(exc).__name__)

    async def send_template(self, wa_id: str) -> bool:
        """Send the configured approved template; False if none is configured."""
        if not self.settings.template_name:
            return False
        content = {
            "name": self.settings.template_name,
            "language": {"code": self.settings.template_language, "policy": "deterministic"},
        }
        await self.post(wa_id, "template", content)
        return True

    async def send_text(self, wa_id: str, body: str) -> None:
        """Send text, split at 4096 characters."""
        for part in split_text(body, MAX_TEXT):
            await self.post(wa_id, "text", {"preview_url": False, "body": part})

    async def send_choices(
        self, address: Address, body: str, buttons: list[dict[str, Any]]
    ) -> None:
        """Send Rasa buttons: reply buttons (<=3, titles <=20), a list (<=10), or numbered text."""
        wa_id = address.address
        # "Choose one" follows the words it goes with; the address's language otherwise.
        language = (detect_language(body) if body else None) or address.language
        titles = [str(b.get("title") or b.get("payload") or "?") for b in buttons]
        payloads = await asyncio.to_thread(
            lambda: [
                self.payloads.shorten(str(b.get("payload") or t), MAX_ID)
                for b, t in zip(buttons, titles, strict=True)
            ]
        )
        unique = len(set(titles)) == len(titles)
        body = body or text("choose", language)
        if len(body) > MAX_BODY:
            head, _, tail = body.rpartition("\n\n")
            # The last block goes with the buttons, as a message of its own: only if its
            # first line (a contact's name, "... Police") is fit for a notification.
            if head and len(tail) <= MAX_BODY and is_innocent(tail):
                await self.send_text(wa_id, head)
                body = tail
            else:
                await self.send_text(wa_id, body)
                body = text("choose", language)
        if (
            unique
            and len(buttons) <= MAX_BUTTONS
            and all(len(t) <= MAX_BUTTON_TITLE for t in titles)
        ):
            action = {
                "buttons": [
                    {"type": "reply", "reply": {"id": p, "title": t}}
                    for p, t in zip(payloads, titles, strict=True)
                ]
            }
            await self.post(
                wa_id, "interactive", {"type": "button", "body": {"text": body}, "action": action}
            )
        elif unique and len(buttons) <= MAX_ROWS and all(len(t) <= MAX_ROW_TITLE for t in titles):
            rows = [{"id": p, "title": t} for p, t in zip(payloads, titles, strict=True)]
            list_action: dict[str, Any] = {
                "button": text("choose_button", language),
                "sections": [{"rows": rows}],
            }
            await self.post(
                wa_id,
                "interactive",
                {"type": "list", "body": {"text": body}, "action": list_action},
            )
        else:
            lines = [f"{i}. {t}" for i, t in enumerate(titles, start=1)]
            await self.send_text(
                wa_id, "\n".join([body, "", *lines, "", text("numbered_hint", language)])
            )
            await asyncio.to_thread(
                self.addresses.set_choices,
                address.sender_id,
                [str(b.get("payload") or t) for b, t in zip(buttons, titles, strict=True)],
            )
            return
        await self.forget_choices(address.sender_id)

    async def forget_choices(self, sender_id: str) -> None:
        """Drop a stale numbered list once something else was sent.

        The list lives in the database, so this always asks it: another instance, or this
        one before a restart, may have sent it. Nothing is written when there is none.
        """
        await asyncio.to_thread(self.addresses.clear_choices, sender_id)


class WhatsAppOutput(TextAndButtonsJson, OutputChannel):
    """Rasa output channel for WhatsApp; ``recipient_id`` is the pseudonym.

    Outside the 24-hour window only the approved template may be sent: the output channel
    sends it (if configured) and raises :class:`WindowClosedError` so the sender (e.g. the
    caseworker console calling Rasa's API) learns the text itself was not delivered. A refused
    access token raises :class:`~bot.delivery.retries.ConfigurationError` (never retried).
    """

    @classmethod
    def name(cls) -> str:
        """Channel name used by Rasa's ``output_channel`` parameter."""
        return "whatsapp"

    def __init__(self, sender: WhatsAppSender, *, proactive: bool = False) -> None:
        """Create the output channel over a shared sender."""
        self.sender = sender
        self.proactive = proactive

    async def _deliver(self, recipient_id: str, send: Any) -> None:
        address = await asyncio.to_thread(self.sender.address, recipient_id)
        if not self.sender.window_open(address):
            await self._window_closed(address)
        try:
            await send(address)
        except GraphError as exc:
            if is_credentials_error(exc):
                raise whatsapp_configuration_error(exc) from exc
            if exc.code in WINDOW_CLOSED_CODES:
                await self._window_closed(address)
            logger.warning(
                "WhatsApp message not delivered (status %s, code %s)", exc.status, exc.code
            )
            if self.proactive or classify_graph_error(exc) is not None:
                raise DeliveryError(f"WhatsApp delivery failed (code {exc.code})") from exc
        except httpx.HTTPError as exc:
            logger.error("WhatsApp unavailable after retries (%s)", type(exc).__name__)
            raise DeliveryError(f"WhatsApp unavailable: {type(exc).__name__}") from exc

    async def _window_closed(self, address: Address) -> None:
        try:
            sent = await self.sender.send_template(address.address)
        except (GraphError, httpx.HTTPError) as exc:
            logger.warning("WhatsApp template not delivered (%s)", type(exc).__name__)
            sent = False
        logger.info("WhatsApp window closed; template %s", "sent" if sent else "not configured")
        raise WindowClosedError(template_sent=sent)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send a text message."""

        async def send(address: Address) -> None:
            await self.sender.send_text(address.address, text)
            await self.sender.forget_choices(recipient_id)

        await self._deliver(recipient_id, send)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Send text with choices (reply buttons, list or numbered text)."""

        async def send(address: Address) -> None:
            await self.sender.send_choices(address, text, buttons)

        await self._deliver(recipient_id, send)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Send an image by link."""

        async def send(address: Address) -> None:
            await self.sender.post(address.address, "image", {"link": image})

        await self._deliver(recipient_id, send)
