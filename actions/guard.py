"""No silent failures: an action that breaks still answers the person."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.language import reply_language
from bot.texts import buttons, text

logger = logging.getLogger(__name__)
Run = TypeVar("Run", bound=Callable[..., Any])


def never_silent(run: Run) -> Run:
    """Wrap an action's `run`: on an error, log it (no message text) and send an apology.

    The apology carries the caseworker button; the error itself is logged with its type and
    the action's name only.
    """

    @functools.wraps(run)
    def wrapper(
        self: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> list[dict[str, Any]]:
        try:
            return run(self, dispatcher, tracker, domain)
        except Exception:
            logger.exception("Action %s failed", self.name())
            lang = reply_language(tracker)
            dispatcher.utter_message(
                text=text("internal_error", lang), buttons=buttons("internal_error", lang) or None
            )
            return []

    return wrapper  # type: ignore[return-value]
