"""Why a message could not be delivered.

A refusal of Lentera's own credentials is a
:class:`ConfigurationError`: never retried, the delivery is dead-lettered.
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
    """No model is loaded yet; the message must wait (never be dropped)."""
