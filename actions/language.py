"""Reply language helpers shared by every action."""

from __future__ import annotations

from rasa_sdk import Tracker

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"


def reply_language(tracker: Tracker) -> str:
    """The conversation's language: the `language` slot, Indonesian when unknown."""
    value = tracker.get_slot("language")
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def pick(lang: str, indonesian: str, english: str) -> str:
    """Choose between the two texts of a bilingual message."""
    return english if lang == "en" else indonesian
