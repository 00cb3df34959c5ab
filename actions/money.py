"""Money help: wages owed, the floor, deductions, the claim route, fees, sending money home.

Pure functions over the money facts (``knowledge_base/money/facts.yml``) and the figures a
person gives (``actions/amounts.py``). Every result carries the facts it rests on, so
:func:`render` can name each source with its date and confidence and say when a fact is old,
disputed or not binding. What is computed is simple and shown: wage × months, the floor minus
the wage, a deduction minus its limit, a fee minus its cap. Interest, severance, exchange rates
and remittance fees are never computed: nothing sourced supports them.

When a figure is missing, impossible or in the wrong currency, the result holds a question
instead of a number (:attr:`WageClaim.questions`). Copy is in ``bot/texts/money.yml``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

import yaml

from actions.amounts import Amount, Extraction, MonthDate, extract, words
from actions.contacts import entries_reply, missions_near
from bot.languages import known_or_default
from bot.places import places
from bot.texts import MESSAGES_PATH
from knowledge_base.directory import Directory, Entry
from knowledge_base.money.facts import DateSpan, Fact, MoneyFacts, load_money_facts
from knowledge_base.money.lookups import (
    HK_MONEYLENDER,
    ID_LOANS,
    ID_OCCUPATIONS,
    SA_WAGE_PROTECTION,
    SG_NO_KEEPING,
    TW_DEDUCT_LIVE_IN,
    ClaimRoute,
    DeductionLimits,
    FeeRule,
    FloorLookup,
    PlacementRule,
    RemittanceFacts,
    claim_route,
    deduction_limits,
    fee_rule,
    pay_deadline,
    placement_rule,
    remittance_facts,
    wage_floor,
)

COPY_PATH = MESSAGES_PATH.with_name("money.yml")

#: Sanity bounds of a monthly wage, per currency: outside them the figure is asked again.
#: Never shown and never used in a computation (a typo such as "4.5" for "4.5rb", or
#: "10 billion", must not become a claim).
PLAUSIBLE_MONTHLY_WAGE: dict[str, tuple[int, int]] = {
    "HKD": (500, 100_000),
    "SGD": (100, 30_000),
    "TWD": (3_000, 300_000),
    "MYR": (200, 30_000),
    "SAR": (200, 50_000),
    "AED": (200, 50_000),
    "QAR": (200, 50_000),
    "KWD": (20, 5_000),
    "OMR": (20, 5_000),
    "BHD": (20, 5_000),
    "JOD": (20, 5_000),
    "BND": (50, 20_000),
    "KRW": (100_000, 20_000_000),
    "JPY": (10_000, 2_000_000),
    "MOP": (500, 100_000),
    "USD": (50, 30_000),
    "IDR": (100_000, 100_000_000),
}
#: More months than this unpaid is asked again (the longest sourced time bar is six years).
MAX_MONTHS = 120
#: Deduction kinds a fee answer treats as agency loans (Reg. 9/2020 Art. 4).
LOAN_KINDS = frozenset({"agency_loan"})


# --- Results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owed:
    """Wages owed: the monthly wage × the months unpaid, in the contract's currency."""

    wage: Decimal
    months: int
    currency: str
    total: Decimal
    at_least: bool = False


@dataclass(frozen=True)
class FloorCheck:
    """The wage against the sourced floor.

    Attributes:
        status: The lookup's status (``floor``, ``needs_date``, ``ambiguous``,
            ``before_sourced``, ``no_minimum``, ``not_sourced``).
        below: True/False when compared with a floor in force, else None.
        shortfall: The floor minus the wage, per month, when below.
        requirement_below, requirement_shortfall: The same against an Indonesian requirement.
    """

    lookup: FloorLookup
    wage: Decimal | None
    currency: str | None
    below: bool | None = None
    shortfall: Decimal | None = None
    requirement_below: bool | None = None
    requirement_shortfall: Decimal | None = None

    @property
    def status(self) -> str:
        """The lookup's status."""
        return self.lookup.status

    @property
    def facts(self) -> tuple[Fact, ...]:
        """The facts of the check."""
        return self.lookup.facts


@dataclass(frozen=True)
class Deduction:
    """A deduction the person names: what for, how much (per month unless ``per_case``)."""

    kind: str
    amount: Decimal
    currency: str | None


@dataclass(frozen=True)
class DeductionFinding:
    """One deduction against the sourced limits.

    Attributes:
        verdict: ``over_limit`` (``limit``, ``excess``), ``within``, ``not_allowed`` (forbidden
            outright), ``not_kept`` (the employer may not keep the worker's money),
            ``not_listed`` (not among the lawful deductions the source lists),
            ``authorised_only`` (Malaysia: lawful only if the Act authorises it),
            ``loan`` (an agency loan: Reg. 9/2020 Art. 4) or ``no_limit`` (none sourced).
    """

    deduction: Deduction
    verdict: str
    limit: Decimal | None = None
    excess: Decimal | None = None
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class DeductionCheck:
    """Every named deduction, and their total against the share-of-wage limit."""

    limits: DeductionLimits
    findings: tuple[DeductionFinding, ...]
    total: Decimal
    total_limit: Decimal | None = None
    total_excess: Decimal | None = None
    total_fact: Fact | None = None

    @property
    def facts(self) -> tuple[Fact, ...]:
        """The facts of every finding and of the total."""
        return _unique(
            [f for x in self.findings for f in x.facts]
            + ([self.total_fact] if self.total_fact else [])
        )


@dataclass(frozen=True)
class RouteAdvice:
    """The claim route for an amount: ``step`` ``small_claims``, ``tribunal`` or ``route``."""

    route: ClaimRoute
    step: str
    amount: Decimal | None = None
    limit: Decimal | None = None

    @property
    def facts(self) -> tuple[Fact, ...]:
        """The route's facts."""
        return self.route.facts


