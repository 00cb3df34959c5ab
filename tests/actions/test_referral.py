"""The next step, nearest first: city, mission area, country-wide, other regions, national."""

from __future__ import annotations

import dataclasses

import pytest

from actions.contacts import directory
from actions.referral import nearest_first, referral_entries, serves_place, topic_of_problem
from knowledge_base.directory import Entry


def entry(entry_id: str, kind: str = "ngo", cities: tuple[str, ...] = (), anywhere=False) -> Entry:
    """A directory entry with the place fields a test needs (the rest from a real entry)."""
    base = directory().entries[0]
    return dataclasses.replace(
        base, id=entry_id, kind=kind, cities=cities, reachable_from_anywhere=anywhere
    )


NATIONAL = entry("national-hotline", "government_hotline", anywhere=True)
EMBASSY = entry("embassy-kl", "embassy", ("Kuala Lumpur", "Selangor"))
COUNTRY_WIDE = entry("ngo-country-wide")
TAWAU = entry("consulate-tawau", "consulate", ("Tawau",))
LAHAD_DATU = entry("shelter-lahad-datu", "shelter", ("Lahad Datu",))
KUCHING = entry("consulate-kuching", "consulate", ("Kuching", "Miri"))


def ids(entries: list[Entry]) -> list[str]:
    return [e.id for e in entries]


def test_the_city_then_its_area_then_country_wide_then_other_regions_then_national():
    shuffled = [NATIONAL, KUCHING, COUNTRY_WIDE, TAWAU, EMBASSY, LAHAD_DATU]
    assert ids(nearest_first(shuffled, "Lahad Datu")) == ids(
        [LAHAD_DATU, TAWAU, COUNTRY_WIDE, EMBASSY, KUCHING, NATIONAL]
    )


def test_without_a_city_the_embassy_counts_as_country_wide():
    ranked = nearest_first([NATIONAL, KUCHING, TAWAU, EMBASSY, COUNTRY_WIDE], None)
    assert ids(ranked) == ids([EMBASSY, COUNTRY_WIDE, KUCHING, TAWAU, NATIONAL])


def test_a_city_no_entry_names_ranks_like_no_city():
    entries = [NATIONAL, KUCHING, EMBASSY, COUNTRY_WIDE]
    assert nearest_first(entries, "Narnia") == nearest_first(entries, None)


def test_the_city_an_embassy_names_puts_it_first():
    ranked = nearest_first([COUNTRY_WIDE, TAWAU, EMBASSY], "kuala lumpur")  # case ignored
    assert ids(ranked)[0] == EMBASSY.id


def test_national_hotlines_come_after_contacts_of_other_regions():
    assert ids(nearest_first([NATIONAL, KUCHING], "Tawau")) == ids([KUCHING, NATIONAL])
    assert ids(nearest_first([NATIONAL, KUCHING], None)) == ids([KUCHING, NATIONAL])


def test_equal_ranks_keep_the_search_order():
    a, b, c = entry("ngo-a"), entry("ngo-b"), entry("ngo-c")
    assert ids(nearest_first([c, a, b], "Tawau")) == ["ngo-c", "ngo-a", "ngo-b"]


def test_serves_place_by_city_or_area():
    assert serves_place(TAWAU, "Lahad Datu")  # Lahad Datu lies in Tawau's area
    assert serves_place(TAWAU, "tawau")
    assert not serves_place(TAWAU, "Kuching")
    assert not serves_place(COUNTRY_WIDE, "Tawau")
    assert not serves_place(TAWAU, None)


@pytest.mark.parametrize(
    ("problem", "topic"),
    [("want_to_go_home", "go_home"), ("unpaid_wages", "unpaid_wages"), (None, None), ("", None)],
)
def test_topic_of_problem(problem, topic):
    assert topic_of_problem(problem) == topic


def is_nearest_first(entries: list[Entry], city: str | None) -> bool:
    return entries == nearest_first(entries, city)


def test_an_embassy_question_in_tawau_gets_the_tawau_mission_first_and_hotlines_last():
    found = referral_entries(directory(), "embassy", "MY", "Tawau", "", "en")
    assert found[0].id == "kri-tawau"
    assert is_nearest_first(found, "Tawau")
    local = [e for e in found if not e.reachable_from_anywhere]
    assert found[: len(local)] == local
    assert all(e.channels for e in found)
    assert len(set(found)) == len(found)


def test_any_problem_leads_with_the_mission_of_the_persons_own_region():
    found = referral_entries(
        directory(), "unpaid_wages", "MY", "Lahad Datu", "gaji blm dibayar", "id"
    )
    assert found[0].id == "kri-tawau"
    assert all(e.serves("MY") for e in found)
    assert is_nearest_first(found, "Lahad Datu")
