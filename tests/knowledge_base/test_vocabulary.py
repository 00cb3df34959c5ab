"""The controlled vocabularies: the spec's names unchanged, consistent with each other and the bot.

The kinds, services, channel types, costs and confidence levels are a contract fixed by
``shared/spec/referral_schema.md`` (tools and evaluation sets outside the repository rely on
them); the sets below are that contract, so a rename fails here first.
"""

from __future__ import annotations

import re

import pytest

from bot.languages import LANGUAGES
from bot.places import places
from knowledge_base.directory import load_directory, load_problem_services
from knowledge_base.vocabulary import (
    CHANNEL_TYPES,
    CONFIDENCE_LEVELS,
    CONFIDENCE_RANK,
    COSTS,
    COUNTRY_NAMES,
    DIALLABLE_TYPES,
    KINDS,
    LANGS,
    LANGUAGE_CODES,
    MISSION_KINDS,
    SERVICES,
)

SPEC_KINDS = {
    "embassy",
    "consulate",
    "government_hotline",
    "government_agency",
    "labour_authority",
    "police",
    "emergency_service",
    "ngo",
    "legal_aid",
    "shelter",
    "international_org",
    "app",
}
SPEC_SERVICES = {
    "emergency",
    "consular_protection",
    "legal_aid",
    "shelter",
    "repatriation",
    "counselling",
    "trafficking_support",
    "wage_claims",
    "document_help",
    "medical",
    "detention_support",
    "missing_person",
    "complaints",
    "agency_verification",
    "pre_departure_info",
    "witness_protection",
}
SPEC_CHANNEL_TYPES = {
    "phone",
    "whatsapp",
    "sms",
    "email",
    "web",
    "app",
    "telegram",
    "line",
    "address",
}
SPEC_COSTS = {"free", "paid", "unknown"}
SPEC_CONFIDENCE = {"high", "medium", "low"}


def test_the_names_are_the_specs():
    assert KINDS == SPEC_KINDS
    assert SERVICES == SPEC_SERVICES
    assert CHANNEL_TYPES == SPEC_CHANNEL_TYPES
    assert COSTS == SPEC_COSTS
    assert set(CONFIDENCE_LEVELS) == SPEC_CONFIDENCE


def test_confidence_ranks_best_first():
    assert CONFIDENCE_RANK["high"] < CONFIDENCE_RANK["medium"] < CONFIDENCE_RANK["low"]
    assert sorted(CONFIDENCE_RANK, key=CONFIDENCE_RANK.__getitem__) == list(CONFIDENCE_LEVELS)


def test_the_narrower_sets_lie_inside_the_wider_ones():
    assert MISSION_KINDS <= KINDS
    assert DIALLABLE_TYPES <= CHANNEL_TYPES
    assert set(LANGS) <= LANGUAGE_CODES


def test_the_directory_is_written_in_the_languages_the_bot_speaks():
    assert set(LANGS) == set(LANGUAGES)


@pytest.mark.parametrize("code", sorted(COUNTRY_NAMES))
def test_every_country_is_an_alpha_2_code_named_in_both_languages(code):
    assert re.fullmatch(r"[A-Z]{2}", code)
    assert all(COUNTRY_NAMES[code].get(lang, "").strip() for lang in LANGS)


def directory_countries() -> list[str]:
    return sorted({c for entry in load_directory() for c in entry.countries})


@pytest.mark.parametrize("code", directory_countries())
def test_every_country_of_the_directory_is_recognised_by_its_names(code):
    """A country the bot cannot recognise in a message never gets its local contacts."""
    assert places().country(code) == code
    for lang in LANGS:  # "Yaman" and "Yemen" both place a worker in Yemen
        assert places().country(COUNTRY_NAMES[code][lang].lower()) == code, lang


def test_the_shipped_directory_uses_only_the_vocabulary():
    for entry in load_directory():
        assert entry.kind in KINDS, entry.id
        assert set(entry.services) <= SERVICES, entry.id
        assert {c.type for c in entry.channels} <= CHANNEL_TYPES, entry.id
        assert set(entry.countries) <= set(COUNTRY_NAMES), entry.id
        assert entry.confidence in CONFIDENCE_LEVELS and entry.cost in COSTS, entry.id
        assert set(entry.languages) <= LANGUAGE_CODES, entry.id


def test_every_problem_maps_to_services_of_the_vocabulary():
    table = load_problem_services()
    assert table
    assert all(services and set(services) <= SERVICES for services in table.values())
