"""The money help: what is owed, the floor, deductions, routes, fees, sending money home.

Expected figures are read from the facts file (``facts.get(...).amount``) or are the person's
own; the arithmetic is spelled out in each test. Two tests hold for every reply of a large set
of messages in both languages: every figure it shows is a value of a fact the reply names (or
computed from those and the person's own numbers), and no message's first line would alarm
whoever sees the phone's lock screen.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from itertools import product
from typing import Any

import pytest
import yaml

from actions.amounts import extract
from actions.contacts import directory
from actions.money import (
    COPY_PATH,
    Deduction,
    FeeCheck,
    Question,
    RemittanceAdvice,
    WageClaim,
    analyse,
    caseworker_summary,
    check_deductions,
    check_fee,
    check_floor,
    contacts,
    country_of_currency,
    date_text,
    deduction_kind,
    fact_refs,
    fee_check,
    money_copy,
    money_text,
    number_text,
    occupation_of,
    remittance_advice,
    render,
    reply,
    route_for,
    wage_claim,
    wages_owed,
)
from bot.privacy.previews import alarming_words
from knowledge_base.money import MoneyFacts, load_money_facts
from knowledge_base.money.facts import Fact, parse_span

TODAY = dt.date(2026, 12, 2)
LANGS = ("id", "en")


@pytest.fixture(scope="module")
def facts() -> MoneyFacts:
    return load_money_facts()


def value(facts: MoneyFacts, fact_id: str, part: str | None = None) -> Decimal:
    fact = facts.get(fact_id)
    found = fact.part_amount(part) if part else fact.amount
    assert found is not None
    return found


def joined(result: Any, lang: str) -> str:
    return "\n\n".join(render(result, lang))


# -- the two examples ----------------------------------------------------------------

HK_EXAMPLE = "gaji sy 4.500 HKD, udh 3 bulan blm dibayar, kontrak Oktober 2025"
TW_EXAMPLE = "broker potong NT$1.800 tiap bulan, ini tahun ketiga sy"


def test_hong_kong_example_owed_shortfall_and_route(facts: MoneyFacts) -> None:
    claim = wage_claim(HK_EXAMPLE, country="HK", today=TODAY)
    assert claim.questions == ()
    assert claim.owed is not None
    assert (claim.owed.wage, claim.owed.months, claim.owed.currency) == (4500, 3, "HKD")
    assert claim.owed.total == 4500 * 3
    maw = facts.get("HK-MAW-2025")  # contracts signed from 30 Sep 2025
    assert claim.floor is not None and claim.floor.lookup.fact is maw
    assert claim.floor.below is True
    assert claim.floor.shortfall == value(facts, "HK-MAW-2025") - 4500
    assert claim.route is not None and claim.route.step == "small_claims"
    assert claim.owed.total <= value(facts, "HK-MECAB-LIMIT")
    assert maw in claim.facts and facts.get("HK-MECAB-LIMIT") in claim.facts


@pytest.mark.parametrize("lang", LANGS)
def test_hong_kong_example_reply(facts: MoneyFacts, lang: str) -> None:
    claim = analyse(HK_EXAMPLE, country="HK", today=TODAY)
    assert isinstance(claim, WageClaim)
    text = joined(claim, lang)
    money = lambda v: money_text(Decimal(v), "HKD", lang, facts)  # noqa: E731
    shortfall = value(facts, "HK-MAW-2025") - 4500
    for shown in (
        money(4500),
        money(4500 * 3),
        money(value(facts, "HK-MAW-2025")),
        money(shortfall),
    ):
        assert shown in text
    assert money(value(facts, "HK-MECAB-LIMIT")) in text
    assert "MECAB" in text and str(facts.get("HK-FDH-HOTLINE").value) in text
    assert facts.get("HK-MAW-2025").source.title in text
    assert {"id": "keyakinan sedang", "en": "medium confidence"}[lang] in text
    offer = {"id": "petugas", "en": "caseworker"}[lang]
    assert offer in render(claim, lang)[-1]
    other = {"id": "Unpaid wages", "en": "Gaji yang belum dibayar"}[lang]
    assert other not in text  # the person's language only


def test_taiwan_example_cap_for_the_third_year(facts: MoneyFacts) -> None:
    check = fee_check(TW_EXAMPLE, country="TW")
    cap = value(facts, "TW-BROKER-FEE-CAP", "year_3_on")
    assert check.verdict == "over_cap"
    assert check.year_of_stay == 3 and check.cap == cap and check.excess == 1800 - cap
    assert check.deducted is facts.get("TW-DEDUCT-LIVEIN")
    assert facts.get("TW-BROKER-FEE-CAP") in check.facts


@pytest.mark.parametrize("lang", LANGS)
def test_taiwan_example_reply(facts: MoneyFacts, lang: str) -> None:
    check = analyse(TW_EXAMPLE, country="TW")
    assert isinstance(check, FeeCheck)
    text = joined(check, lang)
    cap = value(facts, "TW-BROKER-FEE-CAP", "year_3_on")
    assert money_text(cap, "TWD", lang, facts) in text
    assert money_text(1800 - cap, "TWD", lang, facts) in text
    assert str(facts.get("TW-1955-HOTLINE").value) in text and "KP2MI" in text
    assert facts.get("TW-BROKER-FEE-CAP").source.title in text
    assert {"id": "petugas", "en": "caseworker"}[lang] in render(check, lang)[-1]


def test_each_result_lists_its_facts_as_plain_data(facts: MoneyFacts) -> None:
    refs = fact_refs(wage_claim(HK_EXAMPLE, country="HK", today=TODAY))
    maw = next(r for r in refs if r["id"] == "HK-MAW-2025")
    assert maw == {
        "id": "HK-MAW-2025",
        "url": facts.get("HK-MAW-2025").source.url,
        "title": "sunwebhk.com",
        "confidence": "M",
        "effective_date": "2025-09-30",
        "caveats": [],
    }
    assert any(r["caveats"] == ["secondary"] for r in refs)  # HK-LT-LIMITATION
    assert fact_refs(Question("country")) == []


def test_the_examples_go_to_the_caseworker_summary(facts: MoneyFacts) -> None:
    claim = wage_claim(HK_EXAMPLE, country="HK", today=TODAY)
    summary = caseworker_summary(claim)
    assert "\n" not in summary
    for part in ("HKD 4,500/month", "3 month(s)", "HKD 13,500", "contract signed Oct 2025"):
        assert part in summary
    assert f"floor HKD {number_text(value(facts, 'HK-MAW-2025'), 'en')}/month" in summary
    assert "HKD 600/month below" in summary and "MECAB" in summary and "HK-MAW-2025 (M)" in summary
    assert "no interest, severance or exchange rate" in summary
    assert f"money facts v{facts.version}" in summary


# -- wages owed and the floor ----------------------------------------------------------------


def test_wages_owed_is_wage_times_months_and_nothing_else() -> None:
    owed = wages_owed(Decimal("4500.50"), 3, "HKD")
    assert owed.total == Decimal("13501.50") and not owed.at_least
    assert wages_owed(Decimal(600), 2, "SGD", at_least=True).at_least


@pytest.mark.parametrize(
    ("country", "wage", "fact_id", "below"),
    [
        ("TW", 17000, "TW-HOUSEHOLD-20000", True),
        ("TW", 20000, "TW-HOUSEHOLD-20000", False),
        ("MY", 1200, "MY-MOU-2022-RM1500", True),
        ("MY", 1800, "MY-MOU-2022-RM1500", False),
        ("QA", 900, "QA-MINWAGE", True),
        ("KW", 50, "KW-DW-MINWAGE", True),
        ("KW", 75, "KW-DW-MINWAGE", False),
    ],
)
def test_floor_check_against_the_sourced_floor(
    facts: MoneyFacts, country: str, wage: int, fact_id: str, below: bool
) -> None:
    currency = facts.currency_of_country(country)
    check = check_floor(facts, country, Decimal(wage), currency, today=TODAY)
    assert check.lookup.fact is facts.get(fact_id) and check.below is below
    floor = value(facts, fact_id)
    assert check.shortfall == (floor - wage if below else None)


@pytest.mark.parametrize(
    ("signed", "fact_id"),
    [("30/9/2025", "HK-MAW-2025"), ("29/9/2025", "HK-MAW-2024"), ("Maret 2024", "HK-MAW-2023")],
)
def test_hong_kong_uses_the_level_of_the_signing_date(
    facts: MoneyFacts, signed: str, fact_id: str
) -> None:
    claim = wage_claim(
        f"gaji 4800, blm dibayar 2 bulan, kontrak {signed}", country="HK", today=TODAY
    )
    assert claim.floor is not None and claim.floor.lookup.fact is facts.get(fact_id)
    level = value(facts, fact_id)
    assert claim.floor.below is (level > 4800)


def test_a_vague_signing_date_in_hong_kong_asks_for_the_day(facts: MoneyFacts) -> None:
    claim = wage_claim("gaji 4500 blm dibayar 2 bulan, kontrak september 2025", country="HK")
    assert "contract_date" in claim.questions
    assert claim.owed is not None  # the owed amount does not depend on the floor
    assert claim.floor is not None and claim.floor.below is None and claim.floor.shortfall is None
    assert [f.id for f in claim.floor.lookup.candidates] == ["HK-MAW-2024", "HK-MAW-2025"]
    for lang in LANGS:
        text = joined(claim, lang)
        assert money_text(value(facts, "HK-MAW-2024"), "HKD", lang, facts) in text
        assert money_text(value(facts, "HK-MAW-2025"), "HKD", lang, facts) in text


def test_hong_kong_without_a_signing_date_lists_the_levels_and_asks(facts: MoneyFacts) -> None:
    claim = wage_claim("gaji 4500 blm dibayar 2 bulan", country="HK", today=TODAY)
    assert "contract_date" in claim.questions and claim.floor is not None
    assert claim.floor.status == "needs_date" and claim.floor.below is None
    assert "Kapan kontrak Anda ditandatangani" in joined(claim, "id")


def test_singapore_has_no_minimum_but_the_indonesian_requirement_is_shown(
    facts: MoneyFacts,
) -> None:
    claim = wage_claim("salary SGD 500 not paid for 2 months", country="SG", today=TODAY)
    assert claim.floor is not None and claim.floor.status == "no_minimum"
    assert claim.floor.below is None
    requirement = value(facts, "SG-KBRI-MIN-550")
    assert claim.floor.requirement_below is True
    assert claim.floor.requirement_shortfall == requirement - 500
    text = joined(claim, "en")
    assert "no statutory minimum wage" in text and "Indonesian requirement" in text
    assert "old figure" in text  # the fact's caveat


def test_an_announced_figure_is_shown_but_never_compared(facts: MoneyFacts) -> None:
    claim = wage_claim("gaji 1000 riyal blm dibayar 2 bulan", country="SA", today=TODAY)
    assert claim.floor is not None and claim.floor.below is None and claim.floor.shortfall is None
    announced = facts.get("SA-2025-REOPEN-1500SAR")
    assert claim.floor.lookup.announced is announced
    text = joined(claim, "en")
    assert "not confirmed to be in force" in text and "below it" not in text


def test_qatar_allowances_are_named(facts: MoneyFacts) -> None:
    text = joined(wage_claim("gaji 900 QAR blm dibayar 2 bln", country="QA", today=TODAY), "id")
    qatar = facts.get("QA-MINWAGE")
    for part in ("food_allowance", "housing_allowance"):
        assert money_text(qatar.part_amount(part), "QAR", "id", facts) in text


@pytest.mark.parametrize("country", ["OM", "BH", "KR", "JP"])
def test_no_sourced_floor_says_so(country: str) -> None:
    currency = load_money_facts().currency_of_country(country)
    claim = wage_claim(f"gaji 300 {currency} blm dibayar 2 bulan", country=country, today=TODAY)
    assert claim.floor is not None and claim.floor.status == "not_sourced"
    assert "no sourced minimum wage" in joined(claim, "en")


# -- deductions ------------------------------------------------------------------------------


def test_hong_kong_damage_deduction_over_its_limit(facts: MoneyFacts) -> None:
    claim = wage_claim(
        "gaji sy 4500, dipotong 500 krn piring pecah, blm dibayar 1 bulan", country="HK"
    )
    assert claim.deductions is not None
    (finding,) = claim.deductions.findings
    per_case = value(facts, "HK-DEDUCT-DAMAGE", "per_case")
    assert finding.deduction.kind == "damage" and finding.verdict == "over_limit"
    assert finding.limit == per_case and finding.excess == 500 - per_case


def test_hong_kong_damage_limit_is_also_a_share_of_a_small_wage(facts: MoneyFacts) -> None:
    check = check_deductions(facts, "HK", Decimal(1000), [Deduction("damage", Decimal(290), "HKD")])
    share = value(facts, "HK-DEDUCT-DAMAGE", "period_fraction")
    (finding,) = check.findings
    assert finding.limit == min(value(facts, "HK-DEDUCT-DAMAGE", "per_case"), 1000 * share)
    assert finding.verdict == "over_limit"


def test_hong_kong_total_deductions_over_half_the_wage(facts: MoneyFacts) -> None:
    wage = Decimal(4000)
    named = [
        Deduction("advance", Decimal(1000), "HKD"),
        Deduction("food", Decimal(1500), "HKD"),
    ]
    check = check_deductions(facts, "HK", wage, named)
    half = value(facts, "HK-DEDUCT-TOTAL", "total_fraction")
    assert check.total == 2500 and check.total_limit == wage * half
    assert check.total_excess == 2500 - wage * half
    advance, food = check.findings
    assert advance.verdict == "within"
    assert advance.limit == wage * value(facts, "HK-DEDUCT-TOTAL", "advance_fraction")
    assert food.verdict == "not_listed"


@pytest.mark.parametrize(
    ("country", "kind", "verdict"),
    [
        ("SG", "medical", "not_allowed"),
        ("SG", "food", "within"),
        ("TW", "food", "not_allowed"),
        ("TW", "health_insurance", "within"),
        ("MY", "food", "authorised_only"),
        ("SA", "food", "no_limit"),
        ("SG", "savings", "not_kept"),
        ("TW", "savings", "not_allowed"),
        ("HK", "agency_loan", "loan"),
        ("TW", "agency_loan", "loan"),
        ("SA", "agency_loan", "loan"),
    ],
)
def test_deductions_by_country(facts: MoneyFacts, country: str, kind: str, verdict: str) -> None:
    currency = facts.currency_of_country(country)
    check = check_deductions(
        facts, country, Decimal(1000), [Deduction(kind, Decimal(100), currency)]
    )
    assert check.findings[0].verdict == verdict
    if verdict == "loan":
        assert facts.get("ID-PERBAN9-ART4-LOANS") in check.facts


@pytest.mark.parametrize(
    ("context", "kind"),
    [
        ("dipotong 300 karena piring pecah", "damage"),
        ("potong 200 buat ke dokter", "medical"),
        ("deducted 100 for the clinic", "medical"),
        ("potongan agen 500 tiap bulan", "agency_loan"),
        ("cicilan hutang ke PT 1jt", "agency_loan"),
        ("dipotong buat asuransi kesehatan", "health_insurance"),
        ("potong uang makan 300", "food"),
        ("dipotong 100 gak tau buat apa", "other"),
    ],
)
def test_what_a_deduction_is_for(context: str, kind: str) -> None:
    assert deduction_kind(context) == kind


def test_money_kept_by_the_employer_is_named_in_singapore(facts: MoneyFacts) -> None:
    claim = wage_claim(
        "salary S$600, employer keeps 200 as savings every month, not paid 2 months", country="SG"
    )
    assert claim.deductions is not None
    (finding,) = claim.deductions.findings
    assert finding.deduction.kind == "savings" and finding.verdict == "not_kept"
    assert facts.get("SG-NO-KEEPING-SALARY") in claim.facts
    assert "must not keep your salary" in joined(claim, "en")


def test_a_salary_deduction_for_the_agency_is_flagged(facts: MoneyFacts) -> None:
    claim = wage_claim(
        "gaji 4500, dipotong agen 1000 tiap bulan, blm dibayar 2 bulan", country="HK"
    )
    assert claim.loan is facts.get("ID-PERBAN9-ART4-LOANS")
    assert "BP2MI" in joined(claim, "id")


# -- routes ----------------------------------------------------------------------------------


def test_hong_kong_route_switches_at_the_mecab_limit(facts: MoneyFacts) -> None:
    limit = value(facts, "HK-MECAB-LIMIT")
    assert route_for(facts, "HK", limit).step == "small_claims"
    assert route_for(facts, "HK", limit + 1).step == "tribunal"
    assert route_for(facts, "HK", None).step == "route"
    old = parse_span("2021-03")
    before = value(facts, "HK-MECAB-LIMIT", "limit_before_2021")
    advice = route_for(facts, "HK", before + 1, since=old)
    assert advice.limit == before and advice.step == "tribunal"


@pytest.mark.parametrize("lang", LANGS)
def test_a_large_hong_kong_claim_goes_to_the_tribunal(facts: MoneyFacts, lang: str) -> None:
    claim = wage_claim("gaji 4990 HKD blm dibayar 4 bulan, kontrak 1/10/2024", country="HK")
    assert claim.route is not None and claim.route.step == "tribunal"
    text = joined(claim, lang)
    assert "Labour Tribunal" in text
    assert number_text(value(facts, "HK-LT-LIMITATION"), lang) in text


@pytest.mark.parametrize(
    ("country", "text_id", "shown"),
    [
        ("SG", "SG-MDW-CLAIM-MOM", "MOM"),
        ("TW", "TW-1955-HOTLINE", "1955"),
        ("MY", None, "Labour Department"),
        ("AE", None, "labour courts"),
        ("SA", None, "no sourced route"),
    ],
)
def test_other_routes_in_the_reply(country: str, text_id: str | None, shown: str) -> None:
    currency = load_money_facts().currency_of_country(country)
    claim = wage_claim(f"my salary {currency} 1500 not paid for 2 months", country=country)
    text = joined(claim, "en")
    assert shown in text
    if text_id:
        assert str(load_money_facts().get(text_id).value) in text


@pytest.mark.parametrize("country", ["TW", "MY"])
def test_no_deadline_is_shown_where_none_is_sourced(country: str) -> None:
    claim = wage_claim("gaji 20000 blm dibayar 2 bulan", country=country)
    assert claim.route is not None and claim.route.route.no_deadline
    assert claim.route.route.limitation_years is None and claim.route.route.look_back_months is None
    (route,) = [m for m in render(claim, "en") if "no sourced time limit" in m]
    assert not re.search(r"\d+\s+(?:years?|months?)|time-barred|within", route)


# -- fees ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("agen minta biaya 2000 HKD, gaji sy 5100", "over_cap"),
        ("agen minta fee 400 HKD, gaji sy 5100", "within_cap"),
        ("agency fee HK$1,000", "needs_wage"),
    ],
)
def test_hong_kong_agency_fee(facts: MoneyFacts, text: str, verdict: str) -> None:
    check = fee_check(text, country="HK")
    assert check.verdict == verdict
    if check.cap is not None:
        assert check.cap == 5100 * value(facts, "HK-EA-COMMISSION")
    if verdict == "over_cap":
        assert check.excess == 2000 - 5100 * value(facts, "HK-EA-COMMISSION")


def test_singapore_agency_fee_by_service_length(facts: MoneyFacts) -> None:
    ceiling = value(facts, "SG-EA-FEE-CAP")
    per_year = value(facts, "SG-EA-FEE-CAP", "per_service_year")
    over = check_fee(facts, "SG", extract("fee S$1500", "SG").amounts[0], wage=Decimal(600))
    assert over.verdict == "over_cap" and over.cap == 600 * ceiling
    unsure = check_fee(facts, "SG", extract("fee S$900", "SG").amounts[0], wage=Decimal(600))
    assert unsure.verdict == "needs_years" and unsure.questions == ("service_years",)
    within = check_fee(
        facts, "SG", extract("fee S$600", "SG").amounts[0], wage=Decimal(600), years=1
    )
    assert within.verdict == "within_cap" and within.cap == 600 * per_year
    two = check_fee(facts, "SG", extract("fee S$900", "SG").amounts[0], wage=Decimal(600), years=2)
    assert two.verdict == "within_cap" and two.cap == 600 * min(per_year * 2, ceiling)


@pytest.mark.parametrize(
    ("text", "verdict", "part"),
    [
        ("broker minta NT$1.800 per bulan, tahun pertama", "within_cap", "year_1"),
        ("broker minta NT$1.800 per bulan, tahun kedua", "over_cap", "year_2"),
        ("service fee NT$1,500 a month, 2nd year", "within_cap", "year_2"),
        ("broker fee NT$2,000 per month", "over_cap", "year_1"),
        ("broker fee NT$1,400 per month", "within_cap", "year_3_on"),
        ("broker fee NT$1,600 per month", "needs_year_of_stay", None),
        ("broker minta NT$60.000", "not_monthly", None),
    ],
)
def test_taiwan_broker_fee(facts: MoneyFacts, text: str, verdict: str, part: str | None) -> None:
    check = fee_check(text, country="TW")
    assert check.verdict == verdict
    if part:
        assert check.cap == value(facts, "TW-BROKER-FEE-CAP", part)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("broker fee NT$2,000 per month", "over the cap of any year"),
        ("broker fee NT$1,400 per month", "within the cap of every year"),
    ],
)
def test_an_unknown_year_of_stay_is_not_presented_as_known(text: str, shown: str) -> None:
    check = fee_check(text, country="TW")
    assert check.year_of_stay is None
    english = joined(check, "en")
    assert shown in english and "Your limit is" not in english


def test_an_unknown_service_length_over_the_ceiling_says_so(facts: MoneyFacts) -> None:
    check = fee_check("agency fee S$1500, salary S$600", country="SG")
    assert check.verdict == "over_cap" and check.cap == 600 * value(facts, "SG-EA-FEE-CAP")
    assert "however long the contract" in joined(check, "en")


def test_a_fee_without_currency_is_asked_not_converted(facts: MoneyFacts) -> None:
    check = fee_check("agen minta 20 juta, sy mau kerja jd PRT di hongkong", country="HK")
    assert check.verdict == "needs_currency" and check.questions == ("currency",)
    assert check.placement.exempt is True
    assert check.placement.occupation is not None
    assert check.placement.occupation.key == "household_worker"
    text = joined(check, "id")
    assert "mata uang apa" in text and "20.000.000" in text


def test_a_fee_in_rupiah_is_not_compared_with_a_cap_in_another_currency(facts: MoneyFacts) -> None:
    check = fee_check("PT minta biaya Rp 20.000.000 buat jadi PRT", country="HK")
    assert check.verdict == "currency_differs" and check.cap is None
    assert check.placement.exempt is True
    assert "do not use exchange rates" in joined(check, "en")


@pytest.mark.parametrize(
    ("country", "caveat"),
    [
        ("TW", "TW-ZEROFEE-EXEMPTION"),
        ("HK", "HK-2023-ARRANGEMENT-DISPUTE"),
        ("SA", "ID-MIDEAST-MORATORIUM"),
    ],
)
def test_zero_cost_is_never_promised_where_it_is_disputed(
    facts: MoneyFacts, country: str, caveat: str
) -> None:
    check = fee_check("agen minta Rp 10jt, saya PRT", country=country)
    assert facts.get(caveat) in check.placement.destination_caveat
    assert facts.get(caveat) in check.facts


@pytest.mark.parametrize(
    ("text", "occupation"),
    [
        ("saya PRT", "household_worker"),
        ("kerja jadi pembantu rumah tangga", "household_worker"),
        ("I am a domestic helper", "household_worker"),
        ("jaga nenek di taiwan", "elderly_carer"),
        ("caregiver", "elderly_carer"),
        ("jadi ABK kapal ikan", "fishing_crew"),
        ("kerja di kebun sawit", "farm_worker"),
        ("sopir keluarga", "family_driver"),
        ("kerja di pabrik", "other"),
        ("factory worker", "other"),
        ("saya mau kerja", None),
    ],
)
def test_occupations_as_people_name_them(text: str, occupation: str | None) -> None:
    assert occupation_of(text) == occupation


def test_other_work_gets_the_law_not_the_list(facts: MoneyFacts) -> None:
    check = fee_check("agen minta Rp 30jt, kerja di pabrik", country="MY")
    assert check.placement.exempt is False and check.verdict == "no_cap"
    text = joined(check, "en")
    assert "under the law, workers cannot be charged placement costs" in text
    assert "under review" in text


def test_jordan_fees_are_prohibited_with_the_old_caveat(facts: MoneyFacts) -> None:
    check = fee_check("agency fee JD 300", country="JO")
    assert check.verdict == "prohibited" and facts.get("JO-DW-NO-MINWAGE") in check.facts
    assert "older source" in joined(check, "en")


def test_a_debt_to_the_agency_is_flagged_and_hong_kong_names_the_lending_limit(
    facts: MoneyFacts,
) -> None:
    check = fee_check("saya punya hutang ke agen HK$8000", country="HK")
    assert check.loan is facts.get("ID-PERBAN9-ART4-LOANS")
    assert check.lender is facts.get("HK-MONEYLENDER-48")
    assert f"{number_text(value(facts, 'HK-MONEYLENDER-48'), 'en')}%" in joined(check, "en")


# -- sending money home ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_remittance_advice_names_safe_channels_and_the_target(facts: MoneyFacts, lang: str) -> None:
    advice = analyse("gimana cara kirim uang ke keluarga yang aman?", country="SG")
    assert isinstance(advice, RemittanceAdvice)
    text = joined(advice, lang)
    assert "JariPMI.Info" in text and "BI" in text
    assert f"{number_text(value(facts, 'ZZ-SDG-10C'), lang)}%" in text
    assert f"{number_text(value(facts, 'ZZ-RPW-GLOBAL-Q3-2023'), lang)}%" in text
    assert facts.get("SG-NO-KEEPING-SALARY") in advice.facts
    assert {"id": "tidak menyebut harga", "en": "do not quote any provider"}[lang] in text
    assert set(advice.refused) == {"remittance_corridor_cost", "exchange_rates"}
    for key in advice.refused:
        facts.refused(key)  # each refusal is an unsourced item of the facts


def test_remittance_in_saudi_arabia_names_wage_protection(facts: MoneyFacts) -> None:
    advice = remittance_advice("SA")
    assert advice.local == (facts.get("SA-MUSANED-WAGE-PROTECTION"),)
    assert "Musaned" in joined(advice, "en") and "1 Jan 2026" in joined(advice, "en")


# -- bad input: a question, never a wrong number ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "country", "question"),
    [
        ("gaji -500 blm dibayar 3 bulan", "HK", "negative"),
        ("gaji 0 blm dibayar 3 bulan", "HK", "negative"),
        ("gaji 10 miliar HKD blm dibayar 3 bulan", "HK", "implausible_wage"),
        ("gaji 10 billion HKD not paid 3 months", "HK", "implausible_wage"),
        ("gaji 4.5 HKD blm dibayar 3 bulan", "HK", "implausible_wage"),
        ("gaji 4500 HKD blm dibayar 3 bulan", "MY", "currency_mismatch"),
        ("salary RM1500 not paid 2 months", "SG", "currency_mismatch"),
        ("gaji 10 miliar blm dibayar 3 bulan", "HK", "currency"),
        ("gaji 1500 riyal blm dibayar", None, "country"),
        ("gaji 4500 HKD blm dibayar", "HK", "months"),
        ("gaji blm dibayar 3 bulan", "HK", "wage"),
        ("gaji 4500 HKD blm dibayar 500 bulan", "HK", "implausible_months"),
        ("gaji 4500 HKD blm dibayar sekitar 3 bulan", "HK", "ambiguous"),
        ("gaji 4500 HKD blm dibayar 2-3 bulan", "HK", "ambiguous"),
    ],
)
def test_bad_input_asks_and_computes_nothing(text: str, country: str | None, question: str) -> None:
    claim = wage_claim(text, country=country, today=TODAY)
    assert question in claim.questions
    assert claim.owed is None
    for lang in LANGS:
        assert " = " not in joined(claim, lang)


def test_an_unknown_country_is_a_question() -> None:
    result = analyse("gaji 4500 blm dibayar 3 bulan", country=None)
    assert isinstance(result, Question) and result.key == "country"
    assert render(result, "en") == [money_copy()["ask_country"]["en"]]


def test_the_summary_says_what_is_still_to_ask() -> None:
    summary = caseworker_summary(wage_claim("gaji blm dibayar", country="HK"))
    assert "not computed" in summary and "wage" in summary and "months" in summary


# -- contacts --------------------------------------------------------------------------------


def test_contacts_come_from_the_directory() -> None:
    found = [e.id for e in contacts(wage_claim(HK_EXAMPLE, country="HK"), directory())]
    assert found[0] == "hk-labour-department" and "kp2mi" in found
    assert any(
        e.kind in ("consulate", "embassy")
        for e in contacts(wage_claim(HK_EXAMPLE, country="HK"), directory())
    )
    fee = [e.id for e in contacts(fee_check(TW_EXAMPLE, country="TW"), directory())]
    assert fee[0] in {"taiwan-1955", "taipei-foreign-labor-office"} and "kp2mi" in fee


def test_reply_puts_the_contacts_before_the_offer() -> None:
    messages = reply(wage_claim(HK_EXAMPLE, country="HK"), "id", directory())
    assert len(messages) == len(render(wage_claim(HK_EXAMPLE, country="HK"), "id")) + 1
    assert "petugas" in messages[-1]


# -- every reply: its figures, its first lines, its copy --------------------------------------

MESSAGES: list[tuple[str, str | None]] = [
    (HK_EXAMPLE, "HK"),
    (TW_EXAMPLE, "TW"),
    ("my salary is HK$5,100, not paid for 2 months, contract signed Oct 2025", "HK"),
    ("gaji 4990 HKD blm dibayar 4 bulan, kontrak 1/10/2024", "HK"),
    ("gaji sy 4500, dipotong 500 krn piring pecah, blm dibayar 1 bulan", "HK"),
    ("gaji 4500 blm dibayar 2 bulan, kontrak september 2025", "HK"),
    ("gaji 4500 HKD blm dibayar", "HK"),
    ("gaji 4500 HKD blm dibayar 3 bulan lebih, kontrak 5 maret 2024", "HK"),
    ("gaji 4500, dipotong agen 1000 tiap bulan, blm dibayar 2 bulan, sejak mei 2021", "HK"),
    ("gaji RM1200 udah 4 bulan gak dibayar", "MY"),
    ("gaji 4500 HKD 3 bulan", "MY"),
    ("gajiku 17rb NT udh 2 bln gak dibayar, dipotong makan 2000", "TW"),
    ("salary SGD 500 not paid for 2 months, employer deducted 100 for doctor", "SG"),
    ("gaji 1500 riyal belum dibayar 5 bulan", "SA"),
    ("gaji 900 QAR blm dibayar 2 bln", "QA"),
    ("salary KD 50 not paid 3 months", "KW"),
    ("gaji AED 1200 belum dibayar 2 bulan", "AE"),
    ("gaji BND 300 blm dibayar 2 bulan", "BN"),
    ("gaji 10 miliar HKD blm dibayar 3 bulan", "HK"),
    ("gaji -500 blm dibayar 3 bulan", "HK"),
    ("agen minta biaya 2000 HKD, gaji sy 5100", "HK"),
    ("agen minta 20 juta, sy mau kerja jd PRT di hongkong", "HK"),
    ("PT minta biaya Rp 20.000.000 buat jadi PRT", "HK"),
    ("saya punya hutang ke agen HK$8000", "HK"),
    ("agency fee S$1500, salary S$600, 2 year contract", "SG"),
    ("agency fee S$900, salary S$600", "SG"),
    ("agency fee S$1500, salary S$600", "SG"),
    ("broker fee NT$2,000 per month", "TW"),
    ("broker fee NT$1,400 per month", "TW"),
    ("salary S$600, employer keeps 200 as savings every month, not paid 2 months", "SG"),
    ("broker minta NT$60.000", "TW"),
    ("broker fee NT$1,600 per month", "TW"),
    ("agen minta Rp 30jt, kerja di pabrik", "MY"),
    ("agency fee JD 300", "JO"),
    ("agen minta Rp 10jt, saya PRT", "SA"),
    ("gimana cara kirim uang ke keluarga yang aman?", "SG"),
    ("how do I send money home safely", "SA"),
    ("mau kirim uang ke kampung", "HK"),
    ("gaji 4500 blm dibayar 3 bulan", None),
]

NUMBER = re.compile(r"(?<![\w.,$])\d+(?:[.,]\d+)*(?![\w])|(?<=\$)\d+(?:[.,]\d+)*")


def _read(raw: str, lang: str) -> Decimal | None:
    plain = raw.replace(".", "").replace(",", ".") if lang == "id" else raw.replace(",", "")
    try:
        return Decimal(plain)
    except ArithmeticError:
        return None


def numbers_in(text: str, lang: str) -> set[Decimal]:
    """Every number a reader of ``lang`` sees in a reply (it must be readable)."""
    found = set()
    for match in NUMBER.finditer(text):
        number = _read(match.group(0), lang)
        assert number is not None, (lang, match.group(0))
        found.add(number)
    return found


def _digits(text: str) -> set[Decimal]:
    return {Decimal(int(n)) for n in re.findall(r"\d+", text)}


def _is_operand(amount: Decimal, currency: str | None, name: str) -> bool:
    """Figures that take part in a computation: money, shares of a wage, months of salary."""
    return currency is not None or amount < 1 or name in ("months of salary", "per_service_year")


def fact_figures(fact: Fact) -> tuple[set[Decimal], set[Decimal]]:
    """(operands, shown as they are) of a fact: its values and parts, its dates' numbers."""
    operands: set[Decimal] = set()
    verbatim = _digits(fact.effective_date) | _digits(fact.end_date or "")
    values = [(fact.value, fact.currency, fact.unit[:16])] + [
        (p.value, p.currency, p.name) for p in fact.parts
    ]
    for raw, currency, name in values:
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            amount = Decimal(str(raw))
            verbatim |= {amount, amount * 100}  # a share is shown as a percent
            if _is_operand(amount, currency, name):
                operands.add(amount)
        elif isinstance(raw, str):
            verbatim |= _digits(raw)  # a phone number, a date
    return operands, verbatim


