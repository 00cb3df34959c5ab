"""Validation of the money facts file (``facts.yml``), run by ``python -m knowledge_base validate``.

Works on the parsed YAML so every problem names the fact it comes from. Errors: a fact without
source, confidence or date; an unknown country, currency, topic or caveat; a duplicate id; a
part whose figure is not in the fact's own text; a broken cross-reference. A file with errors
is never loaded (:func:`knowledge_base.money.facts.load_money_facts`).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from knowledge_base.money.facts import IN_FORCE, PARTIAL_DATE_RE, number, parse_span
from knowledge_base.validation import Issue, is_url
from knowledge_base.vocabulary import COUNTRY_NAMES

#: ``ZZ``: a global fact, tied to no country.
GLOBAL = "ZZ"
COUNTRIES: frozenset[str] = frozenset(COUNTRY_NAMES) | {GLOBAL}
CONFIDENCE: tuple[str, ...] = ("H", "M", "L")
TOPICS: frozenset[str] = frozenset(
    {
        "wage_standard",
        "placement_cost",
        "claim_route",
        "deduction_rule",
        "payment_timing",
        "remittance",
        "rest_day",
        "agency_fee",
        "institution",
    }
)
CAVEATS: frozenset[str] = frozenset(
    {
        "old",
        "disputed",
        "not_binding",
        "indonesian_requirement",
        "pending",
        "derived",
        "secondary",
        "interested_party",
    }
)
FLOOR_KINDS: frozenset[str] = frozenset(
    {"statutory", "agreement", "indonesian_requirement", "announced", "none", "food_allowance"}
)
FLOOR_WORK: frozenset[str] = frozenset({"domestic", "other", "any"})
APPLIES_BY: frozenset[str] = frozenset({"contract_signing_date"})

ID_RE = re.compile(r"^[A-Z]{2}(?:-[A-Z0-9]+)+$")
KEY_RE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
ISO_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

REQUIRED_FACT_FIELDS: tuple[str, ...] = (
    "id",
    "country",
    "topic",
    "claim",
    "value",
    "unit",
    "currency",
    "effective_date",
    "effective_text",
    "caveats",
    "source",
    "confidence",
)
OPTIONAL_FACT_FIELDS: frozenset[str] = frozenset(
    {"notes", "end_date", "applies_by", "floor", "parts", "items", "related", "countries_covered"}
)
TOP_LEVEL: frozenset[str] = frozenset(
    {"version", "compiled", "derived_from", "confidence_scale", "caveat", "currencies"}
    | {"facts", "unsourced"}
)

_NUMBER_WORDS = {
    1: ("one", "satu"),
    2: ("two", "dua"),
    3: ("three", "tiga"),
    6: ("six", "enam"),
    12: ("twelve",),
}
_FRACTION_WORDS = {
    Decimal("0.25"): ("quarter", "1/4"),
    Decimal("0.5"): ("half", "1/2"),
}


def written_forms(value: Any) -> set[str]:
    """The ways a figure may be written in a source text: ``4990`` -> ``4990``, ``4,990``."""
    amount = number(value)
    if amount is None:
        return {str(value)}
    forms = {format(amount.normalize(), "f")}
    if amount == amount.to_integral_value():
        whole = int(amount)
        forms |= {str(whole), f"{whole:,}", f"{whole:,}".replace(",", ".")}
        forms |= set(_NUMBER_WORDS.get(whole, ()))
    else:
        forms |= set(_FRACTION_WORDS.get(amount.normalize(), ()))
    if amount < 1:
        forms.add(f"{format((amount * 100).normalize(), 'f')}%")
    return forms


def _appears(form: str, text: str) -> bool:
    """Whether ``form`` is in ``text`` as a whole figure or word (``1`` is not in ``10``)."""
    pattern = rf"(?<![0-9A-Za-z]){re.escape(form)}(?![0-9A-Za-z])"
    return re.search(pattern, text) is not None


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[Issue] = []

    def error(self, fact_id: str | None, message: str) -> None:
        self.issues.append(Issue("error", self.file, fact_id, message))

    def warning(self, fact_id: str | None, message: str) -> None:
        self.issues.append(Issue("warning", self.file, fact_id, message))


def _date_text(value: Any) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, str) else None


def _check_source(chk: _Checker, fid: str, raw: Any, today: dt.date) -> None:
    if not isinstance(raw, dict) or not raw.get("url"):
        chk.error(fid, "has no source: 'source.url' is required")
        return
    if not is_url(raw.get("url")):
        chk.error(fid, f"source url {raw.get('url')!r} is not an http(s) URL")
    if not isinstance(raw.get("title"), str) or not raw["title"].strip():
        chk.error(fid, "source has no title")
    unknown = set(raw) - {"url", "title", "quote", "retrieved"}
    if unknown:
        chk.error(fid, f"source has unknown fields: {', '.join(sorted(unknown))}")
    retrieved = _date_text(raw.get("retrieved"))
    if retrieved is None or not ISO_DATE_RE.match(retrieved):
        chk.error(fid, f"source retrieved {raw.get('retrieved')!r} is not an ISO date (YYYY-MM-DD)")
        return
    try:
        if dt.date.fromisoformat(retrieved) > today:
            chk.error(fid, f"source retrieved {retrieved} is in the future")
    except ValueError:
        chk.error(fid, f"source retrieved {retrieved!r} is not a real date")


def _check_dates(chk: _Checker, fid: str, raw: dict[str, Any]) -> None:
    date = _date_text(raw.get("effective_date"))
    if date is None or not date.strip():
        chk.error(fid, "has no date: 'effective_date' is required (a date or 'in force')")
        return
    if date != IN_FORCE:
        if not PARTIAL_DATE_RE.match(date):
            chk.error(
                fid,
                f"effective_date {date!r} is not YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or 'in force'",
            )
            return
        try:
            parse_span(date)
        except ValueError:
            chk.error(fid, f"effective_date {date!r} is not a real date")
            return
    text = _date_text(raw.get("effective_text"))
    if text is not None and not text.startswith(date):
        chk.error(fid, f"effective_date {date!r} does not lead effective_text {text!r}")
    end = _date_text(raw.get("end_date"))
    if end is not None:
        if not ISO_DATE_RE.match(end):
            chk.error(fid, f"end_date {end!r} is not an ISO date (YYYY-MM-DD)")
        elif date != IN_FORCE and dt.date.fromisoformat(end) < parse_span(date).first:
            chk.error(fid, f"end_date {end} is before effective_date {date}")


def _check_parts(chk: _Checker, fid: str, raw: dict[str, Any], currencies: set[str]) -> None:
    parts = raw.get("parts")
    if parts is None:
        return
    if not isinstance(parts, list):
        chk.error(fid, "'parts' must be a list")
        return
    own_text = " ".join(str(raw.get(k) or "") for k in ("claim", "unit"))
    source = raw.get("source")
    if isinstance(source, dict):
        own_text += " " + str(source.get("quote") or "")
    names: set[str] = set()
    for part in parts:
        if not isinstance(part, dict) or not {"name", "value", "from"} <= set(part):
            chk.error(fid, "each part needs 'name', 'value' and 'from'")
            continue
        name = part["name"]
        if not isinstance(name, str) or not KEY_RE.match(name) or name in names:
            chk.error(fid, f"part name {name!r} must be a unique snake_case key")
        names.add(str(name))
        unknown = set(part) - {"name", "value", "from", "currency"}
        if unknown:
            chk.error(fid, f"part {name!r} has unknown fields: {', '.join(sorted(unknown))}")
        snippet = str(part["from"])
        if snippet not in own_text:
            chk.error(fid, f"part {name!r}: 'from' {snippet!r} is not in the fact's own text")
        elif not any(_appears(form, snippet) for form in written_forms(part["value"])):
            chk.error(fid, f"part {name!r}: value {part['value']!r} is not written in {snippet!r}")
        cur = part.get("currency")
        if cur is not None and cur not in currencies:
            chk.error(fid, f"part {name!r}: unknown currency {cur!r}")


def _check_items(chk: _Checker, fid: str, raw: dict[str, Any]) -> None:
    items = raw.get("items")
    if items is None:
        return
    if not isinstance(items, list) or not items:
        chk.error(fid, "'items' must be a non-empty list")
        return
    keys: set[str] = set()
    for item in items:
        if not isinstance(item, dict) or set(item) != {"key", "en", "id"}:
            chk.error(fid, "each item needs exactly 'key', 'en' and 'id'")
            continue
        key = item["key"]
        if not isinstance(key, str) or not KEY_RE.match(key) or key in keys:
            chk.error(fid, f"item key {key!r} must be a unique snake_case key")
        keys.add(str(key))
        if str(item["en"]) not in str(raw.get("claim") or ""):
            chk.error(fid, f"item {key!r}: {item['en']!r} is not in the claim")
        if not str(item["id"]).strip():
            chk.error(fid, f"item {key!r} has no Indonesian name")


def _check_floor(chk: _Checker, fid: str, raw: dict[str, Any]) -> None:
    floor = raw.get("floor")
    if floor is None:
        return
    if not isinstance(floor, dict) or set(floor) != {"kind", "work"}:
        chk.error(fid, "'floor' must be a mapping with 'kind' and 'work'")
        return
    if floor["kind"] not in FLOOR_KINDS:
        chk.error(
            fid, f"floor kind {floor['kind']!r} is not one of {', '.join(sorted(FLOOR_KINDS))}"
        )
    if floor["work"] not in FLOOR_WORK:
        chk.error(
            fid, f"floor work {floor['work']!r} is not one of {', '.join(sorted(FLOOR_WORK))}"
        )
    has_amount = number(raw.get("value")) is not None and raw.get("currency") is not None
    if floor["kind"] == "none" and raw.get("value") is not None:
        chk.error(fid, "a floor of kind 'none' has no value")
    elif floor["kind"] != "none" and not has_amount:
        chk.error(fid, f"a floor of kind {floor['kind']!r} needs a numeric value and a currency")


def _check_fact(
    chk: _Checker, raw: Any, index: int, today: dt.date, currencies: set[str]
) -> str | None:
    if not isinstance(raw, dict):
        chk.error(f"#{index + 1}", "a fact must be a mapping")
        return None
    raw_id = raw.get("id")
    fid = raw_id if isinstance(raw_id, str) and raw_id else f"#{index + 1}"
    if not isinstance(raw_id, str) or not ID_RE.match(raw_id):
        chk.error(
            fid, f"id {raw_id!r} must look like HK-MAW-2025 (country code, then A-Z0-9 parts)"
        )
    for field in REQUIRED_FACT_FIELDS:
        if field not in raw:
            what = {"source": "source", "confidence": "confidence", "effective_date": "date"}
            if field in what:
                chk.error(fid, f"has no {what[field]}: missing required field '{field}'")
            else:
                chk.error(fid, f"missing required field '{field}'")
    unknown = set(raw) - set(REQUIRED_FACT_FIELDS) - OPTIONAL_FACT_FIELDS
    if unknown:
        chk.error(fid, f"unknown fields: {', '.join(sorted(unknown))}")
    country = raw.get("country")
    if "country" in raw and country not in COUNTRIES:
        chk.error(
            fid, f"unknown country code {country!r} (ISO 3166-1 alpha-2 of places.yml, or ZZ)"
        )
    elif isinstance(raw_id, str) and isinstance(country, str) and not raw_id.startswith(country):
        chk.error(fid, f"id does not start with its country {country!r}")
    if "topic" in raw and raw["topic"] not in TOPICS:
        chk.error(fid, f"topic {raw['topic']!r} is not one of {', '.join(sorted(TOPICS))}")
    for field in ("claim", "unit"):
        if field in raw and (not isinstance(raw[field], str) or not raw[field].strip()):
            chk.error(fid, f"'{field}' must be a non-empty text")
    currency = raw.get("currency")
    if currency is not None and currency not in currencies:
        chk.error(fid, f"unknown currency {currency!r} (not in 'currencies')")
    unit = raw.get("unit")
    if isinstance(unit, str) and isinstance(currency, str) and not unit.startswith(currency):
        chk.error(fid, f"currency {currency!r} does not lead the unit {unit!r}")
    if "confidence" in raw and raw["confidence"] not in CONFIDENCE:
        chk.error(fid, f"confidence {raw['confidence']!r} is not one of H, M, L")
    if "source" in raw:
        _check_source(chk, fid, raw["source"], today)
    if "effective_date" in raw:
        _check_dates(chk, fid, raw)
    caveats = raw.get("caveats")
    if "caveats" in raw:
        if not isinstance(caveats, list):
            chk.error(fid, "'caveats' must be a list")
        else:
            bad = [c for c in caveats if c not in CAVEATS]
            if bad:
                chk.error(fid, f"unknown caveats: {', '.join(map(str, bad))}")
    if raw.get("applies_by") is not None and raw["applies_by"] not in APPLIES_BY:
        chk.error(fid, f"applies_by {raw['applies_by']!r} is not one of {', '.join(APPLIES_BY)}")
    covered = raw.get("countries_covered")
    if covered is not None and (
        not isinstance(covered, list) or any(c not in COUNTRY_NAMES for c in covered)
    ):
        chk.error(fid, "'countries_covered' must list known ISO 3166-1 alpha-2 codes")
    _check_floor(chk, fid, raw)
    _check_parts(chk, fid, raw, currencies)
    _check_items(chk, fid, raw)
    return raw_id if isinstance(raw_id, str) else None


def _check_currencies(chk: _Checker, raw: Any) -> set[str]:
    if not isinstance(raw, list) or not raw:
        chk.error(None, "'currencies' must list the currencies facts and amounts may use")
        return set()
    codes: set[str] = set()
    countries: dict[str, str] = {}
    for cur in raw:
        if not isinstance(cur, dict) or not CURRENCY_RE.match(str(cur.get("code"))):
            chk.error(None, f"currency {cur!r} needs an ISO 4217 'code' (three capitals)")
            continue
        code = cur["code"]
        if code in codes:
            chk.error(None, f"currency {code} is listed twice")
        codes.add(code)
        if not isinstance(cur.get("decimals"), int):
            chk.error(None, f"currency {code} needs 'decimals' (an integer)")
        for country in cur.get("countries") or ():
            if country not in COUNTRY_NAMES:
                chk.error(None, f"currency {code}: unknown country code {country!r}")
            elif country in countries:
                chk.error(
                    None, f"country {country} has two currencies ({countries[country]}, {code})"
                )
            countries[country] = code
    return codes


def validate_money_document(
    file: str, document: Any, *, today: dt.date | None = None
) -> list[Issue]:
    """Validate a parsed facts file.

    Args:
        file: The file name, used in messages.
        document: The parsed YAML.
        today: The date "in the future" is measured from (default: today).

    Returns:
        The issues found, in file order.
    """
    chk = _Checker(file)
    today = today or dt.date.today()
    if not isinstance(document, dict) or not isinstance(document.get("facts"), list):
        chk.error(None, "a money facts file must be a mapping with a 'facts' list")
        return chk.issues
    unknown = set(document) - TOP_LEVEL
    if unknown:
        chk.error(None, f"unknown top-level keys: {', '.join(sorted(unknown))}")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        chk.error(None, "'version' must be a positive integer (raise it on every change)")
    currencies = _check_currencies(chk, document.get("currencies"))
    seen: dict[str, int] = {}
    for index, raw in enumerate(document["facts"]):
        fid = _check_fact(chk, raw, index, today, currencies)
        if fid is None:
            continue
        if fid in seen:
            chk.error(fid, f"duplicate id (first defined as fact {seen[fid] + 1})")
        else:
            seen[fid] = index
    for raw in document["facts"]:
        if isinstance(raw, dict):
            for other in raw.get("related") or ():
                if other not in seen:
                    chk.error(raw.get("id"), f"related fact {other!r} does not exist")
    unsourced = document.get("unsourced")
    if not isinstance(unsourced, list):
        chk.error(None, "'unsourced' must list what could not be sourced (it may be empty)")
    else:
        keys: set[str] = set()
        for item in unsourced:
            if not isinstance(item, dict) or not item.get("item") or not item.get("note"):
                chk.error(None, f"unsourced item {item!r} needs 'item' and 'note'")
                continue
            key = item.get("refuse")
            if not isinstance(key, str) or not KEY_RE.match(key) or key in keys:
                chk.error(
                    None, f"unsourced item {item['item'][:40]!r}: 'refuse' must be a unique key"
                )
            keys.add(str(key))
    return chk.issues
