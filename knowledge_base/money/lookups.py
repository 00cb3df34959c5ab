"""The questions the money help asks of the facts: floors, deduction limits, routes, fee caps.

Each answer carries the :class:`Fact` objects it rests on, so whoever shows it can name the
source, its date and confidence, and say when it is old, disputed or not binding. Nothing here
computes with a person's numbers except the caps that are defined by them (10 % of the first
month's wage, a month's salary per year of service); the rest is in ``actions/money.py``.

The fact ids the lookups rely on are listed in :data:`REQUIRED_FACTS`; ``python -m
knowledge_base validate`` fails when one is missing or lacks the part a lookup reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from knowledge_base.money.facts import DateSpan, Fact, Item, MoneyFacts

# --- Fact ids the lookups read (and the parts they need) ----------------------------------

HK_MECAB_LIMIT = "HK-MECAB-LIMIT"
HK_MECAB_CONCILIATION = "HK-MECAB-CONCILIATION"
HK_MECAB_LOOK_BACK = "HK-MECAB-12M"
HK_TRIBUNAL = "HK-LT-JURISDICTION"
HK_TRIBUNAL_LIMITATION = "HK-LT-LIMITATION"
HK_HOTLINE = "HK-FDH-HOTLINE"
HK_DEDUCT_DAMAGE = "HK-DEDUCT-DAMAGE"
HK_DEDUCT_TOTAL = "HK-DEDUCT-TOTAL"
HK_AGENCY_COMMISSION = "HK-EA-COMMISSION"
HK_AGENCY_REPORT = "HK-EA-REPORT-12M"
HK_EMPLOYER_COSTS = "HK-SEC-EMPLOYER-COSTS"
HK_ZERO_FEE = "HK-LD-IDN-ZEROFEE"
HK_ZERO_FEE_DISPUTE = "HK-2023-ARRANGEMENT-DISPUTE"
HK_MONEYLENDER = "HK-MONEYLENDER-48"
SA_WAGE_PROTECTION = "SA-MUSANED-WAGE-PROTECTION"
SG_CLAIM = "SG-MDW-CLAIM-MOM"
SG_TRIBUNAL = "SG-ECT-LIMITS"
SG_DEDUCT = "SG-DEDUCT-50"
SG_NO_MEDICAL = "SG-NO-MEDICAL-DEDUCT"
SG_NO_KEEPING = "SG-NO-KEEPING-SALARY"
SG_AGENCY_CAP = "SG-EA-FEE-CAP"
TW_HOTLINE = "TW-1955-HOTLINE"
TW_DEDUCT_LIVE_IN = "TW-DEDUCT-LIVEIN"
TW_BROKER_CAP = "TW-BROKER-FEE-CAP"
TW_ZERO_FEE_EXEMPTION = "TW-ZEROFEE-EXEMPTION"
MY_CLAIM = "MY-CLAIM-S69-UNDOCUMENTED"
MY_DEDUCT = "MY-EA-S24-DEDUCT"
AE_NO_MINIMUM = "AE-NO-MINWAGE-DW"
JO_DOMESTIC = "JO-DW-NO-MINWAGE"
ID_NO_PLACEMENT_COST = "ID-UU18-ART30"
ID_OCCUPATIONS = "ID-PERBAN9-OCCUPATIONS"
ID_COSTS = "ID-PERBAN9-COSTS"
ID_COSTS_2 = "ID-PERBAN9-COSTS-2"
ID_LOANS = "ID-PERBAN9-ART4-LOANS"
ID_DATES = "ID-PERBAN9-DATES"
ID_PERMEN17 = "ID-PERMEN-P2MI-17-2025"
ID_PASSPORT = "ID-PASSPORT-ZERO"
ID_MIDEAST = "ID-MIDEAST-MORATORIUM"
REMIT_TARGET = "ZZ-SDG-10C"
REMIT_AVERAGE = "ZZ-RPW-GLOBAL-Q3-2023"
REMIT_LICENCE = "ID-BI-TRANSFER-LICENCE"
REMIT_PEKA = "ID-BI-PEKA-JARIPMI"
REMIT_PORTAL = "ID-BI-JARIPMI-PORTAL"

#: Every fact id a lookup reads, with the parts it needs.
REQUIRED_FACTS: dict[str, tuple[str, ...]] = {
    HK_MECAB_LIMIT: ("limit_before_2021",),
    HK_MECAB_CONCILIATION: (),
    HK_MECAB_LOOK_BACK: (),
    HK_TRIBUNAL: (),
    HK_TRIBUNAL_LIMITATION: (),
    HK_HOTLINE: ("extension_indonesian",),
    HK_DEDUCT_DAMAGE: ("per_case", "period_fraction"),
    HK_DEDUCT_TOTAL: ("total_fraction", "advance_fraction"),
    HK_AGENCY_COMMISSION: (),
    HK_AGENCY_REPORT: (),
    HK_EMPLOYER_COSTS: (),
    HK_ZERO_FEE: (),
    HK_ZERO_FEE_DISPUTE: (),
    HK_MONEYLENDER: (),
    SA_WAGE_PROTECTION: (),
    SG_CLAIM: (),
    SG_TRIBUNAL: (),
    SG_DEDUCT: (),
    SG_NO_MEDICAL: (),
    SG_NO_KEEPING: (),
    SG_AGENCY_CAP: ("per_service_year", "refund_fraction", "refund_window_months"),
    TW_HOTLINE: (),
    TW_DEDUCT_LIVE_IN: (),
    TW_BROKER_CAP: ("year_1", "year_2", "year_3_on"),
    TW_ZERO_FEE_EXEMPTION: (),
    MY_CLAIM: (),
    MY_DEDUCT: (),
    AE_NO_MINIMUM: (),
    JO_DOMESTIC: (),
    ID_NO_PLACEMENT_COST: (),
    ID_OCCUPATIONS: (),
    ID_COSTS: (),
    ID_COSTS_2: (),
    ID_LOANS: (),
    ID_DATES: (),
    ID_PERMEN17: (),
    ID_PASSPORT: (),
    ID_MIDEAST: (),
    REMIT_TARGET: ("corridor_ceiling", "deadline_year", "sent_usd"),
    REMIT_AVERAGE: ("banks",),
    REMIT_LICENCE: (),
    REMIT_PEKA: (),
    REMIT_PORTAL: (),
}

#: Unsourced items the money help names when it refuses (``unsourced[].refuse``).
REQUIRED_REFUSALS: tuple[str, ...] = (
    "remittance_corridor_cost",
    "exchange_rates",
    "tw_my_claim_time_limit",
    "my_domestic_rm1700",
)

#: Parts of a floor fact owed on top of the wage when not given in kind.
ALLOWANCE_PARTS = ("food_allowance", "housing_allowance")

#: Floor kinds a wage is compared with (an Indonesian requirement with its caveat).
BINDING_FLOORS = ("statutory", "agreement")


def check_lookups(facts: MoneyFacts) -> list[str]:
    """What the lookups need and the facts lack (empty when all is there)."""
    problems = []
    for fact_id, parts in REQUIRED_FACTS.items():
        if fact_id not in facts:
            problems.append(f"{fact_id}: the money help reads this fact; it is missing")
            continue
        fact = facts.get(fact_id)
        for name in parts:
            try:
                fact.part(name)
            except KeyError:
                problems.append(f"{fact_id}: the money help reads its part {name!r}; it is missing")
    for key in REQUIRED_REFUSALS:
        try:
            facts.refused(key)
        except KeyError:
            problems.append(f"unsourced item {key!r} is named by the money help; it is missing")
    return problems


# --- Wage floors ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowance:
    """An allowance owed on top of the wage when food or housing is not given in kind."""

    name: str
    amount: Decimal
    currency: str
    fact: Fact


@dataclass(frozen=True)
class FloorLookup:
    """The wage floor of a country for one kind of work.

    Attributes:
        status: ``floor`` (``fact`` is the floor to compare with), ``needs_date`` (the floor
            depends on the contract signing date, not given: ``candidates`` are the levels),
            ``ambiguous`` (the date given spans two levels: ``candidates``), ``before_sourced``
            (signed before the earliest sourced level), ``no_minimum`` (the law sets none:
            ``no_minimum`` is the fact) or ``not_sourced`` (nothing sourced for this country).
        fact: The floor in force (statutory or government agreement).
        candidates: The levels a missing or vague signing date leaves open, oldest first.
        requirement: An Indonesian government requirement (not destination law), when sourced.
        announced: An announced, not binding figure (never compared with).
        no_minimum: The fact saying there is no statutory minimum.
        allowances: Allowances owed when food or housing is not provided (with ``fact``).
        related: Facts to read with the floor (scope, exclusions, pending changes).
    """

    country: str
    work: str
    status: str
    fact: Fact | None = None
    candidates: tuple[Fact, ...] = ()
    requirement: Fact | None = None
    announced: Fact | None = None
    no_minimum: Fact | None = None
    allowances: tuple[Allowance, ...] = ()
    related: tuple[Fact, ...] = ()

    @property
    def facts(self) -> tuple[Fact, ...]:
        """Every fact the answer rests on, without repeats."""
        found: list[Fact] = []
        for f in (self.fact, *self.candidates, self.requirement, self.announced, self.no_minimum):
            if f is not None and f not in found:
                found.append(f)
        for f in (*(a.fact for a in self.allowances), *self.related):
            if f not in found:
                found.append(f)
        return tuple(found)


def _floors(facts: MoneyFacts, country: str, work: str, kinds: tuple[str, ...]) -> list[Fact]:
    found = [
        f
        for f in facts.by_country(country)
        if f.floor is not None and f.floor.kind in kinds and f.floor.work in (work, "any")
    ]
    return sorted(found, key=lambda f: f.effective_from or dt.date.min)


def _level_on(levels: list[Fact], day: dt.date) -> Fact | None:
    """The level in force on ``day``: the newest that started on or before it."""
    current = None
    for level in levels:
        start = level.effective_from
        if start is not None and start <= day:
            current = level
    return current


def allowances_of(facts: MoneyFacts, floor: Fact) -> tuple[Allowance, ...]:
    """The allowances owed with a floor: its allowance parts, else a related food fact."""
    found = [
        Allowance(p.name, p.amount, p.currency or floor.currency or "", floor)
        for p in floor.parts
        if p.name in ALLOWANCE_PARTS and p.amount is not None
    ]
    if found:
        return tuple(found)
    for other_id in floor.related:
        other = facts.get(other_id)
        if other.floor is not None and other.floor.kind == "food_allowance" and other.amount:
            found.append(Allowance("food_allowance", other.amount, other.currency or "", other))
    return tuple(found)


def wage_floor(
    facts: MoneyFacts,
    country: str,
    *,
    signed: DateSpan | None = None,
    work: str = "domestic",
    today: dt.date | None = None,
) -> FloorLookup:
    """The floor a monthly wage is checked against.

    Args:
        facts: The money facts.
        country: ISO 3166-1 alpha-2 code of the country of work.
        signed: When the contract was signed (a day, a month or a year), for floors fixed by
            the signing date (Hong Kong's Minimum Allowable Wage).
        work: ``domestic`` (household work, the default) or ``other``.
        today: The day other floors are taken as in force (default: today).

    Returns:
        The lookup; see :class:`FloorLookup` for its statuses.
    """
    today = today or dt.date.today()
    binding = _floors(facts, country, work, BINDING_FLOORS)
    requirement = next(iter(_floors(facts, country, work, ("indonesian_requirement",))), None)
    announced = next(iter(_floors(facts, country, work, ("announced",))), None)
    none = next(iter(_floors(facts, country, work, ("none",))), None)
    related = tuple(
        other
        for other in (facts.get(r) for f in binding for r in f.related)
        if other.floor is None or other.floor.kind != "food_allowance"
    )
    base = FloorLookup(
        country,
        work,
        "not_sourced",
        requirement=requirement,
        announced=announced,
        no_minimum=none,
        related=related,
    )
    by_signing = [f for f in binding if f.applies_by == "contract_signing_date"]
    if by_signing:
        if signed is None:
            return replace(base, status="needs_date", candidates=tuple(by_signing))
        first, last = _level_on(by_signing, signed.first), _level_on(by_signing, signed.last)
        if first is None and last is None:
            return replace(base, status="before_sourced", candidates=(by_signing[0],))
        if first is last and first is not None:
            return replace(base, status="floor", fact=first, allowances=allowances_of(facts, first))
        span = [f for f in by_signing if f is first or f is last or _between(f, first, last)]
        return replace(base, status="ambiguous", candidates=tuple(span))
    in_force = [f for f in binding if f.in_force_on(today)]
    if in_force:
        floor = in_force[-1]
        return replace(base, status="floor", fact=floor, allowances=allowances_of(facts, floor))
    return replace(base, status="no_minimum" if none is not None else "not_sourced")


def _between(level: Fact, first: Fact | None, last: Fact | None) -> bool:
    start = level.effective_from
    low = first.effective_from if first else None
    high = last.effective_from if last else None
    if start is None or high is None:
        return False
    return (low is None or start > low) and start < high


# --- Deductions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeductionLimits:
    """The sourced limits on what an employer may take from a wage in one country.

    Attributes:
        damage_per_case: Most that one case of damage or loss may cost the worker.
        damage_fraction: Most that all damage deductions may take of one period's wage.
        advance_fraction: Most that recovering an advance may take of one period's wage.
        total_fraction: Most that all deductions (except for absence) may take of one period.
        forbidden: Kinds of deduction that are not allowed at all, with the fact.
        only_allowed: When set, the only kinds an employer may deduct (Taiwan, live-in).
        authorised_only: The fact saying only deductions the law authorises are allowed.
        not_keeping: The fact forbidding the employer to keep the worker's salary.
        loans: The Indonesian rule against salary deductions for placement loans.
    """

    country: str
    currency: str | None = None
    damage_per_case: tuple[Decimal, Fact] | None = None
    damage_fraction: tuple[Decimal, Fact] | None = None
    advance_fraction: tuple[Decimal, Fact] | None = None
    total_fraction: tuple[Decimal, Fact] | None = None
    forbidden: dict[str, Fact] = field(default_factory=dict)
    only_allowed: tuple[tuple[str, ...], Fact] | None = None
    authorised_only: Fact | None = None
    not_keeping: Fact | None = None
    loans: Fact | None = None

    @property
    def sourced(self) -> bool:
        """Whether any destination limit is sourced (the loan rule applies everywhere)."""
        return any(
            (
                self.damage_per_case,
                self.total_fraction,
                self.forbidden,
                self.only_allowed,
                self.authorised_only,
            )
        )


def deduction_limits(facts: MoneyFacts, country: str) -> DeductionLimits:
    """The deduction limits sourced for a country (and the Indonesian loan rule)."""
    loans = facts.get(ID_LOANS)
    if country == "HK":
        damage, total = facts.get(HK_DEDUCT_DAMAGE), facts.get(HK_DEDUCT_TOTAL)
        return DeductionLimits(
            country,
            currency="HKD",
            damage_per_case=(damage.part_amount("per_case"), damage),
            damage_fraction=(damage.part_amount("period_fraction"), damage),
            advance_fraction=(total.part_amount("advance_fraction"), total),
            total_fraction=(total.part_amount("total_fraction"), total),
            loans=loans,
        )
    if country == "SG":
        cap = facts.get(SG_DEDUCT)
        return DeductionLimits(
            country,
            currency="SGD",
            total_fraction=(cap.amount or Decimal(0), cap),
            forbidden={"medical": facts.get(SG_NO_MEDICAL)},
            not_keeping=facts.get(SG_NO_KEEPING),
            loans=loans,
        )
    if country == "TW":
        return DeductionLimits(
            country,
            currency="TWD",
            only_allowed=(("health_insurance",), facts.get(TW_DEDUCT_LIVE_IN)),
            loans=loans,
        )
    if country == "MY":
        return DeductionLimits(
            country, currency="MYR", authorised_only=facts.get(MY_DEDUCT), loans=loans
        )
    return DeductionLimits(country, currency=facts.currency_of_country(country), loans=loans)


# --- Claim routes --------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimRoute:
    """Where a wage claim goes in one country, with its sourced limits and time bars.

    Attributes:
        kind: ``hk`` (conciliation, then MECAB or the Labour Tribunal), ``sg`` (MOM), ``tw``
            (1955), ``my`` (Labour Department), ``ae`` (labour courts) or ``none``.
        small_claims_limit: MECAB's ceiling per claimant.
        small_claims_limit_before: The ceiling for claims that arose wholly before ``cutoff``.
        cutoff: The day the present ceiling started.
        look_back_months: MECAB's usual look-back (months before filing).
        limitation_years: The Labour Tribunal's limitation period.
        hotline: The phone number of the route, as the fact gives it.
        no_deadline: True where a time limit was looked for and not found: show none.
        facts: Every fact the route rests on.
    """

    country: str
    kind: str
    currency: str | None = None
    small_claims_limit: Decimal | None = None
    small_claims_limit_before: Decimal | None = None
    cutoff: dt.date | None = None
    look_back_months: Decimal | None = None
    limitation_years: Decimal | None = None
    hotline: str | None = None
    hotline_extension: str | None = None
    no_deadline: bool = False
    facts: tuple[Fact, ...] = ()


def claim_route(facts: MoneyFacts, country: str) -> ClaimRoute:
    """The sourced route for a wage claim in a country (``kind='none'`` when none is)."""
    if country == "HK":
        limit = facts.get(HK_MECAB_LIMIT)
        hotline = facts.get(HK_HOTLINE)
        used = (
            limit,
            facts.get(HK_MECAB_CONCILIATION),
            facts.get(HK_MECAB_LOOK_BACK),
            facts.get(HK_TRIBUNAL),
            facts.get(HK_TRIBUNAL_LIMITATION),
            hotline,
        )
        return ClaimRoute(
            country,
            "hk",
            currency="HKD",
            small_claims_limit=limit.amount,
            small_claims_limit_before=limit.part_amount("limit_before_2021"),
            cutoff=limit.effective_from,
            look_back_months=facts.get(HK_MECAB_LOOK_BACK).amount,
            limitation_years=facts.get(HK_TRIBUNAL_LIMITATION).amount,
            hotline=str(hotline.value),
            hotline_extension=str(hotline.part("extension_indonesian").value),
            facts=used,
        )
    if country == "SG":
        claim = facts.get(SG_CLAIM)
        return ClaimRoute(
            country,
            "sg",
            currency="SGD",
            hotline=str(claim.value),
            facts=(claim, facts.get(SG_TRIBUNAL)),
        )
    if country == "TW":
        hotline = facts.get(TW_HOTLINE)
        return ClaimRoute(
            country,
            "tw",
            currency="TWD",
            hotline=str(hotline.value),
            no_deadline=True,
            facts=(hotline,),
        )
    if country == "MY":
        return ClaimRoute(
            country, "my", currency="MYR", no_deadline=True, facts=(facts.get(MY_CLAIM),)
        )
    if country == "AE":
        return ClaimRoute(country, "ae", currency="AED", facts=(facts.get(AE_NO_MINIMUM),))
    return ClaimRoute(country, "none", currency=facts.currency_of_country(country))


# --- Fees ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeRule:
    """The destination's cap on what an agency or broker may charge the worker.

    Attributes:
        kind: ``first_month_fraction`` (HK), ``months_per_service_year`` (SG),
            ``monthly_by_year_of_stay`` (TW), ``prohibited`` (JO, domestic workers) or ``none``.
        fraction: HK: the share of the first month's wage.
        months_per_year, max_months: SG: months of salary per year of service, and at most.
        by_year: TW: the monthly cap for years 1, 2 and 3 onward.
        facts: Every fact the rule rests on.
    """

    country: str
    kind: str
    currency: str | None = None
    fraction: Decimal | None = None
    months_per_year: Decimal | None = None
    max_months: Decimal | None = None
    by_year: tuple[Decimal, ...] = ()
    facts: tuple[Fact, ...] = ()

    def cap_for(
        self,
        *,
        wage: Decimal | None = None,
        years: int | None = None,
        year_of_stay: int | None = None,
    ) -> Decimal | None:
        """The cap in money for this person, when their figures settle it (else None).

        Args:
            wage: HK: the first month's wage; SG: the monthly salary.
            years: SG: whole years of service (1 or more).
            year_of_stay: TW: which year of the stay (1, 2, 3, ...).
        """
        if self.kind == "first_month_fraction" and wage is not None and self.fraction is not None:
            return wage * self.fraction
        if self.kind == "months_per_service_year" and wage is not None and years and years >= 1:
            assert self.months_per_year is not None and self.max_months is not None
            return wage * min(self.months_per_year * years, self.max_months)
        if self.kind == "monthly_by_year_of_stay" and year_of_stay and year_of_stay >= 1:
            return self.by_year[min(year_of_stay, len(self.by_year)) - 1]
        return None


def fee_rule(facts: MoneyFacts, country: str) -> FeeRule:
    """The destination's sourced fee cap (``kind='none'`` when none is sourced)."""
    if country == "HK":
        cap = facts.get(HK_AGENCY_COMMISSION)
        return FeeRule(
            country,
            "first_month_fraction",
            currency="HKD",
            fraction=cap.amount,
            facts=(cap, facts.get(HK_AGENCY_REPORT), facts.get(HK_EMPLOYER_COSTS)),
        )
    if country == "SG":
        cap = facts.get(SG_AGENCY_CAP)
        return FeeRule(
            country,
            "months_per_service_year",
            currency="SGD",
            months_per_year=cap.part_amount("per_service_year"),
            max_months=cap.amount,
            facts=(cap,),
        )
    if country == "TW":
        cap = facts.get(TW_BROKER_CAP)
        years = tuple(cap.part_amount(n) for n in ("year_1", "year_2", "year_3_on"))
        return FeeRule(
            country,
            "monthly_by_year_of_stay",
            currency="TWD",
            by_year=years,
            facts=(cap, facts.get(TW_HOTLINE)),
        )
    if country == "JO":
        return FeeRule(country, "prohibited", currency="JOD", facts=(facts.get(JO_DOMESTIC),))
    return FeeRule(country, "none", currency=facts.currency_of_country(country))


@dataclass(frozen=True)
class PlacementRule:
    """Indonesia's rule on placement costs for one occupation and destination.

    Attributes:
        exempt: True for the ten occupations of BP2MI Reg. 9/2020, False for another
            occupation, None when the occupation is not known.
        occupation: The occupation's item (``key``, ``en``, ``id``) when known and exempt.
        occupations: The ten occupations.
        cost_items: What the worker in those occupations may not be charged.
        destination_caveat: A fact limiting the rule for this destination (Taiwan's exemption,
            Hong Kong's disputed enforcement, the Middle East moratorium).
        facts: Every fact the rule rests on.
    """

    exempt: bool | None
    occupation: Item | None
    occupations: tuple[Item, ...]
    cost_items: tuple[Item, ...]
    destination_caveat: tuple[Fact, ...]
    facts: tuple[Fact, ...]


def placement_rule(facts: MoneyFacts, occupation: str | None, country: str | None) -> PlacementRule:
    """Indonesia's placement-cost rule for an occupation key (see ``ID-PERBAN9-OCCUPATIONS``)."""
    occupations = facts.get(ID_OCCUPATIONS)
    costs = facts.get(ID_COSTS)
    item = next((i for i in occupations.items if i.key == occupation), None)
    exempt = None if occupation is None else item is not None
    caveat: list[Fact] = []
    if country == "TW":
        caveat.append(facts.get(TW_ZERO_FEE_EXEMPTION))
    if country == "HK":
        caveat += [facts.get(HK_ZERO_FEE), facts.get(HK_ZERO_FEE_DISPUTE)]
    mideast = facts.get(ID_MIDEAST)
    if country in mideast.countries_covered:
        caveat.append(mideast)
    used = [facts.get(ID_NO_PLACEMENT_COST), occupations]
    if exempt is not False:
        used += [costs, facts.get(ID_COSTS_2), facts.get(ID_DATES)]
    used += [facts.get(ID_PERMEN17), *caveat]
    return PlacementRule(
        exempt=exempt,
        occupation=item,
        occupations=occupations.items,
        cost_items=costs.items,
        destination_caveat=tuple(caveat),
        facts=tuple(used),
    )


# --- Paying wages and sending money home ---------------------------------------------------


def pay_deadline(facts: MoneyFacts, country: str) -> Fact | None:
    """The sourced payment deadline (days after the wage period or due date), else None."""
    for f in facts.by_country(country, "payment_timing"):
        if f.amount is not None and f.unit.startswith("days"):
            return f
    return None


@dataclass(frozen=True)
class RemittanceFacts:
    """What is sourced about sending money home safely (no price of any provider)."""

    target: Fact
    target_percent: Decimal
    corridor_ceiling_percent: Decimal
    average: Fact
    average_percent: Decimal
    banks_percent: Decimal
    licence: Fact
    peka: Fact
    portal: Fact

    @property
    def facts(self) -> tuple[Fact, ...]:
        """Every fact the guidance rests on."""
        return (self.licence, self.portal, self.peka, self.target, self.average)


def remittance_facts(facts: MoneyFacts) -> RemittanceFacts:
    """The remittance facts (safe channels, the cost target, the global average)."""
    target, average = facts.get(REMIT_TARGET), facts.get(REMIT_AVERAGE)
    return RemittanceFacts(
        target=target,
        target_percent=target.amount or Decimal(0),
        corridor_ceiling_percent=target.part_amount("corridor_ceiling"),
        average=average,
        average_percent=average.amount or Decimal(0),
        banks_percent=average.part_amount("banks"),
        licence=facts.get(REMIT_LICENCE),
        peka=facts.get(REMIT_PEKA),
        portal=facts.get(REMIT_PORTAL),
    )