def input_figures(text: str, country: str | None) -> tuple[set[Decimal], set[Decimal]]:
    """(operands, shown as they are) of the person's message."""
    got = extract(text, country)
    operands = {a.value for a in got.amounts} | {Decimal(d.count) for d in got.durations}
    operands |= {Decimal(d.months) for d in got.durations}
    operands |= {Decimal(got.year_of_stay)} if got.year_of_stay else set()
    verbatim = {Decimal(n) for d in got.dates for n in (d.year, d.day) if n} | set(got.percents)
    for lang in LANGS:
        verbatim |= {n for m in NUMBER.finditer(text) if (n := _read(m.group(0), lang)) is not None}
    return operands, verbatim


def allowed(operands: set[Decimal], verbatim: set[Decimal]) -> set[Decimal]:
    """What may be shown: the figures, and one or two of + - x over the operands."""

    def step(left: set[Decimal], right: set[Decimal]) -> set[Decimal]:
        out = set()
        for a, b in product(left, right):
            out |= {a + b, a - b, b - a, a * b}
        return out

    first = operands | step(operands, operands)
    return verbatim | first | step(first, operands)


def permitted_for(text: str, country: str | None, result: Any) -> set[Decimal]:
    operands, verbatim = input_figures(text, country)
    for fact in getattr(result, "facts", ()):
        more, shown = fact_figures(fact)
        operands |= more
        verbatim |= shown
    return allowed(operands, verbatim)


