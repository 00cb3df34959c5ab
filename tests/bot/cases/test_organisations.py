"""Organisations and routing: exactly one default, routing by country, unique names."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from bot.cases.models import (
    NoOrganisation,
    OrganisationExists,
)
from bot.cases.tables import organisations
from tests.bot.cases.helpers import open_case


def defaults(engine) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(organisations.c.name).where(organisations.c.is_default.is_(True))
            ).scalars()
        )


def test_first_organisation_is_the_default_and_default_true_moves_it(stores):
    store = stores.cases
    first = store.create_organisation("Hong Kong Helpers", "HK")
    assert first.is_default and first.countries == ("HK",) and first.languages == ("id", "en")
    second = store.create_organisation("Taiwan Team", ["tw", "TW"])
    assert not second.is_default and second.countries == ("TW",)
    assert defaults(stores.engine) == ["Hong Kong Helpers"]
    third = store.create_organisation("Lentera Desk", [], default=True)
    assert third.is_default
    assert defaults(stores.engine) == ["Lentera Desk"]
    store.set_default_organisation(second.id)
    assert defaults(stores.engine) == ["Taiwan Team"]
    assert [o.name for o in store.organisations()] == [
        "Hong Kong Helpers",
        "Taiwan Team",
        "Lentera Desk",
    ]


def test_routing_prefers_the_earliest_organisation_serving_the_country_else_the_default(stores):
    store = stores.cases
    with pytest.raises(NoOrganisation):
        store.organisation_for("HK")
    desk = store.create_organisation("Lentera Desk", [])
    stores.clock.advance(1)
    early = store.create_organisation("Early HK", "HK,TW", office_hours={"tz": "Asia/Hong_Kong"})
    stores.clock.advance(1)
    store.create_organisation("Late HK", "HK")
    assert store.organisation_for("HK").id == early.id
    assert store.organisation_for("tw").id == early.id
    assert store.organisation_for("SA").id == desk.id
    assert store.organisation_for(None).id == desk.id
    assert early.office_hours is not None and early.office_hours.tz == "Asia/Hong_Kong"
    assert early.office_hours.days == (0, 1, 2, 3, 4)
    case = open_case(store, country="HK")
    assert case.organisation_id == early.id


def test_organisation_names_are_unique_and_codes_checked(stores):
    store = stores.cases
    store.create_organisation("Lentera Desk", [])
    with pytest.raises(OrganisationExists):
        store.create_organisation("Lentera  Desk", ["HK"], default=True)
    assert defaults(stores.engine) == ["Lentera Desk"]
    with pytest.raises(ValueError, match="alpha-2"):
        store.create_organisation("Bad", ["Hong Kong"])


def test_racing_first_organisations_leave_exactly_one_default(stores):
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def create(name: str) -> None:
        try:
            barrier.wait()
            stores.cases.create_organisation(name, [])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(n,)) for n in ("A", "B", "C")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(stores.cases.organisations()) == 3 and len(defaults(stores.engine)) == 1


def test_two_defaults_cannot_be_committed(stores):
    stores.cases.create_organisation("A", [])
    stores.cases.create_organisation("B", [])
    with pytest.raises(sa.exc.IntegrityError), stores.engine.begin() as conn:
        conn.execute(sa.update(organisations).values(is_default=True))
    assert defaults(stores.engine) == ["A"]