@dataclass(frozen=True)
class WageClaim:
    """What is owed and where to claim it, or what must be asked first.

    Attributes:
        questions: Keys of what must be asked before a figure can be given (``country``,
            ``wage``, ``currency``, ``currency_mismatch``, ``months``, ``contract_date``,
            ``implausible_wage``, ``implausible_months``, ``negative``, ``ambiguous``).
        given: The person's own figures as read (for the reply and the summary).
    """

    country: str | None
    owed: Owed | None = None
    floor: FloorCheck | None = None
    deductions: DeductionCheck | None = None
    route: RouteAdvice | None = None
    pay_deadline: Fact | None = None
    questions: tuple[str, ...] = ()
    wage: Amount | None = None
    months: int | None = None
    signed: MonthDate | None = None
    ambiguous: tuple[str, ...] = ()
    expected_currency: str | None = None
    loan: Fact | None = None

    @property
    def facts(self) -> tuple[Fact, ...]:
        """Every fact the claim rests on, without repeats."""
        found: list[Fact] = []
        for part in (self.floor, self.deductions, self.route):
            if part is not None:
                found += part.facts
        found += [f for f in (self.pay_deadline, self.loan) if f is not None]
        return _unique(found)


@dataclass(frozen=True)
class FeeCheck:
    """A placement, agency or broker fee against Indonesia's rule and the destination's cap.

    Attributes:
        verdict: ``over_cap``, ``within_cap``, ``needs_currency``, ``needs_wage``, ``needs_years``,
            ``needs_year_of_stay``, ``not_monthly`` (Taiwan: only a monthly service fee is
            allowed), ``currency_differs`` (no exchange rates), ``prohibited`` (Jordan),
            ``no_cap`` (none sourced) or ``no_fee`` (no amount named).
        deducted: The fee is taken from the wage (Taiwan: not allowed for live-in workers).
        loan: The Indonesian rule against salary deductions for agency loans, when named.
    """

    country: str | None
    verdict: str
    rule: FeeRule
    placement: PlacementRule
    fee: Amount | None = None
    cap: Decimal | None = None
    excess: Decimal | None = None
    wage: Decimal | None = None
    years: int | None = None
    year_of_stay: int | None = None
    deducted: Fact | None = None
    loan: Fact | None = None
    lender: Fact | None = None
    questions: tuple[str, ...] = ()

    @property
    def facts(self) -> tuple[Fact, ...]:
        """Every fact the check rests on."""
        extra = [f for f in (self.deducted, self.loan, self.lender) if f is not None]
        return _unique([*self.rule.facts, *extra, *self.placement.facts])


@dataclass(frozen=True)
class RemittanceAdvice:
    """Safe ways to send money home; never a provider's price, corridor cost or rate."""

    country: str | None
    remittance: RemittanceFacts
    local: tuple[Fact, ...] = ()
    refused: tuple[str, ...] = ("remittance_corridor_cost", "exchange_rates")

    @property
    def facts(self) -> tuple[Fact, ...]:
        """Every fact the advice rests on."""
        return _unique([*self.remittance.facts, *self.local])


@dataclass(frozen=True)
class Question:
    """Only a question can be answered (no country, or nothing to compute)."""

    key: str
    country: str | None = None
    facts: tuple[Fact, ...] = field(default=())


Result = WageClaim | FeeCheck | RemittanceAdvice | Question


def _unique(facts: list[Fact]) -> tuple[Fact, ...]:
    out: list[Fact] = []
    for f in facts:
        if f not in out:
            out.append(f)
    return tuple(out)


# --- The computations ----------------------------------------------------------------------


def wages_owed(wage: Decimal, months: int, currency: str, *, at_least: bool = False) -> Owed:
    """Wage × months unpaid (nothing else: no interest, severance or exchange rate)."""
    return Owed(wage, months, currency, wage * months, at_least)


def check_floor(
    facts: MoneyFacts,
    country: str,
    wage: Decimal | None,
    currency: str | None,
    *,
    signed: DateSpan | None = None,
    work: str = "domestic",
    today: dt.date | None = None,
) -> FloorCheck:
    """The wage against the floor of the country (and, in Hong Kong, of the signing date)."""
    lookup = wage_floor(facts, country, signed=signed, work=work, today=today)
    below = shortfall = req_below = req_short = None
    if wage is not None and lookup.fact is not None and lookup.fact.currency == currency:
        floor = lookup.fact.amount or Decimal(0)
        below = wage < floor
        shortfall = floor - wage if below else None
    requirement = lookup.requirement
    if wage is not None and requirement is not None and requirement.currency == currency:
        floor = requirement.amount or Decimal(0)
        req_below = wage < floor
        req_short = floor - wage if req_below else None
    return FloorCheck(lookup, wage, currency, below, shortfall, req_below, req_short)


def check_deductions(
    facts: MoneyFacts, country: str, wage: Decimal | None, deductions: list[Deduction]
) -> DeductionCheck:
    """Each deduction against the country's sourced limits, and their total."""
    limits = deduction_limits(facts, country)
    findings = [_finding(limits, wage, d) for d in deductions]
    total = sum((d.amount for d in deductions if d.kind != "absence"), Decimal(0))
    total_limit = total_excess = None
    total_fact = None
    if limits.total_fraction is not None and wage is not None and deductions:
        fraction, total_fact = limits.total_fraction
        total_limit = wage * fraction
        if total > total_limit:
            total_excess = total - total_limit
    return DeductionCheck(limits, tuple(findings), total, total_limit, total_excess, total_fact)


def _finding(limits: DeductionLimits, wage: Decimal | None, d: Deduction) -> DeductionFinding:
    if d.kind in LOAN_KINDS and limits.loans is not None:
        extra = (
            (limits.total_fraction[1],) if limits.country == "HK" and limits.total_fraction else ()
        )
        return DeductionFinding(d, "loan", facts=(limits.loans, *extra))
    if d.kind in limits.forbidden:
        return DeductionFinding(d, "not_allowed", facts=(limits.forbidden[d.kind],))
    if d.kind == "savings" and limits.not_keeping is not None:
        return DeductionFinding(d, "not_kept", facts=(limits.not_keeping,))
    if limits.only_allowed is not None:
        allowed, fact = limits.only_allowed
        verdict = "within" if d.kind in allowed else "not_allowed"
        return DeductionFinding(d, verdict, facts=(fact,))
    if limits.authorised_only is not None:
        return DeductionFinding(d, "authorised_only", facts=(limits.authorised_only,))
    if limits.country == "HK":
        return _hk_finding(limits, wage, d)
    if limits.total_fraction is not None:
        return DeductionFinding(d, "within", facts=(limits.total_fraction[1],))
    return DeductionFinding(d, "no_limit")


