"""Rasa custom channels: Telegram (``bot.channels.telegram.TelegramInput``) and WhatsApp
Cloud API (``bot.channels.whatsapp.WhatsAppInput``)."""
