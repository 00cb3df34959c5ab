"""Build rasa-sdk trackers for action unit tests."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

SLOT_DEFAULTS: dict[str, Any] = {
    "language": None,
    "country": None,
    "city": None,
    "problem": None,
    "is_safe_now": None,
    "consent_share": None,
    "handoff_active": False,
    "referral_offset": None,
    "requested_slot": None,
}


def user_event(text: str, intent: str, entities: list[dict] | None = None) -> dict[str, Any]:
    """A `user` event as Rasa sends it to the action server."""
    return {
        "event": "user",
        "text": text,
        "parse_data": {
            "text": text,
            "intent": {"name": intent, "confidence": 0.99},
            "entities": entities or [],
        },
    }


def make_tracker(
    *,
    intent: str = "greet",
    text: str = "",
    slots: dict[str, Any] | None = None,
    entities: list[dict] | None = None,
    events: list[dict] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    """A tracker whose latest message has `intent`/`text`/`entities`."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entities or [],
    }
    history = list(events or []) + [user_event(text, intent, entities)]
    return Tracker(
        sender_id="test-user",
        slots={**SLOT_DEFAULTS, **(slots or {})},
        latest_message=latest,
        events=history,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )
