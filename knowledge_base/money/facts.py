"""The money facts (``facts.yml``): typed, validated, read once.

``facts.yml`` is derived from ``shared/reference/money_facts.yaml``; every figure the money
help shows is one of its values or parts (docs/money.md). :func:`load_money_facts` validates
the file (:mod:`knowledge_base.money.validation`) and refuses a broken one, so a bad edit can
never reach a person: the money help then says it cannot compute and offers a caseworker.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

FACTS_PATH = Path(__file__).resolve().with_name("facts.yml")

#: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``YYYY-Qn``.
PARTIAL_DATE_RE = re.compile(r"^([0-9]{4})(?:-(?:([0-9]{2})(?:-([0-9]{2}))?|Q([1-4])))?$")
IN_FORCE = "in force"


class MoneyFactsError(Exception):
    """The facts file could not be loaded: unreadable, or its validation found errors.

    Attributes:
        issues: The validation errors (``knowledge_base.validation.Issue``).
    """

    def __init__(self, message: str, issues: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.issues = issues


@dataclass(frozen=True)
class DateSpan:
    """The days a partial date covers: ``2025-10`` is 1 to 31 October 2025."""

    first: dt.date
    last: dt.date

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls in the span."""
        return self.first <= day <= self.last


def parse_span(text: str) -> DateSpan:
    """The span of ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``YYYY-Qn``.

    Raises:
        ValueError: If the text is not such a date, or not a real one.
    """
    match = PARTIAL_DATE_RE.match(text)
    if not match:
        raise ValueError(f"not a date: {text!r}")
    year = int(match.group(1))
    month, day, quarter = match.group(2), match.group(3), match.group(4)
    if quarter:
        first_month = 3 * int(quarter) - 2
        last_month = first_month + 2
        return DateSpan(
            dt.date(year, first_month, 1),
            dt.date(year, last_month, calendar.monthrange(year, last_month)[1]),
        )
    if day:
        one = dt.date(year, int(month), int(day))
        return DateSpan(one, one)
    if month:
        m = int(month)
        return DateSpan(dt.date(year, m, 1), dt.date(year, m, calendar.monthrange(year, m)[1]))
    return DateSpan(dt.date(year, 1, 1), dt.date(year, 12, 31))


def number(value: Any) -> Decimal | None:
    """A YAML number as an exact :class:`Decimal` (``0.1`` stays ``0.1``), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return Decimal(str(value))


@dataclass(frozen=True)
class Source:
    """Where a fact was read: the page, its site, the passage quoted, the day it was read."""

    url: str
    title: str
    quote: str
    retrieved: str


@dataclass(frozen=True)
class Part:
    """Another figure of a fact's own text (``from`` is copied from its claim, unit or quote)."""

    name: str
    value: Any
    text: str
    currency: str | None = None

    @property
    def amount(self) -> Decimal | None:
        """The value as a Decimal when it is a number."""
        return number(self.value)


@dataclass(frozen=True)
class Item:
    """One entry of a list a claim names (an occupation, a cost item)."""

    key: str
    en: str
    id: str

    def name_in(self, lang: str) -> str:
        """The item's name in ``lang``."""
        return self.en if lang == "en" else self.id


@dataclass(frozen=True)
class FloorUse:
    """How a wage-floor fact is used: its kind and the work it covers."""

    kind: str
    work: str