def _hk_finding(limits: DeductionLimits, wage: Decimal | None, d: Deduction) -> DeductionFinding:
    assert limits.damage_per_case and limits.damage_fraction and limits.advance_fraction
    if d.kind == "damage":
        per_case, fact = limits.damage_per_case
        caps = [per_case]
        if wage is not None:
            caps.append(wage * limits.damage_fraction[0])
        limit = min(caps)
        if d.amount > limit:
            return DeductionFinding(d, "over_limit", limit, d.amount - limit, (fact,))
        return DeductionFinding(d, "within", limit, facts=(fact,))
    if d.kind == "advance":
        fraction, fact = limits.advance_fraction
        if wage is None:
            return DeductionFinding(d, "within", facts=(fact,))
        limit = wage * fraction
        if d.amount > limit:
            return DeductionFinding(d, "over_limit", limit, d.amount - limit, (fact,))
        return DeductionFinding(d, "within", limit, facts=(fact,))
    assert limits.total_fraction is not None
    return DeductionFinding(d, "not_listed", facts=(limits.total_fraction[1],))


def route_for(
    facts: MoneyFacts, country: str, amount: Decimal | None, *, since: DateSpan | None = None
) -> RouteAdvice:
    """The claim route for an amount owed (Hong Kong: MECAB up to its ceiling, else Tribunal)."""
    route = claim_route(facts, country)
    if route.kind != "hk" or amount is None:
        return RouteAdvice(route, "route", amount)
    assert route.small_claims_limit is not None
    limit = route.small_claims_limit
    if since is not None and route.cutoff and since.last < route.cutoff:
        limit = route.small_claims_limit_before or limit
    step = "small_claims" if amount <= limit else "tribunal"
    return RouteAdvice(route, step, amount, limit)


def check_fee(
    facts: MoneyFacts,
    country: str | None,
    fee: Amount | None,
    *,
    occupation: str | None = None,
    wage: Decimal | None = None,
    years: int | None = None,
    year_of_stay: int | None = None,
    deducted: bool = False,
    loan: bool = False,
) -> FeeCheck:
    """A fee against Indonesia's placement-cost rule and the destination's cap."""
    rule = fee_rule(facts, country or "")
    placement = placement_rule(facts, occupation, country)
    common: dict[str, Any] = {
        "wage": wage,
        "years": years,
        "year_of_stay": year_of_stay,
        "fee": fee,
        "loan": facts.get(ID_LOANS) if loan else None,
        "lender": facts.get(HK_MONEYLENDER) if loan and country == "HK" else None,
        "deducted": facts.get(TW_DEDUCT_LIVE_IN) if deducted and country == "TW" else None,
    }
    if fee is None:
        return FeeCheck(country, "no_fee", rule, placement, **common)
    if fee.currency is None:
        return FeeCheck(
            country, "needs_currency", rule, placement, questions=("currency",), **common
        )
    if rule.kind == "none":
        return FeeCheck(country, "no_cap", rule, placement, **common)
    if rule.kind == "prohibited":
        return FeeCheck(country, "prohibited", rule, placement, **common)
    if fee.currency != rule.currency:
        return FeeCheck(country, "currency_differs", rule, placement, **common)
    value = fee.value
    if rule.kind == "monthly_by_year_of_stay":
        if not fee.per_month:
            return FeeCheck(country, "not_monthly", rule, placement, **common)
        cap = rule.cap_for(year_of_stay=year_of_stay)
        if cap is None:
            if value > max(rule.by_year):
                return _fee_verdict(country, rule, placement, value, max(rule.by_year), common)
            if value <= min(rule.by_year):
                return _fee_verdict(country, rule, placement, value, min(rule.by_year), common)
            return FeeCheck(
                country,
                "needs_year_of_stay",
                rule,
                placement,
                questions=("year_of_stay",),
                **common,
            )
        return _fee_verdict(country, rule, placement, value, cap, common)
    if wage is None:
        return FeeCheck(country, "needs_wage", rule, placement, questions=("wage",), **common)
    if rule.kind == "months_per_service_year":
        assert rule.max_months is not None
        ceiling = wage * rule.max_months
        cap = rule.cap_for(wage=wage, years=years)
        if cap is None and value > ceiling:
            return _fee_verdict(country, rule, placement, value, ceiling, common)
        if cap is None:
            return FeeCheck(
                country, "needs_years", rule, placement, questions=("service_years",), **common
            )
        return _fee_verdict(country, rule, placement, value, cap, common)
    cap = rule.cap_for(wage=wage)
    assert cap is not None
    return _fee_verdict(country, rule, placement, value, cap, common)


def _fee_verdict(
    country: str | None,
    rule: FeeRule,
    placement: PlacementRule,
    value: Decimal,
    cap: Decimal,
    common: dict[str, Any],
) -> FeeCheck:
    if value > cap:
        return FeeCheck(country, "over_cap", rule, placement, cap=cap, excess=value - cap, **common)
    return FeeCheck(country, "within_cap", rule, placement, cap=cap, **common)


# --- From a message ------------------------------------------------------------------------


def _has_words(text: str, forms: list[str]) -> bool:
    ordered = sorted((re.escape(f).replace(r"\ ", r"\s+") for f in forms), key=len, reverse=True)
    return re.search(rf"(?<![\w]){'|'.join(ordered)}(?![\w])", text) is not None


def occupation_of(text: str | None) -> str | None:
    """The occupation named: one of the ten exempt keys, ``other``, or None."""
    low = (text or "").lower()
    vocabulary = words()
    for key, forms in vocabulary["occupations"].items():
        if _has_words(low, forms):
            return str(key)
    return "other" if _has_words(low, vocabulary["other_occupations"]) else None