def result_of(text: str, country: str | None) -> Any:
    return analyse(text, country=country, today=TODAY)


@pytest.mark.parametrize(("text", "country"), MESSAGES)
def test_every_figure_is_a_fact_of_the_reply_or_the_persons_own(
    text: str, country: str | None
) -> None:
    result = result_of(text, country)
    permitted = permitted_for(text, country, result)
    for lang in LANGS:
        shown = numbers_in(joined(result, lang), lang)
        invented = sorted(n for n in shown if n not in permitted)
        assert invented == [], (lang, text, invented)


def test_the_provenance_check_catches_an_invented_figure() -> None:
    result = result_of(HK_EXAMPLE, "HK")
    permitted = permitted_for(HK_EXAMPLE, "HK", result)
    assert {Decimal(5100), Decimal(13500), Decimal(600), Decimal(15000)} <= permitted
    # what a careless reply might add: an exchange rate, a fee, an interest rate, a median wage
    for invented in ("2067.5", "4321", "4750", "6.5", "13950", "0.35"):
        assert Decimal(invented) not in permitted, invented


@pytest.mark.parametrize(("text", "country"), MESSAGES)
@pytest.mark.parametrize("lang", LANGS)
def test_no_first_line_alarms_the_lock_screen(text: str, country: str | None, lang: str) -> None:
    for message in render(result_of(text, country), lang):
        assert message.strip(), text
        assert alarming_words(message) == [], (lang, text, message.splitlines()[0])


