"""The safe word: one innocent line, and nothing left that shows a person asked for help.

Someone may be reading the worker's phone. When the whole message is the safe word
(``LENTERA_SAFE_WORD``, default ``resep``, any case), at any point (a question pending, an
emergency, a caseworker handling the conversation) the channel, before Rasa:

1. deletes the assistant's own messages of the last 48 hours from the chat (Telegram's
   ``deleteMessage``; the WhatsApp Cloud API cannot delete, so there only 2-4 apply);
2. closes an open case with the reason ``left``: the caseworker sees "do not contact", and
   unsent replies are cancelled, so nothing reaches the person until they write again;
3. clears the conversation state (Rasa's tracker events, numbered choices);
4. replies with one harmless line (``safe_exit``), which is all the chat shows.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel

from bot.channels.erasure import erase_tracker
from bot.channels.rasa_bridge import agent_of
from bot.channels.stores import Runtime
from bot.texts import text

logger = logging.getLogger(__name__)
DEFAULT_SAFE_WORD = "resep"  # ../shared/spec/privacy.md


def safe_word() -> str:
    """``LENTERA_SAFE_WORD``, compared case-insensitively with the whole message."""
    return (os.environ.get("LENTERA_SAFE_WORD", "").strip() or DEFAULT_SAFE_WORD).casefold()


def is_safe_word(payload: dict[str, Any]) -> bool:
    """True when a typed message is exactly the safe word (spaces and case aside)."""
    if payload.get("kind") != "text":
        return False
    return str(payload.get("text") or "").strip().casefold() == safe_word()


async def leave(
    app: Any,
    runtime: Runtime,
    sender_id: str,
    output: OutputChannel,
    *,
    language: str | None,
    clean_chat: Callable[[str], Awaitable[int]],
) -> None:
    """Carry out the safe word for ``sender_id`` (see the module docstring)."""
    deleted = await clean_chat(sender_id)
    case = await asyncio.to_thread(runtime.cases.active_case, sender_id)
    if case is not None:
        await asyncio.to_thread(runtime.cases.person_left, case.id)
    store = getattr(agent_of(app), "tracker_store", None)
    if store is None or not await asyncio.to_thread(erase_tracker, store, sender_id):
        logger.error("Safe word: conversation state not cleared (%s)", type(store).__name__)
    await asyncio.to_thread(runtime.addresses.clear_choices, sender_id)
    await asyncio.to_thread(runtime.sent.forget, sender_id)
    await output.send_text_message(sender_id, text("safe_exit", language))
    logger.info(
        "Safe word used: %d message(s) deleted, case %s", deleted, "closed" if case else "none"
    )