def deduction_kind(context: str) -> str:
    """What a deduction is for, from the words around it (``other`` when none says)."""
    for kind, forms in words()["deduction_kinds"].items():
        if _has_words(context, forms):
            return str(kind)
    return "other"


def _plausible(amount: Decimal, currency: str) -> bool:
    low, high = PLAUSIBLE_MONTHLY_WAGE.get(currency, (1, 10**9))
    return low <= amount <= high


def wage_claim(
    text: str | None = None,
    *,
    country: str | None,
    extraction: Extraction | None = None,
    signed: MonthDate | None = None,
    work: str = "domestic",
    today: dt.date | None = None,
    facts: MoneyFacts | None = None,
) -> WageClaim:
    """What is owed for unpaid wages, the floor check, deductions and the route to claim.

    Args:
        text: The person's message(s) ("gaji sy 4.500 HKD, udh 3 bulan blm dibayar").
        country: ISO 3166-1 alpha-2 code of the country of work (the ``country`` slot).
        extraction: Figures already read (instead of ``text``).
        signed: The contract signing date, when known from elsewhere.
        work: ``domestic`` (default) or ``other``.
        today: The day floors are taken as in force (default: today).
        facts: The money facts (default: the shipped file).
    """
    facts = facts or load_money_facts()
    found = extraction or extract(text, country, facts=facts)
    questions: list[str] = []
    expected = facts.currency_of_country(country)
    if not country:
        questions.append("country")
    wage = found.wage
    wage_ok = False
    if found.ambiguous:
        questions.append("ambiguous")
    if wage is None:
        questions.append("wage")
    elif wage.value <= 0:
        questions.append("negative")
    elif wage.currency is None:
        questions.append("currency")
    elif expected and wage.currency != expected:
        questions.append("currency_mismatch")
    elif not _plausible(wage.value, wage.currency):
        questions.append("implausible_wage")
    else:
        wage_ok = True
    months = found.months
    if months is None:
        questions.append("months")
    elif not 1 <= months <= MAX_MONTHS:
        questions.append("implausible_months")
    signed = signed or found.contract_date
    span = signed.span() if signed else None
    owed = floor = route = deductions = None
    wage_value = wage.value if wage is not None and wage_ok else None
    currency = wage.currency if wage is not None and wage_ok else None
    if wage_value is not None and currency and months and "implausible_months" not in questions:
        owed = wages_owed(wage_value, months, currency, at_least=found.months_at_least)
    if country:
        floor = check_floor(
            facts, country, wage_value, currency, signed=span, work=work, today=today
        )
        if floor.status in ("needs_date", "ambiguous") and "contract_date" not in questions:
            questions.append("contract_date")
        since = found.since.span() if found.since else None
        route = route_for(facts, country, owed.total if owed else None, since=since)
        named = [
            Deduction(deduction_kind(a.context), a.value, a.currency)
            for a in found.with_role("deduction")
            if a.value > 0
        ]
        if named:
            deductions = check_deductions(facts, country, wage_value, named)
    loan = any(
        a.role == "debt" or deduction_kind(a.context) in LOAN_KINDS
        for a in found.amounts
        if a.role in ("debt", "deduction")
    )
    return WageClaim(
        country=country,
        owed=owed,
        floor=floor,
        deductions=deductions,
        route=route,
        pay_deadline=pay_deadline(facts, country) if country else None,
        questions=tuple(questions),
        wage=wage,
        months=months,
        signed=signed,
        ambiguous=found.ambiguous,
        expected_currency=expected,
        loan=facts.get(ID_LOANS) if loan else None,
    )


def fee_check(
    text: str | None = None,
    *,
    country: str | None,
    extraction: Extraction | None = None,
    occupation: str | None = None,
    facts: MoneyFacts | None = None,
) -> FeeCheck:
    """A fee the person names against Indonesia's rule and the destination's cap."""
    facts = facts or load_money_facts()
    found = extraction or extract(text, country, facts=facts)
    fees = [a for a in found.amounts if a.role in ("fee", "debt")]
    broker = [a for a in found.amounts if a.role == "deduction" and "fee" in a.cues]
    chosen = fees or broker
    fee = chosen[0] if len({(a.value, a.currency) for a in chosen}) == 1 else None
    if fee is None and not chosen and len(found.amounts) == 1 and found.amounts[0].role is None:
        fee = found.amounts[0]
    wage = found.wage if found.wage is not None and found.wage is not fee else None
    return check_fee(
        facts,
        country,
        fee,
        occupation=occupation or occupation_of(text),
        wage=wage.value
        if wage is not None and fee is not None and wage.currency == fee.currency
        else None,
        years=found.years,
        year_of_stay=found.year_of_stay,
        deducted=fee is not None and fee.role == "deduction",
        loan=any(a.role == "debt" for a in found.amounts)
        or any(deduction_kind(a.context) in LOAN_KINDS for a in found.with_role("deduction")),
    )


def remittance_advice(country: str | None, *, facts: MoneyFacts | None = None) -> RemittanceAdvice:
    """Safe channels, the global cost target and what the country's rules add."""
    facts = facts or load_money_facts()
    local: list[Fact] = []
    if country == "SG":
        local.append(facts.get(SG_NO_KEEPING))
    if country == "SA":
        local.append(facts.get(SA_WAGE_PROTECTION))
    return RemittanceAdvice(country, remittance_facts(facts), tuple(local))


def topic_of(text: str | None, found: Extraction) -> str | None:
    """``remittance``, ``fee`` or ``wages`` when the message's own words say so, else None."""
    roles = {a.role for a in found.amounts} | {c for a in found.amounts for c in a.cues}
    if "remittance" in roles or _has_words((text or "").lower(), words()["roles"]["remittance"]):
        return "remittance"
    if {a.role for a in found.amounts} & {"fee", "debt"} or (
        "fee" in roles and (found.year_of_stay or "wage" not in roles)
    ):
        return "fee"
    if "wage" in roles and any(d.role == "unpaid" for d in found.durations):
        return "wages"  # "my salary is HK$4,500 and they haven't paid me for 3 months"
    return None


