"""Report paths: name the problem, check safety, find the place, give the next step."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.contacts import directory, emergency_reply
from actions.conversation import latest_intent
from actions.guard import never_silent
from actions.language import reply_language
from actions.messages import say
from actions.places import country_from_slots
from bot.nlu.gazetteer import gazetteer

# intent -> value of the `problem` slot (intents.md: the name without the `report_` prefix)
PROBLEM_OF_INTENT = {
    "report_abuse": "abuse",
    "report_unpaid_wages": "unpaid_wages",
    "report_document_withheld": "document_withheld",
    "report_trafficking": "trafficking",
    "report_recruitment_fraud": "recruitment_fraud",
    "report_overwork": "overwork",
    "report_health_problem": "health_problem",
    "report_detention": "detention",
    "want_to_go_home": "want_to_go_home",
    "report_missing_person": "missing_person",
}


def problem_of(intent: str | None) -> str | None:
    """The `problem` slot value for a report intent, else None."""
    return PROBLEM_OF_INTENT.get(intent or "")


class ActionSetProblem(Action):
    """Remembers what the problem is and acknowledges it without judgement."""

    def name(self) -> str:
        """Action name used in the domain."""
        return "action_set_problem"

    @never_silent
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Set `problem` from the latest intent and utter the matching acknowledgement."""
        problem = problem_of(latest_intent(tracker))
        if problem is None:
            return []
        say(dispatcher, f"ack_{problem}", reply_language(tracker))
        events: list[EventType] = [SlotSet("problem", problem)]
        country, city = country_from_slots(tracker)
        if country and not tracker.get_slot("country"):
            events.append(SlotSet("country", country))
        return events


class ValidateProblemForm(FormValidationAction):
    """Validates the answers to "are you safe?" and "where are you?"."""

    def name(self) -> str:
        """Action name used in the domain."""
        return "validate_problem_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """A relative at home asking about a missing person is not asked if they are safe."""
        if tracker.get_slot("problem") == "missing_person":
            return [slot for slot in domain_slots if slot != "is_safe_now"]
        return domain_slots

    def validate_is_safe_now(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Not safe: give emergency contacts right away, then go on asking."""
        if slot_value is False:
            country, city = country_from_slots(tracker)
            for message in emergency_reply(directory(), country, city, reply_language(tracker)):
                dispatcher.utter_message(text=message)
        return {"is_safe_now": slot_value}

    def validate_country(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Accept ISO codes and known country names; ask again otherwise."""
        value = gazetteer().normalise("country", str(slot_value or ""))
        if value is None:
            say(dispatcher, "country_unknown", reply_language(tracker))
        return {"country": value}

    async def extract_country(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A city alone ("riyadh", "di KL") also answers the country question."""
        if tracker.get_slot("country"):
            return {}
        cities = list(tracker.get_latest_entity_values("city"))
        inferred = gazetteer().country_of_city(str(cities[0])) if cities else None
        return {"country": inferred} if inferred else {}
