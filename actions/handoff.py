"""Request for a person.

The handoff to the caseworker console comes later; until then the assistant says so honestly
and gives the hotlines where a person answers.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.contacts import directory, national_reply
from actions.guard import never_silent
from actions.language import reply_language
from actions.messages import say


class ActionRequestHuman(Action):
    """Acknowledges the wish to talk to a person."""

    def name(self) -> str:
        """Action name used in the domain."""
        return "action_request_human"

    @never_silent
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Acknowledge, and give the national hotlines that a person answers."""
        lang = reply_language(tracker)
        say(dispatcher, "human_requested", lang)
        dispatcher.utter_message(text=national_reply(directory(), lang))
        return []
