"""WhatsApp Cloud API connector: webhook input, Graph API output, update parsing.

``credentials.yml`` names ``bot.channels.whatsapp.WhatsAppInput``.
"""

from bot.channels.whatsapp.input import SIGNATURE_HEADER, WhatsAppInput, signature_valid

__all__ = ["SIGNATURE_HEADER", "WhatsAppInput", "signature_valid"]
