"""Helpers shared by the channel connectors."""

from __future__ import annotations

import json
import logging
from typing import Any

from bot.places.coordinates import country_at

MAX_INBOUND_CHARS = 4096
# HTTP clients that log every request with its whole URL at INFO ("HTTP Request: POST ...").
# A Bot API URL holds the Telegram bot token (``/bot<token>/sendMessage``): never logged.
HTTP_CLIENT_LOGGERS = ("httpx", "httpcore")


def clean_text(raw: str) -> str:
    """Remove NUL characters (PostgreSQL cannot store them) and cap the length."""
    return raw.replace("\x00", "").strip()[:MAX_INBOUND_CHARS]


def quiet_http_client_logs() -> None:
    """Keep the HTTP clients' per-request lines out of the logs (warnings still pass)."""
    for name in HTTP_CLIENT_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def location_text(latitude: float, longitude: float) -> tuple[str, dict[str, Any]]:
    """Rasa text and metadata for a shared location.

    The country, when the point is in a known destination country, is sent as
    ``/inform{"country":"SA"}`` so the ``inform`` intent and ``country`` entity fill the slot.
    Coordinates go in metadata rounded to 2 decimals (about 1 km): enough for a referral,
    less revealing if the tracker store leaks.
    """
    iso2 = country_at(latitude, longitude)
    metadata: dict[str, Any] = {
        "location": {"latitude": round(latitude, 2), "longitude": round(longitude, 2)}
    }
    if iso2:
        metadata["location"]["country"] = iso2
        return "/inform" + json.dumps({"country": iso2}, separators=(",", ":")), metadata
    return "/inform", metadata
