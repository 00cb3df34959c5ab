"""Emergency path: contacts first, questions after."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.contacts import directory, emergency_reply
from actions.guard import never_silent
from actions.language import reply_language
from actions.messages import say
from actions.places import country_from_slots


class ActionEmergency(Action):
    """Gives emergency numbers at once; asks where the person is only afterwards."""

    def name(self) -> str:
        """Action name used in the domain."""
        return "action_emergency"

    @never_silent
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Utter the contacts, then the location question when the country is unknown."""
        lang = reply_language(tracker)
        country, city = country_from_slots(tracker)
        for message in emergency_reply(directory(), country, city, lang):
            dispatcher.utter_message(text=message)
        events: list[EventType] = [SlotSet("problem", "emergency")]
        if country:
            events.append(SlotSet("country", country))
            say(dispatcher, "caseworker_offer", lang)
        else:
            say(dispatcher, "emergency_where", lang)
        return events
