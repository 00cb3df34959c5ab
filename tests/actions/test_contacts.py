"""Which contacts to show: the local emergency number, the mission covering the city, hotlines.

Every name and number asserted here is read from the referral directory at test time, so an
edit of a phone number never breaks these tests, while a wrong order or a missing contact does.
"""

from __future__ import annotations

import re

import pytest

from actions.contacts import (
    MAX_ENTRIES,
    area_of,
    directory,
    emergency_reply,
    entries_reply,
    has_local_contacts,
    missions_near,
    national_reply,
    usable,
)
from bot.places import places
from bot.texts import text
from knowledge_base.directory import Entry, emergency_contacts, national_hotlines
from knowledge_base.render import contacts_header

# A country the gazetteer knows (bot/places/places.yml) and the directory has no entry for.
NO_ENTRIES = "PL"


def digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def first_number(entry: Entry) -> str:
    """The digits of the entry's first diallable channel, as the directory gives them."""
    channel = next(c for c in entry.channels if c.e164 or c.type == "phone")
    return digits(channel.e164 or channel.value)


def hotlines() -> list[Entry]:
    return usable(national_hotlines(directory()))[:2]


def entry(entry_id: str) -> Entry:
    found = directory().get(entry_id)
    assert found is not None, f"{entry_id} is no longer in the directory"
    return found


def test_the_country_without_entries_is_known_to_the_gazetteer_but_not_the_directory():
    assert places().country_name(NO_ENTRIES, "en") != NO_ENTRIES
    assert NO_ENTRIES not in directory().countries()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_without_a_country_the_national_hotlines_come_at_once(lang):
    messages = emergency_reply(directory(), None, None, lang)
    assert messages == [national_reply(directory(), lang)]
    assert len(hotlines()) == 2
    for hotline in hotlines():
        assert hotline.name_in(lang) in messages[0]
        assert first_number(hotline) in digits(messages[0])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_country_without_local_entries_says_so_and_gives_the_hotlines(lang):
    assert not has_local_contacts(directory(), NO_ENTRIES)
    messages = emergency_reply(directory(), NO_ENTRIES, None, lang)
    assert len(messages) == 1
    name = places().country_name(NO_ENTRIES, lang)
    assert messages[0].startswith(text("no_local_contacts", lang).format(country=name))
    for hotline in hotlines():
        assert hotline.name_in(lang) in messages[0]


def test_in_danger_abroad_the_local_number_comes_first_then_the_mission_of_the_city():
    local = emergency_contacts(directory(), "MY")[0]
    kinabalu = entry("kjri-kota-kinabalu")
    messages = emergency_reply(directory(), "MY", "Kota Kinabalu", "en")
    assert len(messages) == 2  # both local: no national hotlines needed
    assert messages[0].startswith(text("emergency_local", "en"))
    assert local.name_in("en") in messages[0]
    assert messages[1].startswith(text("emergency_mission", "en"))
    assert kinabalu.name_in("en") in messages[1]
    assert first_number(kinabalu) in digits(messages[1])


@pytest.mark.parametrize(
    ("city", "mission"),
    [
        ("Kota Kinabalu", "kjri-kota-kinabalu"),
        ("Tawau", "kri-tawau"),
        ("Kuala Lumpur", "kbri-kuala-lumpur"),
    ],
)
def test_the_emergency_mission_is_the_one_covering_the_city(city, mission):
    messages = emergency_reply(directory(), "MY", city, "id")
    header, name = messages[1].splitlines()[:2]
    assert header == text("emergency_mission", "id")
    assert name == entry(mission).name_in("id")  # one mission: the rendering starts with it
    others = [e for e in missions_near(directory(), "MY", None) if e.id != mission]
    assert not any(first_number(other) in digits(messages[1]) for other in others)


@pytest.mark.parametrize(
    ("city", "first"),
    [
        ("Kota Kinabalu", "kjri-kota-kinabalu"),
        ("kk", "kjri-kota-kinabalu"),  # as people type it
        ("Sandakan", "kjri-kota-kinabalu"),
        ("Tawau", "kri-tawau"),
        ("Lahad Datu", "kri-tawau"),
        ("Kuala Lumpur", "kbri-kuala-lumpur"),
        ("Butterworth", "kjri-penang"),  # not in the consulate's list: found by its area
    ],
)
def test_missions_near_puts_the_mission_covering_the_city_first(city, first):
    found = missions_near(directory(), "MY", city)
    assert found[0].id == first
    assert len({e.id for e in found}) == len(found)


@pytest.mark.parametrize("city", [None, "Narnia"])
def test_without_a_known_city_the_embassy_leads(city):
    found = missions_near(directory(), "MY", city)
    assert found[0].kind == "embassy"
    assert {e.kind for e in found} <= {"embassy", "consulate"}
    assert all("MY" in e.countries for e in found)


def test_missions_near_shows_only_entries_with_a_channel():
    assert all(e.channels for e in missions_near(directory(), "MY", None))
    assert missions_near(directory(), NO_ENTRIES, None) == []


def test_area_of_a_city_comes_from_the_gazetteer():
    assert area_of("Lahad Datu") == "Tawau"
    assert area_of("Butterworth") == "Penang"
    assert area_of("Kuala Lumpur") is None  # a mission city is its own area
    assert area_of("Narnia") is None
    assert area_of(None) is None


def test_has_local_contacts_needs_a_country_with_entries():
    assert has_local_contacts(directory(), "MY")
    assert not has_local_contacts(directory(), None)
    assert not has_local_contacts(directory(), "")


def test_entries_reply_shows_at_most_three():
    missions = missions_near(directory(), "MY", None)
    assert len(missions) > MAX_ENTRIES
    reply = entries_reply(missions, "en")
    assert all(m.name_in("en") in reply for m in missions[:MAX_ENTRIES])
    assert not any(m.name_in("en") in reply for m in missions[MAX_ENTRIES:])
    # The first line (what a notification shows) is the neutral header, not a name.
    assert reply.splitlines()[0] == contacts_header("en")


@pytest.mark.parametrize("country", sorted(directory().countries()))
def test_the_national_hotlines_follow_whenever_a_local_number_or_mission_is_missing(country):
    local = usable(emergency_contacts(directory(), country))
    missions = missions_near(directory(), country, None)
    messages = emergency_reply(directory(), country, None, "en")
    needs_national = not local or not missions
    assert len(messages) == bool(local) + bool(missions) + needs_national
    assert (messages[-1] == national_reply(directory(), "en")) == needs_national
    if local:
        assert local[0].name_in("en") in messages[0]
