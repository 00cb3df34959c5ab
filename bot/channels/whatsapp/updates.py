"""Interpret WhatsApp Cloud API webhook notifications (``value.messages`` / ``statuses``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.channels.common import clean_text, location_text
from bot.storage.payloads import PayloadStore

logger = logging.getLogger(__name__)

UNSUPPORTED_TYPES = {
    "image",
    "audio",
    "video",
    "document",
    "sticker",
    "contacts",
    "unsupported",
    "order",
}
IGNORED_TYPES = {"reaction", "system", "ephemeral", "request_welcome"}


@dataclass(frozen=True)
class WhatsAppInbound:
    """One user message worth a turn.

    Attributes:
        wamid: Platform message id (dedup key; it embeds the phone number, never logged).
        wa_id: Sender's WhatsApp id (phone number; stored encrypted only).
        kind: ``text``, ``button``, ``location`` or ``unsupported``.
        text: Text for Rasa (None for ``unsupported``).
        sent_at: Unix time of the user's message (starts the 24-hour window).
        language: ``id`` for Indonesian numbers (+62), else None.
        metadata: Metadata for Rasa (no identifiers).
    """

    wamid: str
    wa_id: str
    kind: str
    text: str | None
    sent_at: float
    language: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class WebhookSummary:
    """Counts of what a notification carried besides messages (for logs)."""

    statuses: int = 0
    failed_statuses: list[int] = field(default_factory=list)
    ignored: int = 0


def language_of_number(wa_id: str) -> str | None:
    """``id`` for Indonesian numbers (country code 62), else None."""
    return "id" if wa_id.startswith("62") else None


def _timestamp(raw: Any) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return time.time()
    return min(value, time.time())


def _values(data: dict[str, Any], phone_number_id: str) -> Iterator[dict[str, Any]]:
    for entry in data.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        for change in entry.get("changes") or []:
            if not isinstance(change, dict) or change.get("field") != "messages":
                continue
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            number = str((value.get("metadata") or {}).get("phone_number_id", ""))
            if number != phone_number_id:
                logger.info("WhatsApp notification for another phone number ignored")
                continue
            yield value


def _message(raw: dict[str, Any], payloads: PayloadStore | None) -> WhatsAppInbound | None:
    wamid, wa_id, kind = raw.get("id"), raw.get("from"), raw.get("type")
    if not isinstance(wamid, str) or not isinstance(wa_id, str) or not wamid or not wa_id:
        return None
    base: dict[str, Any] = {
        "wamid": wamid,
        "wa_id": wa_id,
        "sent_at": _timestamp(raw.get("timestamp")),
        "language": language_of_number(wa_id),
    }
    expand = payloads.expand if payloads else (lambda value: value)
    if kind == "text":
        body = clean_text(str((raw.get("text") or {}).get("body", "")))
        return WhatsAppInbound(kind="text" if body else "unsupported", text=body or None, **base)
    if kind == "interactive":
        interactive = raw.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
        choice = reply.get("id") or reply.get("title")
        if not choice:
            return WhatsAppInbound(kind="unsupported", text=None, **base)
        return WhatsAppInbound(kind="button", text=clean_text(expand(str(choice))), **base)
    if kind == "button":  # template quick-reply button
        button = raw.get("button") or {}
        choice = button.get("payload") or button.get("text")
        if not choice:
            return WhatsAppInbound(kind="unsupported", text=None, **base)
        return WhatsAppInbound(kind="button", text=clean_text(expand(str(choice))), **base)
    if kind == "location":
        location = raw.get("location") or {}
        try:
            latitude, longitude = float(location["latitude"]), float(location["longitude"])
        except (KeyError, TypeError, ValueError):
            return WhatsAppInbound(kind="unsupported", text=None, **base)
        text, metadata = location_text(latitude, longitude)
        return WhatsAppInbound(kind="location", text=text, metadata=metadata, **base)
    if kind in IGNORED_TYPES:
        return None
    return WhatsAppInbound(kind="unsupported", text=None, **base)


def parse_webhook(
    data: dict[str, Any], phone_number_id: str, payloads: PayloadStore | None = None
) -> tuple[list[WhatsAppInbound], WebhookSummary]:
    """Extract user messages from a (possibly batched) notification.

    Args:
        data: Decoded JSON body.
        phone_number_id: Our business number id; notifications for others are skipped.
        payloads: Store to expand shortened button ids.

    Returns:
        The messages in delivery order, and a summary of statuses and ignored items.
    """
    messages: list[WhatsAppInbound] = []
    summary = WebhookSummary()
    if data.get("object") != "whatsapp_business_account":
        summary.ignored += 1
        return messages, summary
    for value in _values(data, phone_number_id):
        for status in value.get("statuses") or []:
            summary.statuses += 1
            if isinstance(status, dict) and status.get("status") == "failed":
                for error in status.get("errors") or []:
                    if isinstance(error, dict) and isinstance(error.get("code"), int):
                        summary.failed_statuses.append(error["code"])
        for raw in value.get("messages") or []:
            parsed = _message(raw, payloads) if isinstance(raw, dict) else None
            if parsed is None:
                summary.ignored += 1
            else:
                messages.append(parsed)
    return messages, summary
