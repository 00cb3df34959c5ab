"""Sending to Telegram through python-telegram-bot, paced and retried."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from collections.abc import Iterable
from typing import Any

from rasa.core.channels.channel import OutputChannel
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from bot.channels.base import TextAndButtonsJson
from bot.delivery.errors import ConfigurationError, DeliveryError
from bot.delivery.pacing import Pacer
from bot.delivery.retries import Retry, RetryPolicy, send_with_retry
from bot.privacy.sent_log import SentLog
from bot.settings import TelegramSettings
from bot.storage.address_book import AddressBook, UnknownRecipient
from bot.storage.payloads import PayloadStore
from bot.texts import split_text, text

logger = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
CONNECTION_POOL_SIZE = 64
SETTINGS = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL")


def telegram_configuration_error(exc: InvalidToken) -> ConfigurationError:
    """The bot token was refused (401, or 404 for a malformed token or a wrong base URL).

    A 403 (``Forbidden``) is not one: Telegram answers it when one user blocked the bot.
    """
    return ConfigurationError(
        "Telegram", "the Bot API answered 401/404: invalid bot token", SETTINGS
    )


def classify_telegram_error(exc: BaseException) -> Retry | None:
    """Transient (429, 5xx, network, timeouts) -> :class:`Retry`; anything else permanent."""
    if isinstance(exc, RetryAfter):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            after = exc.retry_after
        seconds = after.total_seconds() if isinstance(after, dt.timedelta) else float(after)
        return Retry(after=seconds)
    if isinstance(exc, (BadRequest, Forbidden)):
        return None
    if isinstance(exc, (TimedOut, NetworkError)):
        return Retry()
    return None


class TelegramSender:
    """One process-wide Bot API client with pacing (30 msg/s overall, ~1 msg/s per chat)."""

    def __init__(
        self,
        settings: TelegramSettings,
        addresses: AddressBook,
        payloads: PayloadStore,
        *,
        pacer: Pacer | None = None,
        policy: RetryPolicy = RetryPolicy(),
        sent_log: SentLog | None = None,
    ) -> None:
        """Create the sender; no network call is made until the first send.

        Args:
            settings: Telegram settings (token, API base URL).
            addresses: Address book resolving pseudonyms to chat ids.
            payloads: Store for button payloads longer than 64 bytes.
            pacer: Rate limiter (default: Telegram's documented limits, bursts of 3 per chat).
            policy: Retry policy for transient failures.
            sent_log: Where the ids of sent messages are kept for the safe word's clean-up.
        """
        request = HTTPXRequest(connection_pool_size=CONNECTION_POOL_SIZE, pool_timeout=10.0)
        self.bot = Bot(
            settings.bot_token,
            base_url=f"{settings.api_base_url}/bot",
            base_file_url=f"{settings.api_base_url}/file/bot",
            request=request,
        )
        self.addresses = addresses
        self.payloads = payloads
        self.pacer = pacer or Pacer(
            global_rate=30, global_burst=30, per_key_rate=1, per_key_burst=3
        )
        self.policy = policy
        self.sent_log = sent_log

    async def close(self) -> None:
        """Close the HTTP connection pool."""
        await self.bot.shutdown()

    def chat_id(self, recipient_id: str) -> int:
        """Resolve a pseudonym to its chat id.

        Raises:
            DeliveryError: If no address is stored for it.
        """
        try:
            return int(self.addresses.get(recipient_id).address)
        except UnknownRecipient as exc:
            raise DeliveryError("no Telegram address stored for this recipient") from exc

    def language(self, recipient_id: str) -> str | None:
        """Language hint stored for a recipient."""
        try:
            return self.addresses.get(recipient_id).language
        except UnknownRecipient:
            return None

    def keyboard(self, buttons: Iterable[dict[str, Any]]) -> InlineKeyboardMarkup | None:
        """Inline keyboard, one button per row, from Rasa button dicts."""
        rows = []
        for button in buttons:
            title = str(button.get("title") or button.get("payload") or "?")[:64]
            if button.get("url"):
                rows.append([InlineKeyboardButton(title, url=str(button["url"]))])
                continue
            payload = str(button.get("payload") or title)
            rows.append(
                [
                    InlineKeyboardButton(
                        title, callback_data=self.payloads.shorten(payload, MAX_CALLBACK_BYTES)
                    )
                ]
            )
        return InlineKeyboardMarkup(rows) if rows else None

    async def _call(self, chat_id: int, what: str, call: Any) -> Any:
        await self.pacer.wait(str(chat_id))
        return await send_with_retry(
            call, classify_telegram_error, policy=self.policy, what=f"telegram {what}"
        )

    async def send_text(
        self,
        chat_id: int,
        body: str,
        *,
        reply_markup: InlineKeyboardMarkup | None = None,
        silent: bool = False,
        recipient_id: str | None = None,
    ) -> None:
        """Send text (split at 4096 characters); the keyboard goes with the last part.

        With ``recipient_id`` (the pseudonym), each message id is logged for the safe word.
        """
        parts = split_text(body, MAX_TEXT)
        for index, part in enumerate(parts):
            markup = reply_markup if index == len(parts) - 1 else None

            async def call(part: str = part, markup: Any = markup) -> Any:
                return await self.bot.send_message(
                    chat_id=chat_id,
                    text=part,
                    reply_markup=markup,
                    disable_notification=silent or None,
                )

            sent = await self._call(chat_id, "sendMessage", call)
            await self._log_sent(recipient_id, sent)

    async def _log_sent(self, recipient_id: str | None, sent: Any) -> None:
        message_id = getattr(sent, "message_id", None)
        if self.sent_log is None or recipient_id is None or message_id is None:
            return
        try:
            await asyncio.to_thread(self.sent_log.record, recipient_id, "telegram", str(message_id))
        except Exception as exc:  # noqa: BLE001 - the message is out; never send it twice
            logger.warning("Sent message id not logged (%s)", type(exc).__name__)

    async def delete_messages(self, chat_id: int, message_ids: list[str]) -> int:
        """Delete the assistant's own messages from a chat (best effort); how many went."""
        deleted = 0
        for message_id in message_ids:

            async def call(message_id: str = message_id) -> Any:
                return await self.bot.delete_message(chat_id=chat_id, message_id=int(message_id))

            try:
                await self._call(chat_id, "deleteMessage", call)
                deleted += 1
            except (BadRequest, Forbidden) as exc:  # too old, or already deleted by the person
                logger.info("A message could not be deleted (%s)", type(exc).__name__)
        return deleted

    async def send_photo(self, chat_id: int, url: str, *, silent: bool = False) -> None:
        """Send a photo by URL."""

        async def call() -> Any:
            return await self.bot.send_photo(
                chat_id=chat_id, photo=url, disable_notification=silent or None
            )

        await self._call(chat_id, "sendPhoto", call)

    async def answer_callback(self, callback_query_id: str) -> None:
        """Stop the button's progress indicator (best effort: old queries just fail)."""
        try:
            await send_with_retry(
                lambda: self.bot.answer_callback_query(callback_query_id),
                classify_telegram_error,
                policy=RetryPolicy(max_attempts=2, base_delay=0.2),
                what="telegram answerCallbackQuery",
            )
        except InvalidToken:
            logger.debug("answerCallbackQuery refused: invalid bot token")  # the turn reports it
        except TelegramError as exc:
            logger.info("answerCallbackQuery failed (%s)", type(exc).__name__)


class TelegramOutput(TextAndButtonsJson, OutputChannel):
    """Rasa output channel for Telegram; ``recipient_id`` is the pseudonym.

    Inside a user's turn, a permanent failure (bot blocked, chat gone) is logged and the
    turn goes on; an exhausted transient failure raises so the inbound message is retried; a
    refused bot token raises :class:`~bot.delivery.retries.ConfigurationError` (never retried).
    A proactive channel (caseworker replies, via :meth:`TelegramInput.get_output_channel`)
    raises :class:`DeliveryError` on any failure and sends silently (no notification
    sound or preview), because someone else may hold the phone.
    """

    @classmethod
    def name(cls) -> str:
        """Channel name used by Rasa's ``output_channel`` parameter."""
        return "telegram"

    def __init__(self, sender: TelegramSender, *, proactive: bool = False) -> None:
        """Create the output channel over a shared sender."""
        self.sender = sender
        self.proactive = proactive

    async def _guard(self, coro: Any) -> None:
        try:
            await coro
        except InvalidToken as exc:
            raise telegram_configuration_error(exc) from exc
        except (BadRequest, Forbidden, DeliveryError) as exc:
            logger.warning("Telegram message not delivered (%s)", type(exc).__name__)
            if self.proactive:
                raise DeliveryError(f"Telegram delivery failed: {type(exc).__name__}") from exc
        except (NetworkError, TimedOut, RetryAfter) as exc:
            logger.error("Telegram unavailable after retries (%s)", type(exc).__name__)
            raise DeliveryError(f"Telegram unavailable: {type(exc).__name__}") from exc

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send a text message."""
        chat_id = await asyncio.to_thread(self.sender.chat_id, recipient_id)
        await self._guard(
            self.sender.send_text(chat_id, text, silent=self.proactive, recipient_id=recipient_id)
        )

    async def send_text_with_buttons(
        self, recipient_id: str, text_: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Send text with an inline keyboard (one button per row)."""
        chat_id = await asyncio.to_thread(self.sender.chat_id, recipient_id)
        body = text_ or text("choose", await asyncio.to_thread(self.sender.language, recipient_id))
        markup = await asyncio.to_thread(self.sender.keyboard, buttons)
        await self._guard(
            self.sender.send_text(
                chat_id,
                body,
                reply_markup=markup,
                silent=self.proactive,
                recipient_id=recipient_id,
            )
        )

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Send an image by URL."""
        chat_id = await asyncio.to_thread(self.sender.chat_id, recipient_id)
        await self._guard(self.sender.send_photo(chat_id, image, silent=self.proactive))
