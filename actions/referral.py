"""The next step: up to three directory entries for a topic and the place, nearest first.

Ranked by the hybrid search of `knowledge_base`, then by place: the mission or service whose
area covers the person's city, then the capital's, then the rest.
"""

from __future__ import annotations

from actions.contacts import area_of, missions_near, usable
from knowledge_base.directory import Directory, Entry, services_for_problem
from knowledge_base.search import search

# Requests that are not problems of their own: intent -> referral topic.
TOPIC_OF_INTENT = {
    "ask_embassy_contact": "embassy",
    "ask_legal_aid": "legal_aid",
    "ask_shelter": "shelter",
}
# `problem` slot values whose topic in knowledge_base/problem_services.yml is spelled otherwise.
TOPIC_OF_PROBLEM = {"want_to_go_home": "go_home"}
SEARCH_DEPTH = 12


def topic_of_problem(problem: str | None) -> str | None:
    """The referral topic of a `problem` slot value."""
    return TOPIC_OF_PROBLEM.get(problem, problem) if problem else None


def serves_place(entry: Entry, city: str | None) -> bool:
    """True when the entry names the city or its mission area among the places it serves."""
    wanted = {p.lower() for p in (city, area_of(city)) if p}
    return bool(wanted & {c.lower() for c in entry.cities})


def nearest_first(entries: list[Entry], city: str | None) -> list[Entry]:
    """Entries serving the city, then its area, then country-wide, other regions, national.

    With no city (or one no entry names) the embassy counts as country-wide, so it comes before
    consulates of other regions.
    """
    places = [p.lower() for p in (city, area_of(city)) if p]

    def rank(entry: Entry) -> int:
        served = {c.lower() for c in entry.cities}
        for i, place in enumerate(places):
            if place in served:
                return i
        if entry.reachable_from_anywhere:
            return len(places) + 2  # national hotlines after every local contact
        if not served or entry.kind == "embassy":
            return len(places)
        return len(places) + 1

    return sorted(entries, key=rank)


def referral_entries(
    directory: Directory, topic: str, country: str, city: str | None, query: str, lang: str
) -> list[Entry]:
    """Entries for a topic in a country, nearest first; missions lead for embassy questions."""
    found: list[Entry] = []
    missions = missions_near(directory, country, city)
    if topic == "embassy":
        found += missions
    elif missions and serves_place(missions[0], city):
        found.append(missions[0])  # the mission of the person's own region helps with anything
    text = query or topic.replace("_", " ")
    for service in services_for_problem(topic):
        for result in search(
            text, country=country, service=service, lang=lang, k=SEARCH_DEPTH, directory=directory
        ):
            if result.entry not in found:
                found.append(result.entry)
        if len(found) >= SEARCH_DEPTH:
            break
    return nearest_first(usable(found), city)