def country_of_currency(found: Extraction, *, facts: MoneyFacts | None = None) -> str | None:
    """The country a written currency of the message names ("4.500 HKD" -> HK), else None.

    Only one foreign currency of one country: rupiah is a fee paid at home, and two
    currencies leave the place open.
    """
    facts = facts or load_money_facts()
    written = {a.currency for a in found.amounts if a.written}
    written.discard("IDR")
    if len(written) != 1:
        return None
    currency = facts.currency(written.pop())
    return currency.countries[0] if currency and len(currency.countries) == 1 else None


def analyse(
    text: str | None,
    *,
    country: str | None,
    topic: str | None = None,
    default_topic: str | None = None,
    today: dt.date | None = None,
    facts: MoneyFacts | None = None,
) -> Result:
    """The money help for one message: a wage claim, a fee check or remittance advice.

    Args:
        text: The message.
        country: The ``country`` slot.
        topic: ``wages``, ``fee`` or ``remittance`` when the dialogue already knows it
            (e.g. from the intent); else it is read from the message.
        default_topic: The topic when the message itself does not say (the problem the
            dialogue has; "broker takes NT$1,800 a month" read as unpaid wages is a fee).
        today: The day floors are taken as in force.
        facts: The money facts.
    """
    facts = facts or load_money_facts()
    found = extract(text, country, facts=facts)
    if topic is None:
        said = topic_of(text, found)
        # A report's problem holds unless the figure is a fee ("broker takes NT$1,800 a
        # month"): "majikan blm transfer gaji" is wages not yet paid, not sending money home.
        # A wage with months unpaid is wages whatever the problem was read as.
        topic = default_topic if default_topic and said not in ("fee", "wages") else said
        topic = topic or "wages"
    if topic == "remittance":
        return remittance_advice(country, facts=facts)
    if not country:
        return Question("country")
    if topic == "fee":
        return fee_check(text, country=country, extraction=found, facts=facts)
    return wage_claim(text, country=country, extraction=found, today=today, facts=facts)


# --- Contacts ------------------------------------------------------------------------------


def contacts(result: Result, directory: Directory, city: str | None = None) -> list[Entry]:
    """Who to contact, from the directory: the labour authority, the mission, then KP2MI.

    Sending money home needs no labour authority: KP2MI (which runs JariPMI with Bank
    Indonesia) takes the complaint when money sent through someone never arrives.
    """
    country = None if isinstance(result, RemittanceAdvice) else getattr(result, "country", None)
    found: list[Entry] = []
    service = "complaints" if isinstance(result, FeeCheck) else "wage_claims"
    if country:
        found += [
            e
            for e in directory.by_country(country)
            if e.kind == "labour_authority" and service in e.services
        ][:1]
        found += missions_near(directory, country, city)[:1]  # Penang's consulate, not KL's
    found += [
        e
        for e in directory
        if e.reachable_from_anywhere and "agency_verification" in e.services and e not in found
    ][:1]
    return found


# --- Rendering -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def money_copy() -> dict[str, Any]:
    """The money copy (``bot/texts/money.yml``), both languages."""
    with COPY_PATH.open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def _t(key: str, lang: str, **values: Any) -> str:
    entry = money_copy()[key]
    template = str(entry[lang] if isinstance(entry, dict) else entry)
    return template.format(**values)


_ID_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def number_text(value: Decimal, lang: str, decimals: int = 2) -> str:
    """``4500`` -> ``4.500`` (id) / ``4,500`` (en); at most ``decimals`` places, no trailing 0."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "en":
        return text
    return text.translate(str.maketrans(",.", ".,"))


def money_text(value: Decimal, currency: str | None, lang: str, facts: MoneyFacts) -> str:
    """``HK$4.500`` (id), ``HK$4,500`` (en), ``SAR 1,500``: the currency's symbol or code."""
    cur = facts.currency(currency)
    decimals = cur.decimals if cur else 2
    sign = "-" if value < 0 else ""
    amount = number_text(abs(value), lang, decimals)
    if cur and cur.symbol:
        return f"{sign}{cur.symbol}{amount}"
    return f"{sign}{currency or ''} {amount}".strip()


def percent_text(fraction: Decimal, lang: str) -> str:
    """``0.1`` -> ``10%``."""
    return f"{number_text(fraction * 100, lang)}%"


def date_text(value: str | dt.date | MonthDate | None, lang: str) -> str:
    """A (partial) date as people read it: ``30 Sep 2025``, ``Okt 2025``, ``Q3 2023``."""
    names = _EN_MONTHS if lang == "en" else _ID_MONTHS
    if value is None:
        return ""
    if isinstance(value, MonthDate):
        parts = [str(value.day)] if value.day else []
        parts += [names[value.month - 1]] if value.month else []
        parts += [str(value.year)] if value.year else []
        return " ".join(parts)
    if isinstance(value, dt.date):
        return f"{value.day} {names[value.month - 1]} {value.year}"
    if value == "in force":
        return _t("in_force", lang)
    quarter = re.fullmatch(r"(\d{4})-Q([1-4])", value)
    if quarter:
        return f"Q{quarter.group(2)} {quarter.group(1)}"
    pieces = value.split("-")
    if len(pieces) == 3:
        return date_text(dt.date.fromisoformat(value), lang)
    if len(pieces) == 2:
        return f"{names[int(pieces[1]) - 1]} {pieces[0]}"
    return value


def _country(code: str | None, lang: str) -> str:
    return places().country_name(code, lang) if code else ""