@pytest.mark.parametrize(("text", "country"), MESSAGES)
def test_every_reply_is_in_one_language_and_names_its_sources(
    text: str, country: str | None
) -> None:
    result = result_of(text, country)
    replies = {lang: render(result, lang) for lang in LANGS}
    assert replies["id"] != replies["en"]
    if getattr(result, "facts", ()):
        assert any(m.startswith("Sumber:") for m in replies["id"])
        assert any(m.startswith("Sources:") for m in replies["en"])


@pytest.mark.parametrize(("text", "country"), MESSAGES)
def test_the_summary_is_one_paragraph(text: str, country: str | None) -> None:
    result = result_of(text, country)
    if isinstance(result, WageClaim):
        summary = caseworker_summary(result)
        assert "\n" not in summary and summary.endswith(".")


def test_every_copy_entry_has_both_languages_and_the_same_placeholders() -> None:
    with COPY_PATH.open(encoding="utf-8") as handle:
        entries = yaml.safe_load(handle)
    for key, entry in entries.items():
        assert set(entry) == {"id", "en"}, key
        assert entry["id"].strip() and entry["en"].strip(), key
        fields = {lang: set(re.findall(r"{(\w+)}", entry[lang])) for lang in LANGS}
        assert fields["id"] == fields["en"], key
        figures = re.findall(r"(?<![A-Za-z])\d+(?![A-Za-z])", entry["id"] + entry["en"])
        assert figures == [], key  # no figure in the copy ("KP2MI" is a name)