@dataclass(frozen=True)
class Fact:
    """One sourced fact.

    Attributes mirror ``facts.yml`` (see its header): ``value`` exactly as the reference gives
    it (a number, a text such as a phone number or date, or None for a rule without amount).
    """

    id: str
    country: str
    topic: str
    claim: str
    value: Any
    unit: str
    currency: str | None
    effective_date: str
    effective_text: str
    source: Source
    confidence: str
    caveats: tuple[str, ...] = ()
    notes: str | None = None
    end_date: str | None = None
    applies_by: str | None = None
    floor: FloorUse | None = None
    parts: tuple[Part, ...] = ()
    items: tuple[Item, ...] = ()
    related: tuple[str, ...] = ()
    countries_covered: tuple[str, ...] = ()

    @property
    def amount(self) -> Decimal | None:
        """The value as a Decimal when it is a number."""
        return number(self.value)

    def part(self, name: str) -> Part:
        """The part called ``name``.

        Raises:
            KeyError: If the fact has no such part.
        """
        for p in self.parts:
            if p.name == name:
                return p
        raise KeyError(f"{self.id} has no part {name!r}")

    def part_amount(self, name: str) -> Decimal:
        """The numeric value of part ``name``.

        Raises:
            KeyError: If the fact has no such part or it is not a number.
        """
        amount = self.part(name).amount
        if amount is None:
            raise KeyError(f"{self.id} part {name!r} is not a number")
        return amount

    @property
    def effective(self) -> DateSpan | None:
        """The span of the effective date (None for "in force")."""
        if self.effective_date == IN_FORCE:
            return None
        return parse_span(self.effective_date)

    @property
    def effective_from(self) -> dt.date | None:
        """The first day the fact took effect, when dated."""
        span = self.effective
        return span.first if span else None

    @property
    def ends(self) -> dt.date | None:
        """The last day the fact applies, when the claim gives one."""
        return dt.date.fromisoformat(self.end_date) if self.end_date else None

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the fact applies on ``day`` (dated from its first effective day)."""
        start = self.effective_from
        if start is not None and day < start:
            return False
        end = self.ends
        return end is None or day <= end


@dataclass(frozen=True)
class Currency:
    """A currency a fact or amount may use, its display symbol and the countries using it."""

    code: str
    countries: tuple[str, ...]
    decimals: int
    symbol: str | None = None


@dataclass(frozen=True)
class Unsourced:
    """Something that could not be sourced: never show a figure for it."""

    refuse: str
    item: str
    looked_for: str
    note: str


@dataclass(frozen=True)
class MoneyFacts:
    """Every money fact, by id, with the currencies and the unsourced items."""

    version: int
    compiled: str
    facts: tuple[Fact, ...]
    currencies: tuple[Currency, ...]
    unsourced: tuple[Unsourced, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {f.id: f for f in self.facts})

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.facts)

    def __len__(self) -> int:
        return len(self.facts)

    def __contains__(self, fact_id: object) -> bool:
        return fact_id in self._by_id  # type: ignore[attr-defined]

    def get(self, fact_id: str) -> Fact:
        """The fact with ``fact_id``.

        Raises:
            KeyError: If there is none.
        """
        found: Fact | None = self._by_id.get(fact_id)  # type: ignore[attr-defined]
        if found is None:
            raise KeyError(f"no money fact {fact_id!r}")
        return found

    def by_country(self, country: str, topic: str | None = None) -> list[Fact]:
        """The facts of a country (optionally one topic), in file order."""
        return [f for f in self.facts if f.country == country and topic in (None, f.topic)]

    def currency(self, code: str | None) -> Currency | None:
        """The currency with ISO 4217 ``code``, else None."""
        return next((c for c in self.currencies if c.code == code), None)

    def currency_of_country(self, country: str | None) -> str | None:
        """The currency of a country (ISO 3166-1 alpha-2), else None."""
        return next((c.code for c in self.currencies if country and country in c.countries), None)

    def refused(self, key: str) -> Unsourced:
        """The unsourced item ``key``.

        Raises:
            KeyError: If there is none.
        """
        for u in self.unsourced:
            if u.refuse == key:
                return u
        raise KeyError(f"no unsourced item {key!r}")


def _as_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _fact(raw: dict[str, Any]) -> Fact:
    src = raw["source"]
    floor = raw.get("floor")
    return Fact(
        id=raw["id"],
        country=raw["country"],
        topic=raw["topic"],
        claim=raw["claim"],
        value=raw["value"],
        unit=raw["unit"],
        currency=raw.get("currency"),
        effective_date=_as_text(raw["effective_date"]),
        effective_text=_as_text(raw["effective_text"]),
        source=Source(
            url=src["url"],
            title=src["title"],
            quote=src.get("quote") or "",
            retrieved=_as_text(src["retrieved"]),
        ),
        confidence=raw["confidence"],
        caveats=tuple(raw.get("caveats") or ()),
        notes=raw.get("notes"),
        end_date=_as_text(raw["end_date"]) if raw.get("end_date") else None,
        applies_by=raw.get("applies_by"),
        floor=FloorUse(floor["kind"], floor["work"]) if floor else None,
        parts=tuple(
            Part(p["name"], p["value"], p["from"], p.get("currency"))
            for p in raw.get("parts") or ()
        ),
        items=tuple(Item(i["key"], i["en"], i["id"]) for i in raw.get("items") or ()),
        related=tuple(raw.get("related") or ()),
        countries_covered=tuple(raw.get("countries_covered") or ()),
    )


def build_money_facts(document: dict[str, Any]) -> MoneyFacts:
    """Typed facts from a parsed, already validated document."""
    return MoneyFacts(
        version=int(document["version"]),
        compiled=_as_text(document.get("compiled", "")),
        facts=tuple(_fact(raw) for raw in document["facts"]),
        currencies=tuple(
            Currency(
                c["code"], tuple(c.get("countries") or ()), int(c["decimals"]), c.get("symbol")
            )
            for c in document["currencies"]
        ),
        unsourced=tuple(
            Unsourced(u["refuse"], u["item"], u.get("looked_for", ""), u.get("note", ""))
            for u in document["unsourced"]
        ),
    )


def read_document(path: Path) -> Any:
    """The parsed YAML of a facts file.

    Raises:
        MoneyFactsError: If it cannot be read or parsed.
    """
    try:
        with Path(path).open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        message = f"{path}: cannot read the money facts: {exc}".replace("\n", " ")
        raise MoneyFactsError(message) from exc


_CACHE: dict[tuple[str, int, int], MoneyFacts] = {}
_LOCK = threading.Lock()


def load_money_facts(path: Path = FACTS_PATH, *, today: dt.date | None = None) -> MoneyFacts:
    """Load and validate a facts file (cached while the file is unchanged).

    Args:
        path: The facts file (default: the shipped ``facts.yml``).
        today: The date "in the future" checks use (default: today).

    Raises:
        MoneyFactsError: If the file is unreadable or has validation errors.
    """
    from knowledge_base.money.validation import validate_money_document

    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise MoneyFactsError(f"{path}: cannot read the money facts: {exc}") from exc
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    with _LOCK:
        cached = _CACHE.get(key)
    if cached is not None and today is None:
        return cached
    document = read_document(path)
    errors = tuple(
        i
        for i in validate_money_document(str(path), document, today=today)
        if i.severity == "error"
    )
    if errors:
        listed = "; ".join(str(e) for e in errors[:5])
        raise MoneyFactsError(f"{len(errors)} error(s) in the money facts: {listed}", errors)
    facts = build_money_facts(document)
    if today is None:
        with _LOCK:
            _CACHE.clear()
            _CACHE[key] = facts
    return facts
