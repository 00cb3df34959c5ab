"""Controlled vocabularies of the referral directory.

The names here are fixed by ``shared/spec/referral_schema.md``: tools and evaluation sets
outside the repository rely on them, so never rename one.
"""

from __future__ import annotations

from bot.places import places_data

KINDS: frozenset[str] = frozenset(
    {
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
)

SERVICES: frozenset[str] = frozenset(
    {
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
)

CHANNEL_TYPES: frozenset[str] = frozenset(
    {"phone", "whatsapp", "sms", "email", "web", "app", "telegram", "line", "address"}
)

#: Channel types whose ``e164`` field is meaningful (and validated when present).
DIALLABLE_TYPES: frozenset[str] = frozenset({"phone", "whatsapp", "sms"})

CONFIDENCE_LEVELS: tuple[str, ...] = ("high", "medium", "low")

#: Lower is better: used to sort channels and entries.
CONFIDENCE_RANK: dict[str, int] = {level: rank for rank, level in enumerate(CONFIDENCE_LEVELS)}

COSTS: frozenset[str] = frozenset({"free", "paid", "unknown"})

#: Kinds of an Indonesian diplomatic or consular mission (KBRI, KJRI, KRI, KDEI).
MISSION_KINDS: frozenset[str] = frozenset({"embassy", "consulate"})

LANGS: tuple[str, ...] = ("id", "en")

#: ISO 3166-1 alpha-2 codes the directory may use, with English and Indonesian names: the
#: countries of the one gazetteer (bot/places/places.yml). Only these pass validation; add a
#: country there before adding its entries.
COUNTRY_NAMES: dict[str, dict[str, str]] = {
    str(code): {"id": str(names[0]), "en": str(names[1])}
    for code, names in places_data()["names"].items()
}

#: ISO 639-1 codes accepted in ``languages`` fields.
LANGUAGE_CODES: frozenset[str] = frozenset(
    {
        "id",
        "en",
        "ms",
        "zh",
        "ar",
        "vi",
        "th",
        "tl",
        "ja",
        "ko",
        "km",
        "ne",
        "ta",
        "hi",
        "pa",
        "ur",
        "pt",
        "es",
        "fr",
        "fa",
        "ps",
        "tr",
        "jv",
        "su",
    }
)
