"""Turn a Telegram ``Update`` (parsed by python-telegram-bot) into what the bot needs."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from telegram import Message, Update

from bot.channels.common import clean_text, location_text
from bot.languages import normalise_language
from bot.storage.payloads import PayloadStore

logger = logging.getLogger(__name__)

UNSUPPORTED_ATTRIBUTES = (
    "voice",
    "audio",
    "photo",
    "sticker",
    "document",
    "video",
    "video_note",
    "animation",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
)
COMMAND_ALIASES = {"/start": "/greet", "/help": "/greet"}


@dataclass(frozen=True)
class TelegramInbound:
    """One user action worth a turn.

    Attributes:
        update_id: Telegram's delivery id (dedup key).
        chat_id: Private chat to reply to (never logged, stored encrypted).
        kind: ``text``, ``callback``, ``location`` or ``unsupported``.
        text: Text for Rasa (None for ``unsupported``).
        language: ``id``/``en`` from the user's Telegram language, or None.
        sent_at: Unix time the user sent it.
        callback_query_id: Id to answer for button presses.
        metadata: Metadata for Rasa (no identifiers).
    """

    update_id: int
    chat_id: int
    kind: str
    text: str | None
    language: str | None
    sent_at: float | None = None
    callback_query_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def command_text(raw: str) -> str:
    """Normalise a leading bot command: drop ``@botname``, map ``/start`` to ``/greet``."""
    if not raw.startswith("/"):
        return raw
    head, _, rest = raw.partition(" ")
    command = head.split("@", 1)[0].lower()
    if command in COMMAND_ALIASES:
        return COMMAND_ALIASES[command]  # deep-link parameters are dropped on purpose
    return (command + (" " + rest if rest else "")) if "{" not in head else raw


def _from_message(update_id: int, message: Message, language: str | None) -> TelegramInbound | None:
    chat_id = message.chat.id
    sent_at = message.date.timestamp() if message.date else None
    base: dict[str, Any] = {
        "update_id": update_id,
        "chat_id": chat_id,
        "language": language,
        "sent_at": sent_at,
    }
    location = message.location or (message.venue.location if message.venue else None)
    if location is not None:
        text, metadata = location_text(location.latitude, location.longitude)
        return TelegramInbound(kind="location", text=text, metadata=metadata, **base)
    if message.text is not None:
        text = command_text(clean_text(message.text))
        if not text:
            return TelegramInbound(kind="unsupported", text=None, **base)
        return TelegramInbound(kind="text", text=text, **base)
    if any(getattr(message, name, None) for name in UNSUPPORTED_ATTRIBUTES):
        return TelegramInbound(kind="unsupported", text=None, **base)
    return None  # service messages (pins, member changes, ...)


def parse_update(
    data: dict[str, Any], payloads: PayloadStore | None = None
) -> TelegramInbound | None:
    """Interpret a webhook update.

    Args:
        data: Decoded JSON of the update (must contain an integer ``update_id``).
        payloads: Store to expand shortened button payloads.

    Returns:
        The inbound action, or None for updates the bot ignores (edits, group chats,
        channel posts, member updates and unknown types).
    """
    update = Update.de_json(data, None)
    if update is None:
        return None
    update_id = update.update_id
    query = update.callback_query
    if query is not None:
        message = query.message
        if message is None or message.chat.type != "private" or query.data is None:
            return None
        data_text = payloads.expand(query.data) if payloads else query.data
        return TelegramInbound(
            update_id=update_id,
            chat_id=message.chat.id,
            kind="callback",
            text=clean_text(data_text),
            language=normalise_language(query.from_user.language_code if query.from_user else None),
            callback_query_id=query.id,
        )
    message = update.message
    if message is None:
        return None  # edited_message, channel_post, my_chat_member, poll, ...
    if message.chat.type != "private" or (
        message.from_user is not None and message.from_user.is_bot
    ):
        return None
    language = normalise_language(message.from_user.language_code if message.from_user else None)
    return _from_message(update_id, message, language)
