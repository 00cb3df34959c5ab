"""Case messages from the outbox (caseworker replies, the resume message) to Telegram."""

from __future__ import annotations

import asyncio

from telegram.error import BadRequest, Forbidden, InvalidToken

from bot.cases.models import OutboxItem
from bot.channels.telegram.output import TelegramSender, telegram_configuration_error
from bot.delivery.errors import DeliveryError
from bot.delivery.outbox import Refused


async def deliver(sender: TelegramSender, item: OutboxItem) -> None:
    """Send one outbox item to the chat stored for its pseudonym.

    A message the caseworker writes first (the person has not written since the case's
    last outbound message: a follow-up, the first reply after a silence) is sent silently
    (``disable_notification``: no sound), like every message Lentera starts itself, because
    someone else may hold the phone. A reply to a fresh message from the person rings, as
    any answer does.

    Raises:
        Refused: ``no_address`` (the person never wrote, or deleted their data), ``blocked``
            (403) or ``rejected`` (400): never retried.
        bot.delivery.errors.ConfigurationError: If the bot token is refused.
        telegram.error.TelegramError: Transient failures left after the sender's retries.
    """
    try:
        chat_id = await asyncio.to_thread(sender.chat_id, item.conversation_id)
    except DeliveryError as exc:
        raise Refused("no_address") from exc
    try:
        await sender.send_text(
            chat_id,
            item.body,
            silent=not item.answers_person,
            recipient_id=item.conversation_id,
        )
    except InvalidToken as exc:
        raise telegram_configuration_error(exc) from exc
    except Forbidden as exc:
        raise Refused("blocked") from exc
    except BadRequest as exc:
        raise Refused("rejected") from exc
