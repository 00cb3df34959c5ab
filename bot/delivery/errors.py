"""Why a message could not be delivered.

A refusal of Lentera's own credentials is a
:class:`ConfigurationError`: never retried, the delivery is dead-lettered. A Rasa that cannot
take a turn yet (:class:`AgentNotReady`, :class:`TrackerStoreUnavailable`) keeps the message
waiting without counting an attempt; a tracker store that answers with an error
(:class:`TrackerStoreFailed`) fails the turn like any error (retried, then dead-lettered).
"""

from __future__ import annotations


class DeliveryError(RuntimeError):
    """A message could not be delivered (the reason never contains content or ids)."""


class ConfigurationError(DeliveryError):
    """The platform refused Lentera's own credentials (HTTP 401/403): retrying cannot help.

    Every send fails the same way until the settings are fixed, so the inbox worker logs it
    once and dead-letters the delivery instead of retrying it.

    Attributes:
        platform: ``"Telegram"`` or ``"WhatsApp"``.
        reason: What the platform answered (status and error code, never content or ids).
        settings: The settings to check.
    """

    def __init__(self, platform: str, reason: str, settings: tuple[str, ...]) -> None:
        super().__init__(
            f"{platform} refused Lentera's credentials ({reason}): check {', '.join(settings)}"
        )
        self.platform = platform
        self.reason = reason
        self.settings = settings


class AgentNotReady(RuntimeError):
    """Rasa cannot take a turn yet (no model loaded); the message must wait (never be dropped).

    Attributes:
        retry_seconds: How soon the inbox worker tries the message again.
    """

    retry_seconds = 1.0


class TrackerStoreUnavailable(AgentNotReady):
    """Rasa's tracker store does not answer (its database is down): the turn did not happen.

    Never answered from an in-memory store instead (``bot/channels/strict_store.py``): the
    REST channel answers 503, a webhook's message waits in the inbox until the store is back.
    The message is a short reason (an error type), never a URL or content.
    """

    retry_seconds = 5.0


class TrackerStoreFailed(RuntimeError):
    """Rasa's tracker store answered with an error (not an outage): the turn did not happen.

    The message is the error's type, never its text (it may quote stored data).
    """
