"""Each reply of a turn reaches the person once, even when the turn runs again after a crash.

A turn's replies go out while Rasa runs it, and its tracker is saved after them. A process
killed in between leaves a message whose replies were delivered but whose turn was never
stored, so another instance runs the turn again (``bot/delivery/worker.py``). `OnceOutput`
counts on the message's inbox row each reply the platform accepted, and in a turn run again
skips as many replies as were already delivered: the person does not get the same answer
twice. What is left: a reply accepted in the moment before its count was written goes again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa.core.channels.channel import OutputChannel

from bot.storage.inbox import Inbox, InboxRow

logger = logging.getLogger(__name__)


class OnceOutput(OutputChannel):
    """An output channel for one inbox row's turn: counts replies, skips those sent before."""

    def __init__(self, inner: OutputChannel, inbox: Inbox, row: InboxRow) -> None:
        """Wrap ``inner`` for the turn of ``row``."""
        self.inner = inner
        self._inbox = inbox
        self._row_id = row.id
        self._already_sent = row.replies_sent

    def name(self) -> str:
        """The wrapped channel's name (Rasa records it on the tracker)."""
        return str(self.inner.name())

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Send unless an earlier run of this turn delivered it; count it once sent."""
        if self._already_sent > 0:
            self._already_sent -= 1
            logger.info("Reply already delivered by an earlier run of this turn; not repeated")
            return
        await self.inner.send_response(recipient_id, message)
        try:
            await asyncio.to_thread(self._inbox.count_reply, self._row_id)
        except Exception as exc:  # noqa: BLE001 - the reply is out; only a crash could repeat it
            logger.warning("Reply count not stored (%s)", type(exc).__name__)
