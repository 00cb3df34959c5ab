"""The reply language of a conversation (the list and the default live in bot.languages)."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.languages import known_or_default


def reply_language(tracker: Tracker) -> str:
    """The conversation's language: the `language` slot, the default when unknown."""
    return known_or_default(tracker.get_slot("language"))
