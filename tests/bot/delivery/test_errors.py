"""Why a delivery failed: a configuration error says what to fix and nothing else."""

from __future__ import annotations

import pytest

from bot.delivery.errors import AgentNotReady, ConfigurationError, DeliveryError

SETTINGS = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL")


def test_configuration_error_names_the_platform_the_reason_and_every_setting():
    error = ConfigurationError("Telegram", "HTTP 401", SETTINGS)
    message = str(error)
    assert "Telegram" in message and "HTTP 401" in message
    assert all(name in message for name in SETTINGS)
    assert (error.platform, error.reason, error.settings) == ("Telegram", "HTTP 401", SETTINGS)
    assert "\n" not in message  # one log line


def test_configuration_error_carries_only_what_it_was_given():
    """No message text, chat id or token can reach the log through the error."""
    error = ConfigurationError("WhatsApp", "HTTP 403 code 190", ("WHATSAPP_ACCESS_TOKEN",))
    rest = str(error)
    for part in ("WhatsApp", "HTTP 403 code 190", "WHATSAPP_ACCESS_TOKEN"):
        rest = rest.replace(part, "")
    assert not any(ch.isdigit() for ch in rest)
    assert vars(error) == {
        "platform": "WhatsApp",
        "reason": "HTTP 403 code 190",
        "settings": ("WHATSAPP_ACCESS_TOKEN",),
    }


def test_configuration_error_is_a_delivery_error():
    with pytest.raises(DeliveryError):
        raise ConfigurationError("Telegram", "HTTP 401", SETTINGS)
    assert issubclass(DeliveryError, RuntimeError)


def test_agent_not_ready_is_a_runtime_error_but_no_delivery_error():
    """A message waiting for the model is not a failed delivery: it must not be dead-lettered."""
    assert issubclass(AgentNotReady, RuntimeError)
    assert not issubclass(AgentNotReady, DeliveryError)
