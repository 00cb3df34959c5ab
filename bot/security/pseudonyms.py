"""Stable pseudonyms for platform user ids.

Rasa never sees a Telegram chat id or a WhatsApp phone number: the ``sender_id`` is an
HMAC-SHA256 of ``"<channel>:<user id>"`` keyed with ``LENTERA_SECRET_KEY``.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIXES = {"telegram": "tg_", "whatsapp": "wa_"}
DIGEST_CHARS = 32


def keyed_digest(secret: str, value: str, *, length: int = DIGEST_CHARS) -> str:
    """Hex HMAC-SHA256 of ``value`` under ``secret``, truncated to ``length`` characters."""
    mac = hmac.new(secret.encode("utf-8"), value.encode("utf-8"), hashlib.sha256)
    return mac.hexdigest()[:length]


def pseudonym(secret: str, channel: str, user_id: str | int) -> str:
    """Return the pseudonymous sender id of a platform user.

    Args:
        secret: ``LENTERA_SECRET_KEY``.
        channel: ``"telegram"`` or ``"whatsapp"``.
        user_id: Telegram chat id or WhatsApp ``wa_id``.

    Returns:
        For example ``"tg_3f9a..."`` (prefix plus 32 hex characters, 128 bits).
    """
    prefix = PREFIXES.get(channel, f"{channel[:2]}_")
    return prefix + keyed_digest(secret, f"{channel}:{user_id}")


def delivery_key(secret: str, channel: str, delivery_id: str | int) -> str:
    """Return the dedup key of a platform delivery (update id or wamid).

    WhatsApp message ids embed the sender's phone number, so only a keyed digest is stored.
    """
    return keyed_digest(secret, f"delivery:{channel}:{delivery_id}", length=40)
