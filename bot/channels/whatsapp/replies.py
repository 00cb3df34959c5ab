"""Case messages from the outbox (caseworker replies, the resume message) to WhatsApp."""

from __future__ import annotations

import asyncio
import logging

from bot.cases.models import OutboxItem
from bot.channels.whatsapp.output import (
    WINDOW_CLOSED_CODES,
    GraphError,
    WhatsAppSender,
    classify_graph_error,
    is_credentials_error,
    whatsapp_configuration_error,
)
from bot.delivery.errors import DeliveryError
from bot.delivery.outbox import Refused

logger = logging.getLogger(__name__)
OUTSIDE_WINDOW = "outside_24h_window"
TEMPLATE_SENT = "outside_24h_window_template_sent"


async def deliver(sender: WhatsAppSender, item: OutboxItem) -> None:
    """Send one outbox item as free text, only inside the 24-hour customer-service window.

    Outside the window free text is not delivered by Meta, so it is not even tried: the
    approved template (``WHATSAPP_TEMPLATE_NAME``, asking the person to write again) is sent
    instead and the row fails with ``outside_24h_window_template_sent`` (or
    ``outside_24h_window`` when no template is configured); the console shows which.

    Raises:
        Refused: ``no_address``, ``outside_24h_window`` or ``rejected_<code>``: never retried.
        bot.delivery.errors.ConfigurationError: If the access token is refused.
        GraphError, httpx.HTTPError: Transient failures left after the sender's retries.
    """
    try:
        address = await asyncio.to_thread(sender.address, item.conversation_id)
    except DeliveryError as exc:
        raise Refused("no_address") from exc
    if not sender.window_open(address):
        raise Refused(await _template_instead(sender, address.address))
    try:
        await sender.send_text(address.address, item.body)
    except GraphError as exc:
        if is_credentials_error(exc):
            raise whatsapp_configuration_error(exc) from exc
        if exc.code in WINDOW_CLOSED_CODES:
            raise Refused(await _template_instead(sender, address.address)) from exc
        if classify_graph_error(exc) is None:
            raise Refused(f"rejected_{exc.code}") from exc
        raise
    try:  # an old numbered list no longer applies; the message is out whatever happens here
        await sender.forget_choices(item.conversation_id)
    except Exception as exc:  # noqa: BLE001 - failing here must not send the message twice
        logger.warning("Numbered choices not cleared (%s)", type(exc).__name__)


async def _template_instead(sender: WhatsAppSender, wa_id: str) -> str:
    """Send the approved template (it asks the person to write again); the failure code."""
    try:
        sent = await sender.send_template(wa_id)
    except Exception as exc:  # noqa: BLE001 - the reply is refused either way
        logger.warning("WhatsApp template not delivered (%s)", type(exc).__name__)
        sent = False
    return TEMPLATE_SENT if sent else OUTSIDE_WINDOW
