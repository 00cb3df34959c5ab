"""Telegram Bot API connector: webhook input, Bot API output, update parsing.

``credentials.yml`` names ``bot.channels.telegram.TelegramInput``.
"""

from bot.channels.telegram.input import TelegramInput

__all__ = ["TelegramInput"]
