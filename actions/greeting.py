"""First contact and language choice."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.guard import never_silent
from actions.language import LANGUAGES, reply_language
from actions.messages import say


def has_greeted(tracker: Tracker) -> bool:
    """True once Lentera introduced itself in this conversation."""
    return any(
        event.get("event") == "action" and event.get("name") == "action_greet"
        for event in tracker.events
    )


class ActionGreet(Action):
    """Introduces Lentera (both languages, language buttons) on first contact."""

    def name(self) -> str:
        """Action name used in the domain."""
        return "action_greet"

    @never_silent
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utter the introduction, or a short greeting when already introduced."""
        say(
            dispatcher,
            "greet_again" if has_greeted(tracker) else "first_contact",
            reply_language(tracker),
        )
        return []


class ActionChooseLanguage(Action):
    """Switches the conversation language and confirms in the new one."""

    def name(self) -> str:
        """Action name used in the domain."""
        return "action_choose_language"

    @never_silent
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Use the language named; with none named, switch to the other one."""
        named = next(tracker.get_latest_entity_values("language"), None)
        if named in LANGUAGES:
            language = str(named)
        else:
            language = "en" if reply_language(tracker) == "id" else "id"
        say(dispatcher, "language_set", language)
        return [SlotSet("language", language)]