class _Writer:
    """Builds the reply: messages of paragraphs, the sources, the caseworker offer."""

    def __init__(self, lang: str, facts: MoneyFacts) -> None:
        self.lang = known_or_default(lang)
        self.facts = facts
        self.messages: list[list[str]] = []

    def begin(self, key: str, **values: Any) -> None:
        self.messages.append([_t(key, self.lang, **values)])

    def add(self, key: str, **values: Any) -> None:
        if not self.messages:
            self.messages.append([])
        self.messages[-1].append(_t(key, self.lang, **values))

    def money(self, value: Decimal, currency: str | None) -> str:
        return money_text(value, currency, self.lang, self.facts)

    def sources(self, facts: tuple[Fact, ...]) -> None:
        if not facts:
            return
        lines = [_t("sources_title", self.lang)]
        for fact in facts:
            notes = [_t(f"confidence_{fact.confidence}", self.lang)]
            notes += [_t(f"caveat_{c}", self.lang) for c in fact.caveats]
            line = _t(
                "source_line",
                self.lang,
                topic=_t(f"topic_{fact.topic}", self.lang),
                site=fact.source.title,
                date=date_text(fact.effective_date, self.lang),
                notes="; ".join(n for n in notes if n),
            )
            if line not in lines:
                lines.append(line)
        self.messages.append(["\n".join(lines)])

    def done(self) -> list[str]:
        return ["\n\n".join(p for p in paragraphs if p) for paragraphs in self.messages]


def render(result: Result, lang: str, *, facts: MoneyFacts | None = None) -> list[str]:
    """The reply in ``lang`` (``id`` or ``en``), as chat messages.

    The first line is plain (a lock screen shows it); figures are the person's own, the facts'
    values, or computed from both; the sources close the reply, then the caseworker offer.
    """
    writer = _Writer(lang, facts or load_money_facts())
    if isinstance(result, WageClaim):
        _render_wages(writer, result)
    elif isinstance(result, FeeCheck):
        _render_fee(writer, result)
    elif isinstance(result, RemittanceAdvice):
        _render_remittance(writer, result)
    else:
        writer.begin(f"ask_{result.key}")
    return writer.done()


def _render_wages(w: _Writer, claim: WageClaim) -> None:
    lang = w.lang
    country = _country(claim.country, lang)
    if "country" in claim.questions:
        w.begin("ask_country")
        return
    w.begin("wages_title")
    if claim.owed is not None:
        owed = claim.owed
        w.add(
            "owed_at_least" if owed.at_least else "owed_line",
            wage=w.money(owed.wage, owed.currency),
            months=owed.months,
            month_word=_t("month_one" if owed.months == 1 else "month_many", lang),
            total=w.money(owed.total, owed.currency),
        )
        w.add("owed_note")
    for key in claim.questions:
        if key == "ambiguous":
            w.add("ask_ambiguous", text=", ".join(f'"{t}"' for t in claim.ambiguous))
        elif key == "currency_mismatch" and claim.wage is not None:
            w.add(
                "ask_currency_mismatch",
                written=claim.wage.currency,
                country=country,
                expected=claim.expected_currency,
            )
        elif key == "implausible_wage" and claim.wage is not None:
            w.add("ask_implausible_wage", amount=w.money(claim.wage.value, claim.wage.currency))
        elif key == "implausible_months":
            w.add("ask_implausible_months", months=claim.months)
        elif key not in ("contract_date",):
            w.add(f"ask_{key}")
    if claim.floor is not None:
        _render_floor(w, claim.floor, claim)
    if claim.deductions is not None:
        _render_deductions(w, claim.deductions)
    if claim.loan is not None:
        w.add("loan_rule")
    if claim.route is not None:
        w.messages.append([])
        _render_route(w, claim.route, country)
        if claim.pay_deadline is not None:
            w.add("pay_deadline", days=number_text(claim.pay_deadline.amount or Decimal(0), lang))
    w.sources(claim.facts)
    w.begin("offer_wages")


def _render_floor(w: _Writer, check: FloorCheck, claim: WageClaim) -> None:
    lang, lookup = w.lang, check.lookup
    country = _country(lookup.country, lang)
    wage = w.money(check.wage, check.currency) if check.wage is not None else None
    work = _t(f"work_{lookup.work}", lang)
    if lookup.status == "floor" and lookup.fact is not None:
        floor = lookup.fact
        signed = (
            _t("floor_signed", lang, date=date_text(floor.effective_date, lang))
            if floor.applies_by == "contract_signing_date"
            else ""
        )
        values = {
            "work": work,
            "country": country,
            "signed": signed,
            "floor": w.money(floor.amount or Decimal(0), floor.currency),
            "wage": wage,
        }
        if check.below is True and check.shortfall is not None:
            w.add("floor_below", **values, shortfall=w.money(check.shortfall, check.currency))
        elif check.below is False:
            w.add("floor_meets", **values)
        else:
            w.add("floor_only", **values)
        for allowance in lookup.allowances:
            w.add(
                f"allowance_{allowance.name}", amount=w.money(allowance.amount, allowance.currency)
            )
    elif lookup.status in ("needs_date", "ambiguous"):
        levels = "; ".join(
            _t(
                "floor_level",
                lang,
                floor=w.money(f.amount or Decimal(0), f.currency),
                date=date_text(f.effective_date, lang),
            )
            for f in lookup.candidates
        )
        key = "floor_needs_date" if lookup.status == "needs_date" else "floor_ambiguous"
        signed = date_text(claim.signed, lang) if claim.signed else ""
        w.add(key, country=country, levels=levels, signed=signed)
    elif lookup.status == "before_sourced":
        first = lookup.candidates[0]
        w.add("floor_before_sourced", date=date_text(first.effective_date, lang))
    elif lookup.status == "no_minimum":
        w.add("floor_no_minimum", country=country, work=work)
    else:
        w.add("floor_not_sourced", country=country, work=work)
    if lookup.requirement is not None:
        req = lookup.requirement
        compare = ""
        if check.requirement_below is True and check.requirement_shortfall is not None:
            compare = _t(
                "requirement_below",
                lang,
                wage=wage,
                shortfall=w.money(check.requirement_shortfall, check.currency),
            )
        elif check.requirement_below is False:
            compare = _t("requirement_meets", lang, wage=wage)
        w.add(
            "floor_requirement",
            country=country,
            floor=w.money(req.amount or Decimal(0), req.currency),
            date=date_text(req.effective_date, lang),
            compare=compare,
        )
    if lookup.announced is not None:
        ann = lookup.announced
        w.add(
            "floor_announced",
            country=country,
            floor=w.money(ann.amount or Decimal(0), ann.currency),
            date=date_text(ann.effective_date, lang),
        )
    for related in lookup.related:
        if "pending" in related.caveats or "not_binding" in related.caveats:
            key = f"related_{related.id}"
            if key in money_copy():
                w.add(key)


