"""Rasa custom channels for Telegram and the WhatsApp Cloud API.

``bot.channels.telegram.TelegramInput`` and ``bot.channels.whatsapp.WhatsAppInput``.
"""