def test_every_fixed_key_the_code_uses_exists() -> None:
    source = (COPY_PATH.parents[2] / "actions" / "money.py").read_text(encoding="utf-8")
    used = set(re.findall(r'(?:_t|add|begin)\(\s*"([a-z_]+)"', source))
    assert len(used) > 20
    assert sorted(used - set(money_copy())) == []


def test_every_key_family_exists_for_the_vocabularies(facts: MoneyFacts) -> None:
    from actions.amounts import words
    from knowledge_base.money.validation import CAVEATS, TOPICS

    keys = set(money_copy())
    assert {f"confidence_{c}" for c in "HML"} <= keys
    assert {f"caveat_{c}" for c in CAVEATS} <= keys
    assert {f"topic_{t}" for t in TOPICS} <= keys
    assert {f"kind_{k}" for k in words()["deduction_kinds"]} | {"kind_other"} <= keys


@pytest.mark.parametrize(
    ("value", "lang", "shown"),
    [
        (Decimal("4500"), "id", "4.500"),
        (Decimal("4500"), "en", "4,500"),
        (Decimal("6.18"), "id", "6,18"),
        (Decimal("6.18"), "en", "6.18"),
        (Decimal("510.0"), "en", "510"),
        (Decimal("1250.5"), "id", "1.250,5"),
    ],
)
def test_numbers_are_written_the_way_each_language_reads_them(
    value: Decimal, lang: str, shown: str
) -> None:
    assert number_text(value, lang) == shown