def _render_deductions(w: _Writer, check: DeductionCheck) -> None:
    lang = w.lang
    currency = check.limits.currency
    for finding in check.findings:
        d = finding.deduction
        values = {
            "kind": _t(f"kind_{d.kind}", lang),
            "amount": w.money(d.amount, d.currency or currency),
        }
        if finding.verdict == "over_limit" and finding.limit is not None:
            assert finding.excess is not None
            values |= {
                "limit": w.money(finding.limit, currency),
                "excess": w.money(finding.excess, currency),
            }
        elif finding.verdict == "within" and finding.limit is not None:
            values |= {"limit": w.money(finding.limit, currency)}
            w.add("deduction_within_limit", **values)
            continue
        key = f"deduction_{finding.verdict}_{check.limits.country}"
        w.add(key if key in money_copy() else f"deduction_{finding.verdict}", **values)
    if check.total_excess is not None and check.total_limit is not None:
        assert check.total_fact is not None
        w.add(
            "deduction_total_over",
            total=w.money(check.total, currency),
            share=percent_text(check.total_fact.amount or Decimal(0), lang),
            limit=w.money(check.total_limit, currency),
            excess=w.money(check.total_excess, currency),
        )


def _render_route(w: _Writer, advice: RouteAdvice, country: str) -> None:
    lang, route = w.lang, advice.route
    values: dict[str, Any] = {"country": country, "hotline": route.hotline or ""}
    if route.kind == "hk":
        assert route.small_claims_limit is not None and route.limitation_years is not None
        values |= {
            "ext": route.hotline_extension,
            "limit": w.money(advice.limit or route.small_claims_limit, route.currency),
            "months": number_text(route.look_back_months or Decimal(0), lang),
            "years": number_text(route.limitation_years, lang),
        }
        if advice.amount is not None:
            values["total"] = w.money(advice.amount, route.currency)
        w.add(f"route_hk_{advice.step}", **values)
        if advice.limit is not None and advice.limit != route.small_claims_limit:
            w.add("route_hk_before_cutoff", date=date_text(route.cutoff, lang))
    else:
        w.add(f"route_{route.kind}", **values)
    if route.no_deadline:
        w.add("route_no_deadline", country=country)


def _render_fee(w: _Writer, check: FeeCheck) -> None:
    lang = w.lang
    country = _country(check.country, lang)
    rule = check.rule
    w.begin("fee_title")
    fee = check.fee
    fee_text = w.money(fee.value, fee.currency) if fee is not None and fee.currency else ""
    values: dict[str, Any] = {"country": country, "fee": fee_text}
    if check.cap is not None:
        values["cap"] = w.money(check.cap, rule.currency)
    if check.excess is not None:
        values["excess"] = w.money(check.excess, rule.currency)
    if check.wage is not None:
        values["wage"] = w.money(check.wage, rule.currency)
    if rule.kind == "first_month_fraction":
        values["percent"] = percent_text(rule.fraction or Decimal(0), lang)
        report = rule.facts[1]
        values["report_months"] = number_text(report.amount or Decimal(0), lang)
    if rule.kind == "months_per_service_year":
        values |= {
            "per_year": number_text(rule.months_per_year or Decimal(0), lang),
            "max": number_text(rule.max_months or Decimal(0), lang),
            "years": check.years or "",
        }
        cap_fact = rule.facts[0]
        values["refund_share"] = percent_text(cap_fact.part_amount("refund_fraction"), lang)
        values["refund_months"] = number_text(cap_fact.part_amount("refund_window_months"), lang)
    if rule.kind == "monthly_by_year_of_stay":
        y1, y2, y3 = (w.money(v, rule.currency) for v in rule.by_year)
        values |= {"y1": y1, "y2": y2, "y3": y3, "year": check.year_of_stay or ""}
        values["hotline"] = str(rule.facts[1].value)
    if check.verdict in ("no_fee", "needs_currency"):
        if f"fee_{rule.kind}_rule" in money_copy():
            w.add(f"fee_{rule.kind}_rule", **values)
        if check.verdict == "no_fee":
            w.add("fee_no_fee")
        elif fee is not None:
            w.add("ask_fee_currency", amount=number_text(fee.value, lang))
    else:
        key = f"fee_{rule.kind}_{check.verdict}"
        unsettled = (rule.kind == "monthly_by_year_of_stay" and check.year_of_stay is None) or (
            rule.kind == "months_per_service_year" and check.years is None
        )
        if unsettled and check.verdict in ("over_cap", "within_cap"):
            key += "_any_year"
        w.add(key if key in money_copy() else f"fee_{check.verdict}", **values)
    if check.deducted is not None:
        w.add("fee_deducted_live_in")
    if check.loan is not None:
        w.add("loan_rule")
    if check.lender is not None:
        w.add("loan_lender_hk", rate=number_text(check.lender.amount or Decimal(0), lang))
    w.messages.append([])
    _render_placement(w, check.placement, check.country)
    w.add("fee_contacts")
    w.sources(check.facts)
    w.begin("offer_fee")


def _render_placement(w: _Writer, rule: PlacementRule, country_code: str | None) -> None:
    lang = w.lang
    count = number_text(w.facts.get(ID_OCCUPATIONS).amount or Decimal(0), lang)
    items = ", ".join(i.name_in(lang) for i in rule.cost_items)
    if rule.exempt is True and rule.occupation is not None:
        w.add(
            "placement_exempt", occupation=rule.occupation.name_in(lang), count=count, items=items
        )
    elif rule.exempt is None:
        occupations = ", ".join(i.name_in(lang) for i in rule.occupations)
        w.add("placement_unknown", count=count, occupations=occupations, items=items)
    else:
        w.add("placement_other", count=count)
    for fact in rule.destination_caveat:
        key = f"placement_caveat_{fact.id}"
        w.add(
            key,
            country=_country(country_code, lang),
            date=date_text(fact.effective_date, lang),
            amount=w.money(fact.amount, fact.currency) if fact.amount and fact.currency else "",
        )


