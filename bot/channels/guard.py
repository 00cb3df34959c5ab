"""Never silent, never a wall: every turn on every channel gets one to six messages.

Wraps Rasa's ``on_new_message`` so that the same text is never sent twice in one turn, a turn
sends at most ``MAX_MESSAGES``, and a turn that sent nothing (an action server that is down,
an internal error) still answers with an apology, the national hotlines and a caseworker
button. The next message is handled afresh, whatever happened before.

A slow action server is waited for at most ``LENTERA_ACTION_TIMEOUT_SECONDS`` (default 7, so
the whole turn stays under 10 s; Rasa's own default is five minutes): Rasa then logs the
failed action, the turn sends nothing, and the person gets the apology with the hotlines.

A tracker store that fails fails the turn (``strict_store.py``): a webhook's message waits in
the inbox (nothing was sent), and the REST channel answers 503 or 500 instead of an apology.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.channels.action_calls import validate_answers_quickly
from bot.delivery.errors import ConfigurationError, TrackerStoreFailed, TrackerStoreUnavailable
from bot.nlu.language import detect_language
from bot.texts import buttons, text
from knowledge_base.directory import emergency_contacts, national_hotlines, safe_directory
from knowledge_base.render import render_entry

logger = logging.getLogger(__name__)
MAX_MESSAGES = 6
# Under 10 s end to end: the rest of the turn and the apology need a moment too.
DEFAULT_ACTION_TIMEOUT_SECONDS = 7.0
Handler = Callable[[UserMessage], Awaitable[Any]]
TRACKER_STORE_ERRORS = (TrackerStoreUnavailable, TrackerStoreFailed)


class TurnGuard(OutputChannel):
    """An output channel in front of the real one: drops repeats and a runaway tail."""

    def __init__(self, inner: OutputChannel) -> None:
        """Guard ``inner`` for one turn."""
        self.inner = inner
        self.sent: list[str] = []
        self.dropped = 0

    def name(self) -> str:
        """The guarded channel's name (Rasa records it on the tracker)."""
        return str(self.inner.name())

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Forward a message unless it repeats one of this turn or the turn is full."""
        key = repr((message.get("text"), message.get("buttons"), message.get("custom")))
        if key in self.sent or len(self.sent) >= MAX_MESSAGES:
            self.dropped += 1
            return
        await self.inner.send_response(recipient_id, message)
        self.sent.append(key)  # only once delivered: a failed send lets the worker retry


def hotlines_text(language: str) -> str:
    """The first two national hotlines with a current channel, rendered."""
    hotlines = [e for e in national_hotlines(safe_directory()) if e.channels][:2]
    return "\n\n".join(render_entry(entry, language) for entry in hotlines)


def apology(language: str) -> dict[str, Any]:
    """The apology with the national hotlines and a caseworker button."""
    body = text("turn_failed", language) + "\n" + hotlines_text(language)
    return {"text": body, "buttons": buttons("caseworker_button", language)}


def emergency_messages(country: str | None, language: str) -> list[str]:
    """Emergency contacts without Rasa: the local emergency number, then national hotlines.

    Sent by the channel itself while a caseworker has the conversation (Rasa is silent then)
    and a danger phrase arrives. The local number is the best-confirmed emergency entry of
    ``country`` in the directory, when there is one.
    """
    messages: list[str] = []
    if country:
        local = [e for e in emergency_contacts(safe_directory(), country) if e.channels]
        if local:
            messages.append(
                text("emergency_local", language) + "\n" + render_entry(local[0], language)
            )
    messages.append(text("national_hotlines", language) + "\n" + hotlines_text(language))
    return messages


def action_timeout_seconds() -> float:
    """``LENTERA_ACTION_TIMEOUT_SECONDS``: how long a turn waits for the action server."""
    raw = os.environ.get("LENTERA_ACTION_TIMEOUT_SECONDS", "").strip()
    try:
        value = float(raw) if raw else DEFAULT_ACTION_TIMEOUT_SECONDS
    except ValueError:
        value = DEFAULT_ACTION_TIMEOUT_SECONDS
    return value if value > 0 else DEFAULT_ACTION_TIMEOUT_SECONDS


def limit_action_timeout() -> float:
    """Make Rasa wait for the action server at most `action_timeout_seconds` (idempotent).

    Rasa reads ``DEFAULT_REQUEST_TIMEOUT`` from these two modules at call time; every channel
    of this process is built through `never_silent`, so the limit holds for all of them.
    """
    import rasa.core.actions.action as rasa_action
    import rasa.utils.endpoints as rasa_endpoints

    seconds = action_timeout_seconds()
    rasa_action.DEFAULT_REQUEST_TIMEOUT = seconds
    rasa_endpoints.DEFAULT_REQUEST_TIMEOUT = seconds
    return seconds


def never_silent(
    on_new_message: Handler, *, reraise: bool = False, store_errors_raise: bool = False
) -> Handler:
    """Wrap ``on_new_message`` with a `TurnGuard` and the apology of last resort.

    Args:
        on_new_message: Rasa's handler.
        reraise: Raise an error again when nothing was sent, so an inbox worker can retry
            the stored delivery (webhook channels); the REST channel answers at once instead.
        store_errors_raise: Raise a tracker store error (``TrackerStoreUnavailable``,
            ``TrackerStoreFailed``) even if the turn had collected messages: the REST
            channel answers 503 or 500 instead, since nothing of the turn was stored.
    """
    limit_action_timeout()
    validate_answers_quickly()

    async def guarded(message: UserMessage) -> Any:
        guard = TurnGuard(message.output_channel)
        message.output_channel = guard
        try:
            await on_new_message(message)
        except ConfigurationError:
            # Our own credentials were refused: an apology cannot go out either, and the
            # inbox worker must see it to log it once and dead-letter the delivery.
            raise
        except Exception as error:  # the type only: messages may quote the user's text
            logger.error("Turn failed on %s: %s", guard.name(), type(error).__name__)
            if store_errors_raise and isinstance(error, TRACKER_STORE_ERRORS):
                raise
            if reraise and not guard.sent:
                raise
        if guard.dropped:
            logger.warning(
                "Turn on %s: %s repeated or excess messages dropped", guard.name(), guard.dropped
            )
        if not guard.sent:
            hint = (message.metadata or {}).get("language_hint")
            language = hint or detect_language(message.text or "") or "id"
            logger.error("Turn on %s sent nothing; apology sent", guard.name())
            await guard.send_response(message.sender_id, apology(language))

    return guarded