def test_money_and_dates_as_shown(facts: MoneyFacts) -> None:
    assert money_text(Decimal(4500), "HKD", "id", facts) == "HK$4.500"
    assert money_text(Decimal(1500), "SAR", "en", facts) == "SAR 1,500"
    assert money_text(Decimal("60.5"), "KWD", "en", facts) == "KWD 60.5"
    assert money_text(Decimal(-500), "HKD", "en", facts) == "-HK$500"
    assert date_text("2025-09-30", "id") == "30 Sep 2025"
    assert date_text("2024-10", "id") == "Okt 2024" and date_text("2024-10", "en") == "Oct 2024"
    assert date_text("2023-Q3", "en") == "Q3 2023" and date_text("2017", "en") == "2017"
    assert date_text("in force", "id") == "berlaku"


@pytest.mark.parametrize(
    "text, country",
    [
        ("gaji sy 4.500 HKD, udh 3 bulan blm dibayar", "HK"),
        ("gajiku RM1500 blm dibayar", "MY"),
        ("broker potong NT$1.800 tiap bulan", "TW"),
        ("bayar ke PT 15jt", None),
        ("gaji 4500 blm dibayar", None),
        ("dulu HK$4500 skrg S$600", None),
    ],
)
def test_a_written_currency_names_the_country(text, country):
    assert country_of_currency(extract(text, None)) == country