def _render_remittance(w: _Writer, advice: RemittanceAdvice) -> None:
    lang, r = w.lang, advice.remittance
    w.begin("remit_title")
    w.add("remit_channels")
    w.add("remit_portal", portal=str(r.portal.value))
    w.add(
        "remit_cost",
        target=f"{number_text(r.target_percent, lang)}%",
        ceiling=f"{number_text(r.corridor_ceiling_percent, lang)}%",
        year=str(r.target.part("deadline_year").value),
        average=f"{number_text(r.average_percent, lang)}%",
        banks=f"{number_text(r.banks_percent, lang)}%",
        quarter=date_text(r.average.effective_date, lang),
        sent=money_text(r.target.part_amount("sent_usd"), "USD", lang, w.facts),
    )
    for fact in advice.local:
        w.add(f"remit_local_{fact.id}", date=date_text(str(fact.value), lang))
    w.add("remit_refused")
    w.sources(advice.facts)
    w.begin("offer_remittance")


def reply(result: Result, lang: str, directory: Directory, city: str | None = None) -> list[str]:
    """:func:`render`, then the contacts to ask (from the directory) as one more message."""
    messages = render(result, lang)
    found = contacts(result, directory, city)
    if found:
        messages.insert(len(messages) - 1, entries_reply(found, known_or_default(lang)))
    return messages


# --- For caseworkers -----------------------------------------------------------------------


def fact_refs(result: Result) -> list[dict[str, Any]]:
    """The facts a result rests on, as plain data (for a case record or a JSON answer)."""
    return [
        {
            "id": f.id,
            "url": f.source.url,
            "title": f.source.title,
            "confidence": f.confidence,
            "effective_date": f.effective_date,
            "caveats": list(f.caveats),
        }
        for f in getattr(result, "facts", ())
    ]


def _fact_note(fact: Fact) -> str:
    caveats = f", {'/'.join(fact.caveats)}" if fact.caveats else ""
    return f"{fact.id} ({fact.confidence}{caveats})"


def caseworker_summary(claim: WageClaim, *, facts: MoneyFacts | None = None) -> str:
    """One paragraph for the case summary: amount, currency, months, floor check, route."""
    facts = facts or load_money_facts()

    def money(value: Decimal | None, currency: str | None) -> str:
        if value is None:
            return "unknown"
        return f"{currency or '?'} {number_text(value, 'en', 3)}"

    parts: list[str] = []
    country = claim.country or "unknown country"
    if claim.owed is not None:
        owed = claim.owed
        minimum = "at least " if owed.at_least else ""
        parts.append(
            f"Wage claim computed from the person's own figures: {money(owed.wage, owed.currency)}"
            f"/month x {minimum}{owed.months} month(s) unpaid = {minimum}"
            f"{money(owed.total, owed.currency)} ({country})"
        )
    else:
        wage = money(claim.wage.value, claim.wage.currency) if claim.wage else "unknown"
        parts.append(
            f"Wage claim not computed ({country}): wage {wage}, months "
            f"{claim.months if claim.months is not None else 'unknown'}; still to ask: "
            f"{', '.join(claim.questions) or 'nothing'}"
        )
    if claim.signed is not None:
        parts.append(f"contract signed {date_text(claim.signed, 'en')}")
    floor = claim.floor
    if floor is not None:
        lookup = floor.lookup
        if lookup.fact is not None:
            level = money(lookup.fact.amount, lookup.fact.currency)
            if floor.below:
                verdict = f"wage {money(floor.shortfall, floor.currency)}/month below it"
            elif floor.below is False:
                verdict = "wage not below it"
            else:
                verdict = "not compared"
            parts.append(f"floor {level}/month [{_fact_note(lookup.fact)}]: {verdict}")
        elif lookup.status in ("needs_date", "ambiguous"):
            parts.append("floor depends on the contract signing date (not settled)")
        else:
            parts.append(f"floor: {lookup.status.replace('_', ' ')}")
        if lookup.requirement is not None and floor.requirement_below is not None:
            state = "below" if floor.requirement_below else "not below"
            parts.append(
                f"Indonesian requirement {money(lookup.requirement.amount, floor.currency)} "
                f"[{_fact_note(lookup.requirement)}]: {state}"
            )
    if claim.deductions is not None:
        flagged = [
            f"{x.deduction.kind} {money(x.deduction.amount, x.deduction.currency)}: {x.verdict}"
            for x in claim.deductions.findings
        ]
        parts.append("deductions: " + "; ".join(flagged))
    if claim.route is not None:
        route = claim.route.route
        if route.kind == "hk":
            step = {
                "small_claims": "Labour Department conciliation, then MECAB",
                "tribunal": "Labour Tribunal",
                "route": "Labour Department conciliation; MECAB or Labour Tribunal by amount",
            }[claim.route.step]
            limit = money(claim.route.limit or route.small_claims_limit, route.currency)
            parts.append(f"route: {step} (MECAB limit {limit} per claimant)")
        elif route.kind != "none":
            parts.append(f"route: {route.kind.upper()} ({', '.join(f.id for f in route.facts)})")
        else:
            parts.append("route: none sourced (mission, KP2MI)")
    notes = [_fact_note(f) for f in claim.facts if f.confidence != "H" or f.caveats]
    if notes:
        parts.append("not fully certain: " + ", ".join(notes))
    parts.append(f"no interest, severance or exchange rate computed; money facts v{facts.version}")
    return "; ".join(parts) + "."


__all__ = [
    "Deduction",
    "DeductionCheck",
    "FeeCheck",
    "FloorCheck",
    "Owed",
    "Question",
    "RemittanceAdvice",
    "RouteAdvice",
    "WageClaim",
    "analyse",
    "caseworker_summary",
    "check_deductions",
    "check_fee",
    "check_floor",
    "contacts",
    "fact_refs",
    "fee_check",
    "occupation_of",
    "remittance_advice",
    "render",
    "reply",
    "route_for",
    "wage_claim",
    "wages_owed",
]
