"""Organisations and routing: which NGO team receives a person's case.

A case goes to the earliest created organisation serving the person's country, else to the
default one. There is always exactly one default once an organisation exists: the first one
becomes it, and making another the default moves it (one transaction; a partial unique
index refuses a second default even from a racing process).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from bot.cases.models import NoOrganisation, OfficeHours, Organisation
from bot.cases.tables import organisations


def _codes(values: Iterable[str], *, upper: bool) -> tuple[str, ...]:
    seen: list[str] = []
    for value in values:
        code = str(value).strip()
        code = code.upper() if upper else code.lower()
        if code and code not in seen:
            seen.append(code)
    return tuple(seen)


def country_codes(values: Iterable[str] | str) -> tuple[str, ...]:
    """ISO2 codes from a list or a ``"HK,TW"`` string, upper-case, without repeats.

    Raises:
        ValueError: If a code is not two letters.
    """
    items = values.split(",") if isinstance(values, str) else values
    codes = _codes(items, upper=True)
    bad = [c for c in codes if len(c) != 2 or not c.isalpha()]
    if bad:
        raise ValueError(f"not ISO 3166-1 alpha-2 country codes: {', '.join(bad)}")
    return codes


def language_codes(values: Iterable[str] | str) -> tuple[str, ...]:
    """Language codes from a list or a ``"id,en"`` string, lower-case, without repeats."""
    items = values.split(",") if isinstance(values, str) else values
    return _codes(items, upper=False)


def from_row(row: Row[Any]) -> Organisation:
    """Build an :class:`Organisation` from a row of ``organisations``."""
    hours = json.loads(row.office_hours) if row.office_hours else None
    return Organisation(
        id=int(row.id),
        name=str(row.name),
        countries=tuple(json.loads(row.countries)),
        languages=tuple(json.loads(row.languages)),
        office_hours=OfficeHours.from_dict(hours) if isinstance(hours, dict) else None,
        is_default=bool(row.is_default),
        created_at=float(row.created_at),
    )


def insert(
    conn: Connection,
    *,
    name: str,
    countries: tuple[str, ...],
    languages: tuple[str, ...],
    default: bool,
    office_hours: OfficeHours | None,
    now: float,
) -> int:
    """Insert an organisation; it becomes the default when asked or when there is none.

    The row is written first (on SQLite that takes the write lock before anything is read).
    Two "first" organisations racing both try to become the default: the partial unique
    index lets one commit, and the caller retries the other, which then finds a default.
    """
    t = organisations
    result = conn.execute(
        sa.insert(t).values(
            name=name,
            countries=json.dumps(list(countries)),
            languages=json.dumps(list(languages)),
            office_hours=json.dumps(office_hours.as_dict()) if office_hours else None,
            is_default=False,
            created_at=now,
        )
    )
    new_id = int(result.inserted_primary_key[0])
    has_default = conn.execute(sa.select(t.c.id).where(t.c.is_default.is_(True))).first()
    if default or has_default is None:
        set_default(conn, new_id)
    return new_id


def set_default(conn: Connection, organisation_id: int) -> bool:
    """Make ``organisation_id`` the default; False if it does not exist."""
    t = organisations
    if conn.execute(sa.select(t.c.id).where(t.c.id == organisation_id)).first() is None:
        return False
    conn.execute(sa.update(t).where(t.c.is_default.is_(True)).values(is_default=False))
    conn.execute(sa.update(t).where(t.c.id == organisation_id).values(is_default=True))
    return True


def all_organisations(conn: Connection) -> list[Organisation]:
    """Every organisation, earliest created first."""
    t = organisations
    return [from_row(r) for r in conn.execute(sa.select(t).order_by(t.c.created_at, t.c.id))]


def by_id(conn: Connection, organisation_id: int) -> Organisation | None:
    """One organisation, or None."""
    row = conn.execute(sa.select(organisations).where(organisations.c.id == organisation_id))
    first = row.first()
    return from_row(first) if first is not None else None


def route(conn: Connection, country: str | None) -> Organisation:
    """The organisation a case from ``country`` goes to.

    Raises:
        NoOrganisation: If there is none at all.
    """
    everyone = all_organisations(conn)
    code = (country or "").upper()
    for organisation in everyone:
        if code and code in organisation.countries:
            return organisation
    for organisation in everyone:
        if organisation.is_default:
            return organisation
    if everyone:  # cannot happen while the invariant holds; never lose a case over it
        return everyone[0]
    raise NoOrganisation("no organisation exists: create one (python -m bot.console org create)")
