"""Small readers of the conversation tracker shared by the actions."""

from __future__ import annotations

from rasa_sdk import Tracker


def latest_intent(tracker: Tracker) -> str | None:
    """The intent of the latest user message as classified (button payloads included)."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    name = intent.get("name")
    return str(name) if name else None
