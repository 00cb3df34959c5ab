"""The lookups answer with the facts file's own figures, and say when they cannot.

Figures are read from the facts in each test (``facts.get(...).amount``), never re-typed, so a
change of the data file changes what the tests expect.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from knowledge_base.money import MoneyFacts, load_money_facts
from knowledge_base.money.facts import FACTS_PATH, build_money_facts, parse_span, read_document
from knowledge_base.money.lookups import (
    REQUIRED_FACTS,
    check_lookups,
    claim_route,
    deduction_limits,
    fee_rule,
    pay_deadline,
    placement_rule,
    remittance_facts,
    wage_floor,
)

TODAY = dt.date(2026, 12, 2)


@pytest.fixture(scope="module")
def facts() -> MoneyFacts:
    return load_money_facts()


def amount(facts: MoneyFacts, fact_id: str) -> Decimal:
    value = facts.get(fact_id).amount
    assert value is not None
    return value


# -- wage floors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signed", "fact_id"),
    [
        ("2025-10", "HK-MAW-2025"),
        ("2025-09-30", "HK-MAW-2025"),
        ("2025-09-29", "HK-MAW-2024"),
        ("2024-09-28", "HK-MAW-2024"),
        ("2024-09-27", "HK-MAW-2023"),
        ("2024-03", "HK-MAW-2023"),
        ("2023-10", "HK-MAW-2023"),
        ("2023-09-29", "HK-MAW-2022"),
        ("2022-10-01", "HK-MAW-2022"),
        ("2026-12-01", "HK-MAW-2025"),
    ],
)
def test_hong_kong_floor_follows_the_signing_date(
    facts: MoneyFacts, signed: str, fact_id: str
) -> None:
    found = wage_floor(facts, "HK", signed=parse_span(signed), today=TODAY)
    assert found.status == "floor"
    assert found.fact is facts.get(fact_id)


@pytest.mark.parametrize(
    ("signed", "levels"),
    [
        ("2025-09", ["HK-MAW-2024", "HK-MAW-2025"]),
        ("2025", ["HK-MAW-2024", "HK-MAW-2025"]),
        ("2023", ["HK-MAW-2022", "HK-MAW-2023"]),
        ("2022-10", ["HK-MAW-2022"]),
    ],
)
def test_a_vague_signing_date_is_ambiguous_only_when_it_spans_two_levels(
    facts: MoneyFacts, signed: str, levels: list[str]
) -> None:
    found = wage_floor(facts, "HK", signed=parse_span(signed), today=TODAY)
    if len(levels) == 1:
        assert found.status == "floor" and found.fact is facts.get(levels[0])
    else:
        assert found.status == "ambiguous" and found.fact is None
        assert [f.id for f in found.candidates] == levels


def test_a_long_vague_date_lists_every_level_between(facts: MoneyFacts) -> None:
    span = parse_span("2023")
    wide = type(span)(span.first, dt.date(2025, 12, 31))
    found = wage_floor(facts, "HK", signed=wide, today=TODAY)
    assert [f.id for f in found.candidates] == [
        "HK-MAW-2022",
        "HK-MAW-2023",
        "HK-MAW-2024",
        "HK-MAW-2025",
    ]


def test_hong_kong_without_a_date_needs_one(facts: MoneyFacts) -> None:
    found = wage_floor(facts, "HK", today=TODAY)
    assert found.status == "needs_date"
    assert [f.amount for f in found.candidates] == sorted(f.amount for f in found.candidates)
    assert facts.get("HK-MAW-2025") in found.candidates


def test_before_the_earliest_sourced_level_there_is_no_floor(facts: MoneyFacts) -> None:
    found = wage_floor(facts, "HK", signed=parse_span("2022-09-30"), today=TODAY)
    assert found.status == "before_sourced" and found.fact is None


@pytest.mark.parametrize(
    ("signed", "food"),
    [
        ("2025-10-01", ("HK-FOOD-2025", None)),
        ("2024-12-01", ("HK-MAW-2024", "food_allowance")),
        ("2023-12-01", ("HK-MAW-2023", "food_allowance")),
        ("2022-12-01", ("HK-MAW-2022", "food_allowance")),
    ],
)
def test_the_food_allowance_goes_with_the_level(
    facts: MoneyFacts, signed: str, food: tuple[str, str | None]
) -> None:
    found = wage_floor(facts, "HK", signed=parse_span(signed), today=TODAY)
    fact_id, part = food
    expected = facts.get(fact_id).part_amount(part) if part else amount(facts, fact_id)
    assert [(a.name, a.amount) for a in found.allowances] == [("food_allowance", expected)]


@pytest.mark.parametrize(
    ("country", "work", "fact_id"),
    [
        ("TW", "domestic", "TW-HOUSEHOLD-20000"),
        ("TW", "other", "TW-MINWAGE-2026"),
        ("MY", "domestic", "MY-MOU-2022-RM1500"),
        ("MY", "other", "MY-MWO-2024"),
        ("QA", "domestic", "QA-MINWAGE"),
        ("QA", "other", "QA-MINWAGE"),
        ("KW", "domestic", "KW-DW-MINWAGE"),
        ("JO", "other", "JO-MINWAGE-2025"),
    ],
)
def test_floors_in_force(facts: MoneyFacts, country: str, work: str, fact_id: str) -> None:
    found = wage_floor(facts, country, work=work, today=TODAY)
    assert found.status == "floor" and found.fact is facts.get(fact_id)
    assert found.fact is not None and found.fact.currency == facts.currency_of_country(country)


def test_qatar_adds_food_and_housing(facts: MoneyFacts) -> None:
    found = wage_floor(facts, "QA", today=TODAY)
    qatar = facts.get("QA-MINWAGE")
    assert {a.name: a.amount for a in found.allowances} == {
        "food_allowance": qatar.part_amount("food_allowance"),
        "housing_allowance": qatar.part_amount("housing_allowance"),
    }


def test_a_floor_not_yet_or_no_longer_in_force_is_not_used(facts: MoneyFacts) -> None:
    assert wage_floor(facts, "JO", work="other", today=dt.date(2028, 1, 1)).status == "not_sourced"
    assert wage_floor(facts, "TW", work="other", today=dt.date(2025, 6, 1)).status == "not_sourced"


@pytest.mark.parametrize(
    ("country", "status", "no_minimum", "requirement", "announced"),
    [
        ("SG", "no_minimum", "SG-NO-MINWAGE", "SG-KBRI-MIN-550", None),
        ("AE", "no_minimum", "AE-NO-MINWAGE-DW", None, None),
        ("JO", "no_minimum", "JO-DW-NO-MINWAGE", None, None),
        ("SA", "not_sourced", None, None, "SA-2025-REOPEN-1500SAR"),
        ("BN", "not_sourced", None, "BN-KBRI-MIN-350", None),
        ("OM", "not_sourced", None, None, None),
        ("BH", "not_sourced", None, None, None),
        ("KR", "not_sourced", None, None, None),
        ("JP", "not_sourced", None, None, None),
    ],
)
def test_countries_without_a_binding_floor_say_what_they_have(
    facts: MoneyFacts,
    country: str,
    status: str,
    no_minimum: str | None,
    requirement: str | None,
    announced: str | None,
) -> None:
    found = wage_floor(facts, country, today=TODAY)
    assert found.status == status and found.fact is None
    assert (found.no_minimum.id if found.no_minimum else None) == no_minimum
    assert (found.requirement.id if found.requirement else None) == requirement
    assert (found.announced.id if found.announced else None) == announced


def test_the_facts_of_a_floor_name_its_related_caveats(facts: MoneyFacts) -> None:
    found = wage_floor(facts, "MY", today=TODAY)
    assert facts.get("MY-MOU-ADJUST-PENDING") in found.facts
    assert "pending" in facts.get("MY-MOU-ADJUST-PENDING").caveats
    assert facts.get("TW-HOUSEHOLD-20000-SCOPE") in wage_floor(facts, "TW", today=TODAY).facts


# -- deductions, routes, fees ----------------------------------------------------------------


def test_hong_kong_deduction_limits(facts: MoneyFacts) -> None:
    limits = deduction_limits(facts, "HK")
    damage, total = facts.get("HK-DEDUCT-DAMAGE"), facts.get("HK-DEDUCT-TOTAL")
    assert limits.damage_per_case == (damage.part_amount("per_case"), damage)
    assert limits.damage_fraction == (damage.part_amount("period_fraction"), damage)
    assert limits.total_fraction == (total.part_amount("total_fraction"), total)
    assert limits.advance_fraction == (total.part_amount("advance_fraction"), total)
    assert limits.loans is facts.get("ID-PERBAN9-ART4-LOANS") and limits.sourced


def test_other_deduction_limits(facts: MoneyFacts) -> None:
    sg = deduction_limits(facts, "SG")
    assert sg.total_fraction == (amount(facts, "SG-DEDUCT-50"), facts.get("SG-DEDUCT-50"))
    assert sg.forbidden == {"medical": facts.get("SG-NO-MEDICAL-DEDUCT")}
    assert sg.not_keeping is facts.get("SG-NO-KEEPING-SALARY")
    tw = deduction_limits(facts, "TW")
    assert tw.only_allowed == (("health_insurance",), facts.get("TW-DEDUCT-LIVEIN"))
    assert deduction_limits(facts, "MY").authorised_only is facts.get("MY-EA-S24-DEDUCT")
    saudi = deduction_limits(facts, "SA")
    assert not saudi.sourced and saudi.loans is not None and saudi.currency == "SAR"


def test_hong_kong_claim_route(facts: MoneyFacts) -> None:
    route = claim_route(facts, "HK")
    limit = facts.get("HK-MECAB-LIMIT")
    assert route.kind == "hk" and route.small_claims_limit == limit.amount
    assert route.small_claims_limit == amount(facts, "HK-LT-JURISDICTION")
    assert route.small_claims_limit_before == limit.part_amount("limit_before_2021")
    assert route.cutoff == limit.effective_from
    assert route.look_back_months == amount(facts, "HK-MECAB-12M")
    assert route.limitation_years == amount(facts, "HK-LT-LIMITATION")
    assert route.hotline == facts.get("HK-FDH-HOTLINE").value
    assert facts.get("HK-MECAB-CONCILIATION") in route.facts
    assert not route.no_deadline


@pytest.mark.parametrize(
    ("country", "kind", "hotline", "no_deadline"),
    [
        ("SG", "sg", "SG-MDW-CLAIM-MOM", False),
        ("TW", "tw", "TW-1955-HOTLINE", True),
        ("MY", "my", None, True),
        ("AE", "ae", None, False),
        ("SA", "none", None, False),
        ("QA", "none", None, False),
    ],
)
def test_other_claim_routes(
    facts: MoneyFacts, country: str, kind: str, hotline: str | None, no_deadline: bool
) -> None:
    route = claim_route(facts, country)
    assert route.kind == kind and route.no_deadline is no_deadline
    assert route.hotline == (facts.get(hotline).value if hotline else None)
    assert route.small_claims_limit is None and route.limitation_years is None


def test_hong_kong_agency_cap_is_a_share_of_the_first_wage(facts: MoneyFacts) -> None:
    rule = fee_rule(facts, "HK")
    maw = amount(facts, "HK-MAW-2025")
    assert rule.kind == "first_month_fraction"
    assert rule.cap_for(wage=maw) == maw * amount(facts, "HK-EA-COMMISSION")
    assert rule.cap_for() is None


def test_singapore_agency_cap_grows_with_service_up_to_the_ceiling(facts: MoneyFacts) -> None:
    rule = fee_rule(facts, "SG")
    cap = facts.get("SG-EA-FEE-CAP")
    salary = Decimal(600)
    per_year, ceiling = cap.part_amount("per_service_year"), amount(facts, "SG-EA-FEE-CAP")
    assert rule.cap_for(wage=salary, years=1) == salary * per_year
    assert rule.cap_for(wage=salary, years=5) == salary * ceiling
    assert rule.cap_for(wage=salary) is None and rule.cap_for(wage=salary, years=0) is None


@pytest.mark.parametrize(
    ("year", "part"), [(1, "year_1"), (2, "year_2"), (3, "year_3_on"), (7, "year_3_on")]
)
def test_taiwan_broker_cap_by_year_of_stay(facts: MoneyFacts, year: int, part: str) -> None:
    rule = fee_rule(facts, "TW")
    assert rule.cap_for(year_of_stay=year) == facts.get("TW-BROKER-FEE-CAP").part_amount(part)
    assert facts.get("TW-1955-HOTLINE") in rule.facts
    assert rule.cap_for() is None


def test_fee_rules_elsewhere(facts: MoneyFacts) -> None:
    assert fee_rule(facts, "JO").kind == "prohibited"
    assert fee_rule(facts, "MY").kind == "none" and fee_rule(facts, "MY").currency == "MYR"


def test_placement_rule_for_the_exempt_occupations(facts: MoneyFacts) -> None:
    rule = placement_rule(facts, "elderly_carer", "SG")
    assert rule.exempt is True and rule.occupation is not None
    assert rule.occupation.key == "elderly_carer"
    assert len(rule.occupations) == amount(facts, "ID-PERBAN9-OCCUPATIONS")
    assert [i.key for i in rule.cost_items][:2] == ["departure_ticket", "return_ticket"]
    assert rule.destination_caveat == ()
    assert facts.get("ID-PERBAN9-OCCUPATIONS") in rule.facts


def test_placement_rule_for_other_or_unknown_work(facts: MoneyFacts) -> None:
    other = placement_rule(facts, "other", "MY")
    assert other.exempt is False and other.occupation is None
    assert facts.get("ID-UU18-ART30") in other.facts
    assert facts.get("ID-PERBAN9-COSTS") not in other.facts
    assert placement_rule(facts, None, "MY").exempt is None


@pytest.mark.parametrize(
    ("country", "caveats"),
    [
        ("TW", ["TW-ZEROFEE-EXEMPTION"]),
        ("HK", ["HK-LD-IDN-ZEROFEE", "HK-2023-ARRANGEMENT-DISPUTE"]),
        ("SA", ["ID-MIDEAST-MORATORIUM"]),
        ("QA", ["ID-MIDEAST-MORATORIUM"]),
        ("MY", []),
    ],
)
def test_placement_rule_names_the_destination_caveat(
    facts: MoneyFacts, country: str, caveats: list[str]
) -> None:
    rule = placement_rule(facts, "household_worker", country)
    assert [f.id for f in rule.destination_caveat] == caveats


@pytest.mark.parametrize(
    ("country", "fact_id"),
    [
        ("HK", "HK-PAY-7DAYS"),
        ("SG", "SG-PAY-7DAYS"),
        ("MY", "MY-EA-S19-7DAYS"),
        ("AE", "AE-DW-ENTITLEMENTS"),
        ("SA", None),
        ("TW", None),
    ],
)
def test_payment_deadlines(facts: MoneyFacts, country: str, fact_id: str | None) -> None:
    found = pay_deadline(facts, country)
    assert (found.id if found else None) == fact_id


def test_remittance_facts(facts: MoneyFacts) -> None:
    r = remittance_facts(facts)
    assert r.target_percent == amount(facts, "ZZ-SDG-10C")
    assert r.corridor_ceiling_percent == facts.get("ZZ-SDG-10C").part_amount("corridor_ceiling")
    assert r.average_percent == amount(facts, "ZZ-RPW-GLOBAL-Q3-2023")
    assert r.banks_percent == facts.get("ZZ-RPW-GLOBAL-Q3-2023").part_amount("banks")
    assert r.portal.value == "JariPMI.Info"
    assert r.licence in r.facts


# -- what the lookups need -------------------------------------------------------------------


def test_the_shipped_facts_have_everything_the_lookups_read(facts: MoneyFacts) -> None:
    assert check_lookups(facts) == []
    assert all(fact_id in facts for fact_id in REQUIRED_FACTS)


def test_a_missing_fact_part_or_refusal_is_reported() -> None:
    document = dict(read_document(FACTS_PATH))
    document["facts"] = [
        dict(f, parts=[]) if f["id"] == "TW-BROKER-FEE-CAP" else f
        for f in document["facts"]
        if f["id"] != "SG-EA-FEE-CAP"
    ]
    document["unsourced"] = [u for u in document["unsourced"] if u["refuse"] != "exchange_rates"]
    problems = check_lookups(build_money_facts(document))
    assert "SG-EA-FEE-CAP: the money help reads this fact; it is missing" in problems
    assert "TW-BROKER-FEE-CAP: the money help reads its part 'year_1'; it is missing" in problems
    assert any("'exchange_rates'" in p for p in problems)
