"""Two-stage fallback: first a rephrase with suggestions, then a person and the hotline."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.contacts import directory, national_reply
from actions.guard import never_silent
from actions.language import reply_language
from actions.messages import say

FALLBACK_INTENT = "nlu_fallback"


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many of the latest user messages in a row were not understood."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        if intent not in (FALLBACK_INTENT, None):
            break
        count += 1
    return count


class ActionFallback(Action):
    """Stage one asks to rephrase; stage two offers a person and shows the national hotline."""

    def name(self) -> str:
        """Action name used in the domain."""
        return "action_fallback"

    @never_silent
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utter the stage that fits the number of misunderstandings in a row."""
        lang = reply_language(tracker)
        if consecutive_fallbacks(tracker) <= 1:
            say(dispatcher, "ask_rephrase", lang)
            return []
        say(dispatcher, "fallback_human", lang)
        dispatcher.utter_message(text=national_reply(directory(), lang))
        return []
