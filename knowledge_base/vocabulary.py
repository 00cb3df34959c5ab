"""Controlled vocabularies of the referral directory.

The names here are fixed by ``shared/spec/referral_schema.md``: tools and evaluation sets
outside the repository rely on them, so never rename one.
"""

from __future__ import annotations

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

#: ISO 3166-1 alpha-2 codes the directory may use, with English and Indonesian names.
#: Only codes listed here pass validation; add a country here before adding its entries.
COUNTRY_NAMES: dict[str, dict[str, str]] = {
    "ID": {"en": "Indonesia", "id": "Indonesia"},
    "MY": {"en": "Malaysia", "id": "Malaysia"},
    "SG": {"en": "Singapore", "id": "Singapura"},
    "HK": {"en": "Hong Kong", "id": "Hong Kong"},
    "MO": {"en": "Macau", "id": "Makau"},
    "TW": {"en": "Taiwan", "id": "Taiwan"},
    "SA": {"en": "Saudi Arabia", "id": "Arab Saudi"},
    "AE": {"en": "United Arab Emirates", "id": "Uni Emirat Arab"},
    "QA": {"en": "Qatar", "id": "Qatar"},
    "KW": {"en": "Kuwait", "id": "Kuwait"},
    "OM": {"en": "Oman", "id": "Oman"},
    "BH": {"en": "Bahrain", "id": "Bahrain"},
    "BN": {"en": "Brunei Darussalam", "id": "Brunei Darussalam"},
    "KR": {"en": "South Korea", "id": "Korea Selatan"},
    "JP": {"en": "Japan", "id": "Jepang"},
    "JO": {"en": "Jordan", "id": "Yordania"},
    "KH": {"en": "Cambodia", "id": "Kamboja"},
    "YE": {"en": "Yemen", "id": "Yaman"},
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
