"""Short answers about rights and safe migration, with the authority to contact."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.contacts import directory, entries_reply
from actions.guard import never_silent
from actions.language import reply_language
from actions.places import country_from_slots
from knowledge_base.directory import Directory, mission_contacts

ANSWERS_PATH = Path(__file__).parent / "content" / "answers.yml"


@lru_cache(maxsize=1)
def _answers() -> dict[str, Any]:
    with ANSWERS_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def answer(topic: str, country: str | None, lang: str, directory: Directory) -> list[str]:
    """The answer text for a topic and country, then the contacts to ask, as messages."""
    by_country = _answers()[topic]
    item = by_country.get(country or "", by_country["default"])
    entries = [directory.get(entry_id) for entry_id in item.get("contacts", [])]
    contacts = [entry for entry in entries if entry is not None]
    if item.get("mission") and country:
        contacts += mission_contacts(directory, country)[:1]
    messages = [item[lang]]
    if contacts:
        messages.append(entries_reply(contacts, lang))
    return messages


class _AnswerByCountry:
    """Shared `run` of the answer actions (a mixin, so rasa-sdk does not register it)."""

    topic = ""

    @never_silent
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Utter the answer for the user's country (general answer when unknown)."""
        country, _ = country_from_slots(tracker)
        for message in answer(self.topic, country, reply_language(tracker), directory()):
            dispatcher.utter_message(text=message)
        return []


class ActionAnswerRights(_AnswerByCountry, Action):
    """What the rules say on wages, rest, passport, for the main destination countries."""

    topic = "rights"

    def name(self) -> str:
        """Action name used in the domain."""
        return "action_answer_rights"


class ActionAnswerSafeMigration(_AnswerByCountry, Action):
    """Before departure: legal route, licensed agencies, documents."""

    topic = "safe_migration"

    def name(self) -> str:
        """Action name used in the domain."""
        return "action_answer_safe_migration"
