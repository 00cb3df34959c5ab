"""The next step: up to three directory entries for the problem and the place.

Driven by the slots (`problem`, `country`, `city`, `language`) and the topic of the latest
request; ranked by the hybrid search of `knowledge_base`. With no known country the reply is
the national hotlines and a question, never an empty reply.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.contacts import MAX_ENTRIES, directory, entries_reply, national_reply
from actions.conversation import latest_intent
from actions.guard import never_silent
from actions.language import reply_language
from actions.messages import buttons, say, text
from actions.places import country_from_slots
from knowledge_base.directory import Directory, Entry, mission_contacts, services_for_problem
from knowledge_base.search import search

# Requests that are not problems of their own: intent -> referral topic.
TOPIC_OF_INTENT = {
    "ask_embassy_contact": "embassy",
    "ask_legal_aid": "legal_aid",
    "ask_shelter": "shelter",
}
# `problem` slot values whose topic in knowledge_base/problem_services.yml is spelled otherwise.
TOPIC_OF_PROBLEM = {"want_to_go_home": "go_home"}
MORE_INTENT = "more_options"
CONTEXT_INTENTS = {"inform", "affirm", "deny", MORE_INTENT, "nlu_fallback"}
SEARCH_DEPTH = 12


def request_of(tracker: Tracker) -> tuple[str | None, str]:
    """The latest referral topic and the text the person used to ask for it."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        if intent in CONTEXT_INTENTS:
            continue
        text = event.get("text") or ""
        if intent in TOPIC_OF_INTENT:
            return TOPIC_OF_INTENT[intent], text
        break
    problem = tracker.get_slot("problem")
    topic = TOPIC_OF_PROBLEM.get(problem, problem) if problem else None
    return topic, ""


def referral_entries(
    directory: Directory, topic: str, country: str, city: str | None, query: str, lang: str
) -> list[Entry]:
    """Entries for a topic in a country, best first: missions for embassy questions."""
    found: list[Entry] = []
    if topic == "embassy":
        found += mission_contacts(directory, country, city)
    text = query or topic.replace("_", " ")
    for service in services_for_problem(topic):
        for result in search(
            text, country=country, service=service, lang=lang, k=SEARCH_DEPTH, directory=directory
        ):
            if result.entry not in found:
                found.append(result.entry)
        if len(found) >= SEARCH_DEPTH:
            break
    return [entry for entry in found if entry.channels]


class ActionNextStep(Action):
    """Shows who can help next, three entries at a time, with "more" and a caseworker."""

    def name(self) -> str:
        """Action name used in the domain."""
        return "action_next_step"

    @never_silent
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utter the entries (or the national hotlines and a question about the place)."""
        lang = reply_language(tracker)
        country, city = country_from_slots(tracker)
        topic, query = request_of(tracker)
        if not country or not topic:
            dispatcher.utter_message(text=national_reply(directory(), lang))
            say(dispatcher, "referral_where", lang)
            return []
        more = latest_intent(tracker) == MORE_INTENT
        offset = int(tracker.get_slot("referral_offset") or 0) + MAX_ENTRIES if more else 0
        entries = referral_entries(directory(), topic, country, city, query, lang)
        page = entries[offset : offset + MAX_ENTRIES]
        if not page:
            say(dispatcher, "no_more_contacts", lang)
            dispatcher.utter_message(text=national_reply(directory(), lang))
        else:
            dispatcher.utter_message(
                text=entries_reply(page, lang),
                buttons=_buttons(lang, has_more=len(entries) > offset + MAX_ENTRIES),
            )
        return [SlotSet("country", country), SlotSet("referral_offset", float(offset))]


def _buttons(lang: str, *, has_more: bool) -> list[dict[str, Any]]:
    more = [{"title": text("more_contacts_button", lang), "payload": f"/{MORE_INTENT}"}]
    return (more if has_more else []) + buttons("caseworker_button", lang)
