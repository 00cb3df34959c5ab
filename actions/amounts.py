"""Amounts, currencies, month counts and dates, read from text as people write them.

Rule-based (no Duckling): "gaji 4500 HKD", "HK$4,500", "4.5rb", "4,5 rb", "RM1500", "1,5jt",
"NT$20.000", "SAR 1,500", "1500 riyal", "2 bulan", "3 bln", "two months", "dari Maret",
"kontrak Oktober 2025", "signed my contract in Oct 2025". The words are in
``content/money_words.yml``; currency codes and which country uses which come from the money
facts (``knowledge_base/money/facts.yml``).

Nothing is guessed. A figure that can be read two ways ("5/3/2025", "KD 60.500", "2-3 bulan",
"sekitar 3 bulan", "1,5jt" in Hong Kong) is left out and its text listed in
:attr:`Extraction.ambiguous`, so the caller asks instead of computing with a wrong number.
Indonesian writes "4.500" and "4,5" where English writes "4,500" and "4.5": a separator before
exactly three digits groups thousands, before one or two digits it is the decimal point.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge_base.money.facts import DateSpan, MoneyFacts, load_money_facts

WORDS_PATH = Path(__file__).parent / "content" / "money_words.yml"

MONTHS: dict[str, int] = {
    **dict.fromkeys(("januari", "january", "jan"), 1),
    **dict.fromkeys(("februari", "febuari", "pebruari", "february", "feb", "peb"), 2),
    **dict.fromkeys(("maret", "march", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("juni", "june", "jun"), 6),
    **dict.fromkeys(("juli", "july", "jul"), 7),
    **dict.fromkeys(("agustus", "august", "agu", "agt", "ags", "aug"), 8),
    **dict.fromkeys(("september", "sept", "sep"), 9),
    **dict.fromkeys(("oktober", "october", "okt", "oct"), 10),
    **dict.fromkeys(("november", "nov", "nop"), 11),
    **dict.fromkeys(("desember", "december", "des", "dec"), 12),
}
# "may" is also a verb: a month only with a day, a year or a date word before it.
GUARDED_MONTHS = frozenset({"may"})

COUNT_WORDS: dict[str, int] = {
    **{w: n for n, w in enumerate(("satu", "dua", "tiga", "empat", "lima", "enam"), 1)},
    **{w: n for n, w in enumerate(("tujuh", "delapan", "sembilan", "sepuluh", "sebelas"), 7)},
    "dua belas": 12,
    **{w: n for n, w in enumerate(("one", "two", "three", "four", "five", "six"), 1)},
    **{w: n for n, w in enumerate(("seven", "eight", "nine", "ten", "eleven", "twelve"), 7)},
    "a": 1,
    "an": 1,
}
ORDINAL_WORDS: dict[str, int] = {
    **{w: n for n, w in enumerate(("pertama", "kedua", "ketiga", "keempat", "kelima"), 1)},
    **{w: n for n, w in enumerate(("keenam", "ketujuh", "kedelapan", "kesembilan"), 6)},
    **{w: n for n, w in enumerate(("first", "second", "third", "fourth", "fifth"), 1)},
    **{w: n for n, w in enumerate(("sixth", "seventh", "eighth", "ninth"), 6)},
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
}
# Currencies written with three decimals: "KD 60.500" could be 60.5 or 60,500.
THREE_DECIMALS = frozenset({"KWD", "JOD", "BHD", "OMR"})
LARGE_SCALE = Decimal(1_000_000)
YEAR_RANGE = range(1990, 2100)


# --- Results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Amount:
    """One amount of money in the text.

    Attributes:
        value: The amount (``4.5rb`` -> ``4500``); negative when written with a minus.
        currency: ISO 4217 code, written or inferred from the country; None when unknown.
        written: Whether the currency was written (not inferred from the country).
        per_month: Followed by "tiap bulan", "/month", "sebulan", ...
        role: ``wage``, ``deduction``, ``fee``, ``debt``, ``remittance`` or None: the nearest
            cue word before it in its clause (else the first after it).
        cues: Every role named in its clause.
        bare: No currency and no multiplier written: a plain number.
        candidates: The currencies a shared form ("riyal", "$") or a rupiah-sized amount
            without currency leaves open, when ``currency`` is None.
        text: The amount as written (lower case).
        context: Its clause (lower case): what the amount is for ("potong 300 piring pecah").
    """

    value: Decimal
    currency: str | None
    written: bool
    per_month: bool = False
    role: str | None = None
    cues: tuple[str, ...] = ()
    bare: bool = False
    candidates: tuple[str, ...] = ()
    text: str = ""
    context: str = ""


@dataclass(frozen=True)
class Duration:
    """A number of months or years ("3 bulan", "two years", "setahun").

    Attributes:
        count: How many.
        unit: ``month`` or ``year``.
        at_least: "lebih dari 3 bulan", "over 3 months", "3 bulan lebih".
        role: ``unpaid`` (its clause says wages were not paid), ``service`` (work, contract,
            stay) or None.
    """

    count: int
    unit: str
    at_least: bool = False
    role: str | None = None
    text: str = ""

    @property
    def months(self) -> int:
        """The duration in months."""
        return self.count * (12 if self.unit == "year" else 1)


@dataclass(frozen=True)
class MonthDate:
    """A date as precise as it was written: a day, a month, or only a year.

    Attributes:
        year: None when not written ("dari Maret").
        month: None for a year alone ("kontrak 2025").
        day: None unless written.
        role: ``contract`` (signing), ``since`` (start of what is described) or ``other``.
    """

    year: int | None
    month: int | None = None
    day: int | None = None
    role: str = "other"
    text: str = ""

    def span(self) -> DateSpan | None:
        """The days it covers, or None without a year."""
        if self.year is None:
            return None
        if self.month is None:
            return DateSpan(dt.date(self.year, 1, 1), dt.date(self.year, 12, 31))
        if self.day is not None:
            day = dt.date(self.year, self.month, self.day)
            return DateSpan(day, day)
        first = dt.date(self.year, self.month, 1)
        after = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
        return DateSpan(first, after - dt.timedelta(days=1))


@dataclass(frozen=True)
class Extraction:
    """Everything read from one message.

    Attributes:
        amounts: The amounts, in text order.
        durations: The month and year counts.
        dates: The dates.
        year_of_stay: "tahun ketiga", "tahun ke-3", "3rd year".
        percents: "50%", "10 persen".
        ambiguous: What looked like a figure but could be read two ways (its text).
    """

    amounts: tuple[Amount, ...] = ()
    durations: tuple[Duration, ...] = ()
    dates: tuple[MonthDate, ...] = ()
    year_of_stay: int | None = None
    percents: tuple[Decimal, ...] = ()
    ambiguous: tuple[str, ...] = ()

    def with_role(self, role: str) -> list[Amount]:
        """The amounts with ``role``."""
        return [a for a in self.amounts if a.role == role]

    @property
    def wage(self) -> Amount | None:
        """The monthly wage: the one amount named as wage, else the only amount (or None)."""
        named = _distinct(self.with_role("wage"))
        if named is not None or self.with_role("wage"):
            return named
        unnamed = [a for a in self.amounts if a.role is None]
        return _distinct(unnamed) if len(unnamed) == len(self.amounts) else None

    @property
    def months(self) -> int | None:
        """Months unpaid: the one month count (an unpaid one when several), else None.

        Years count only when their clause says wages were not paid ("1 tahun blm dibayar").
        """
        chosen = self._unpaid()
        return chosen.months if chosen else None

    @property
    def months_at_least(self) -> bool:
        """Whether :attr:`months` is a minimum ("lebih dari 3 bulan")."""
        chosen = self._unpaid()
        return bool(chosen and chosen.at_least)

    def _unpaid(self) -> Duration | None:
        months = [d for d in self.durations if d.unit == "month"]
        unpaid = [d for d in months if d.role == "unpaid"]
        for group in (unpaid, [d for d in months if d.role != "service"], months):
            if len({d.count for d in group}) == 1:
                return group[0]
            if group:
                return None
        years = [d for d in self.durations if d.unit == "year" and d.role == "unpaid"]
        return years[0] if len({d.count for d in years}) == 1 else None

    @property
    def years(self) -> int | None:
        """Years of work or service ("kontrak 2 tahun", "kerja 3 thn"), else None."""
        found = {d.count for d in self.durations if d.unit == "year" and d.role != "unpaid"}
        return found.pop() if len(found) == 1 else None

    def _date(self, role: str) -> MonthDate | None:
        found = [d for d in self.dates if d.role == role]
        return found[0] if len({(d.year, d.month, d.day) for d in found}) == 1 else None

    @property
    def contract_date(self) -> MonthDate | None:
        """When the contract was signed, if said once."""
        return self._date("contract")

    @property
    def since(self) -> MonthDate | None:
        """The start of what is described ("dari Maret", "since March"), if said once."""
        return self._date("since")


def _distinct(amounts: list[Amount]) -> Amount | None:
    values = {(a.value, a.currency) for a in amounts}
    return amounts[0] if len(values) == 1 else None


# --- Vocabulary ----------------------------------------------------------------------------


def _alternation(forms: Iterable[str]) -> str:
    ordered = sorted(set(forms), key=len, reverse=True)
    return "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in ordered)


@dataclass(frozen=True)
class _Vocabulary:
    currency_of_form: dict[str, tuple[str, ...]]
    currency_re: str
    multiplier_of: dict[str, Decimal]
    multiplier_re: str
    per_month_re: re.Pattern[str]
    per_month_words: str
    frequency: str
    alternatives: str
    role_res: tuple[tuple[str, re.Pattern[str]], ...]
    duration_role_res: tuple[tuple[str, re.Pattern[str]], ...]
    date_role_res: dict[str, re.Pattern[str]]
    approximate_re: re.Pattern[str]
    approximate_after_re: re.Pattern[str]
    bounds_re: re.Pattern[str]
    counted_after_re: re.Pattern[str]
    counted_before_re: re.Pattern[str]
    at_least_re: re.Pattern[str]
    month_units: str
    year_units: str
    next_place: frozenset[str]
    number_words: _NumberWords
    money_context_re: re.Pattern[str]


@dataclass(frozen=True)
class _NumberWords:
    """The number words of ``money_words.yml``: each word's kind and value."""

    kind_of: dict[str, tuple[str, Decimal]]
    token_re: str

    def has(self, word: str, *kinds: str) -> bool:
        return self.kind_of.get(word, ("", Decimal(0)))[0] in kinds


def _number_words(raw: dict[str, Any], multipliers: dict[str, Decimal]) -> _NumberWords:
    kind_of: dict[str, tuple[str, Decimal]] = {}
    for kind in ("units", "teens", "tens"):
        kind_of.update({str(w): (kind, Decimal(v)) for w, v in raw[kind].items()})
    for kind in ("times_ten", "plus_ten", "half", "joins", "one", "approximate_magnitudes"):
        kind_of.update({str(w): (kind, Decimal(1)) for w in raw[kind]})
    for form, factor in multipliers.items():
        kind_of[form] = ("hundred" if factor == 100 else "scale", factor)
    for word, magnitude in raw["one_and"].items():
        kind_of[str(word)] = ("one_and", multipliers[str(magnitude)])
    return _NumberWords(kind_of, _alternation(kind_of))


def _words_re(forms: Iterable[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w$])(?:{_alternation(forms)})(?![\w$])")


@lru_cache(maxsize=1)
def words() -> dict[str, Any]:
    """The parsed ``money_words.yml``."""
    with WORDS_PATH.open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    raw = words()
    forms: dict[str, tuple[str, ...]] = {}
    for code, spelled in raw["currencies"].items():
        for form in spelled:
            forms[str(form)] = (str(code),)
    for form, codes in raw["ambiguous_currencies"].items():
        forms[str(form)] = tuple(str(c) for c in codes)
    multipliers = {
        str(form): Decimal(str(factor))
        for factor, spelled in raw["multipliers"].items()
        for form in spelled
    }
    return _Vocabulary(
        currency_of_form=forms,
        currency_re=_alternation(forms),
        multiplier_of=multipliers,
        multiplier_re=_alternation(multipliers),
        per_month_re=re.compile(rf"^\s*(?:{_alternation(raw['per_month'])})(?![\w])"),
        per_month_words=_alternation(raw["per_month"]),
        frequency=_alternation(raw["frequency"]),
        alternatives=_alternation(raw["alternatives"]),
        role_res=tuple((role, _words_re(f)) for role, f in raw["roles"].items()),
        duration_role_res=tuple((role, _words_re(f)) for role, f in raw["duration_roles"].items()),
        date_role_res={role: _words_re(f) for role, f in raw["date_roles"].items()},
        approximate_re=re.compile(rf"(?:{_alternation(raw['approximate'])})\s*$"),
        approximate_after_re=re.compile(
            rf"^(?:(?:{_alternation(raw['approximate_suffix'])})|"
            rf"\s+(?:{_alternation(raw['approximate_after'])}))(?![\w])"
        ),
        bounds_re=re.compile(rf"(?<![\w])(?:{_alternation(raw['bounds'])})\s*$"),
        counted_after_re=re.compile(rf"^\s*(?:{_alternation(raw['counted_after'])})(?![\w])"),
        counted_before_re=re.compile(rf"(?<![\w])(?:{_alternation(raw['counted_before'])})\.?\s*$"),
        at_least_re=re.compile(rf"(?<![\w])(?:{_alternation(raw['at_least'])})\s*$"),
        month_units=_alternation(raw["duration_units"]["month"]),
        year_units=_alternation(raw["duration_units"]["year"]),
        next_place=frozenset(str(f) for f in raw["next_place_multipliers"]),
        number_words=_number_words(raw["number_words"], multipliers),
        money_context_re=_words_re(
            [*raw["money_context"], *(str(f) for forms in raw["roles"].values() for f in forms)]
        ),
    )


# --- Numbers -------------------------------------------------------------------------------


def parse_number(written: str, currency: str | None = None) -> Decimal | None:
    """The value of a number written with Indonesian or English separators, else None.

    ``4500``, ``4.500``, ``4,500`` -> 4500; ``4.5``, ``4,5`` -> 4.5; ``1.500.000``,
    ``1,500,000`` -> 1500000; ``1.500,50``, ``1,500.50`` -> 1500.50. None when it can be read
    two ways (``60.500`` for a three-decimal currency, ``1.500.5``).
    """
    text = written.strip()
    if not re.fullmatch(r"[0-9]+(?:[.,][0-9]+)*", text):
        return None
    seps = [c for c in text if c in ".,"]
    if not seps:
        return Decimal(text)
    groups = re.split(r"[.,]", text)
    try:
        if len(set(seps)) == 2:
            decimal_sep = seps[-1]
            if seps.count(decimal_sep) != 1 or len(groups[-1]) not in (1, 2):
                return None
            head = groups[:-1]
            if not _thousands(head):
                return None
            return Decimal("".join(head) + "." + groups[-1])
        if len(seps) > 1:
            return Decimal("".join(groups)) if _thousands(groups) else None
        whole, fraction = groups
        if len(fraction) == 3 and whole != "0":
            if currency in THREE_DECIMALS:
                return None
            return Decimal(whole + fraction) if len(whole) <= 3 else None
        if len(fraction) in (1, 2) or whole == "0":
            return Decimal(whole + "." + fraction)
    except InvalidOperation:
        return None
    return None


def _thousands(groups: list[str]) -> bool:
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


# --- Scanning ------------------------------------------------------------------------------


class _Scan:
    """The lowered text, what is already read, and its clauses."""

    def __init__(self, text: str) -> None:
        self.text = _normalise(text)
        self.taken = [False] * len(self.text)
        self.ambiguous: list[str] = []
        self.breaks = _clause_breaks(self.text)

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """The clause around ``[start, end)``."""
        before = max((b for b in self.breaks if b <= start), default=0)
        after = min((b for b in self.breaks if b >= end), default=len(self.text))
        return before, after

    def free(self, start: int, end: int) -> bool:
        return not any(self.taken[start:end])

    def take(self, start: int, end: int) -> None:
        for i in range(start, end):
            self.taken[i] = True

    def masked(self) -> str:
        return "".join("\x00" if t else c for c, t in zip(self.text, self.taken, strict=True))

    def before(self, start: int, chars: int = 40) -> str:
        low, _ = self.clause(start, start)
        return self.text[max(low, start - chars) : start]


_CONJUNCTION = re.compile(r"\s(?:dan|and|tapi|tp|but|terus|trus|lalu)\s")


def _clause_breaks(text: str) -> list[int]:
    """Where clauses end: punctuation (not a separator inside a number, not "rp."), "dan"."""
    breaks = {0, len(text)}
    for i, char in enumerate(text):
        if char in "!?;\n":
            breaks.add(i)
        elif char in ".,":
            inside = 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
            if not inside and text[max(0, i - 2) : i] != "rp":
                breaks.add(i)
    breaks.update(m.start() for m in _CONJUNCTION.finditer(text))
    return sorted(breaks)


def _normalise(text: str) -> str:
    table = str.maketrans(
        {"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ", "\u2019": "'", "\u2009": " "}
    )
    lowered = text.translate(table).lower()
    # Keep offsets: lower() may lengthen a few rare characters.
    return lowered if len(lowered) == len(text) else text.translate(table)


def _month_re() -> str:
    return _alternation(MONTHS)


def _role_of_date(scan: _Scan, start: int, end: int) -> str:
    vocab = _vocabulary()
    low, high = scan.clause(start, end)
    before = scan.text[low:start]
    if vocab.date_role_res["contract"].search(before):
        return "contract"
    near = " ".join(before.split()[-3:])
    if vocab.date_role_res["since"].search(near):
        return "since"
    if vocab.date_role_res["contract"].search(scan.text[end:high]):
        return "contract"
    return "other"


def _real(year: int, month: int, day: int | None) -> bool:
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return False
    return year in YEAR_RANGE


def _year(text: str | None) -> int | None:
    if not text:
        return None
    text = text.strip("'")
    return 2000 + int(text) if len(text) == 2 else int(text)


def _add_date(
    scan: _Scan,
    found: list[MonthDate],
    m: re.Match[str],
    year: int | None,
    month: int | None,
    day: int | None,
) -> None:
    start, end = m.span()
    if not scan.free(start, end):
        return
    scan.take(start, end)
    if (year is not None and not _real(year, month or 1, day)) or (
        year is None and month is not None and day is not None and day > 31
    ):
        scan.ambiguous.append(m.group(0).strip())
        return
    role = _role_of_date(scan, start, end)
    found.append(MonthDate(year, month, day, role, m.group(0).strip()))


_GUARD_CUE = re.compile(r"(?<![\w])(?:since|from|in|of|until|signed|contract|bulan)\s+$")


def _dates(scan: _Scan) -> list[MonthDate]:
    found: list[MonthDate] = []
    text = scan.text
    for m in re.finditer(r"(?<![\w.,/-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w/]|[.,/-]\d)", text):
        _add_date(scan, found, m, int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for m in re.finditer(
        r"(?<![\w.,/-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/]|[.,/-]\d)", text
    ):
        first, second, year = int(m.group(1)), int(m.group(3)), _year(m.group(4))
        if first > 12 >= second:
            _add_date(scan, found, m, year, second, first)
        elif second > 12 >= first:
            _add_date(scan, found, m, year, first, second)
        elif first == second:
            _add_date(scan, found, m, year, first, first)
        elif scan.free(*m.span()):
            scan.take(*m.span())
            scan.ambiguous.append(m.group(0))
    for m in re.finditer(r"(?<![\w.,/-])(\d{1,2})[/-](\d{4})(?![\w/]|[.,/-]\d)", text):
        if 1 <= int(m.group(1)) <= 12:
            _add_date(scan, found, m, int(m.group(2)), int(m.group(1)), None)
    months = _month_re()
    year_part = r"(?:\s*,?\s*(?:tahun\s+|thn\s+|th\s+)?(\d{4}|'\d{2}))?"
    patterns = (
        # "30 Sep 2025", "5 maret", "30th of September 2025"
        (rf"(?<![\w.,])(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:of\s+)?({months})\.?{year_part}(?![\w])",
         "dmy"),
        # "Sept 30, 2025"
        (rf"(?<![\w])({months})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?![\w])", "mdy"),
        # "Oktober 2025", "oct. 2025", "maret"
        (rf"(?<![\w])({months})\.?{year_part}(?![\w])", "my"),
    )  # fmt: skip
    for pattern, shape in patterns:
        for m in re.finditer(pattern, text):
            if shape == "dmy":
                day, name, year_text = int(m.group(1)), m.group(2), m.group(3)
            elif shape == "mdy":
                name, day, year_text = m.group(1), int(m.group(2)), m.group(3)
            else:
                name, day, year_text = m.group(1), None, m.group(2)
            year = _year(year_text)
            guarded = name in GUARDED_MONTHS and day is None and year is None
            if guarded and not _GUARD_CUE.search(scan.before(m.start())):
                continue
            if day is not None and not 1 <= day <= 31:
                continue
            _add_date(scan, found, m, year, MONTHS[name], day)
    # "bulan 3" is March ("3 bulan" is a count; "bulan ke-3" is the third month: not read).
    for m in re.finditer(
        r"(?<![\w])(?:bulan|bln|bl)\s*(ke\s*-?\s*)?(\d{1,2})(?![\w.,])"
        r"(?:\s*(?:tahun|thn|th)?\s*(\d{4})(?![\w]))?",
        text,
    ):
        if m.group(1):
            if scan.free(*m.span()):
                scan.take(*m.span())
                scan.ambiguous.append(m.group(0))
            continue
        if 1 <= int(m.group(2)) <= 12:
            _add_date(scan, found, m, _year(m.group(3)), int(m.group(2)), None)
    # A year alone after a date word: "kontrak 2025", "tahun 2024", "since 2023".
    for m in re.finditer(r"(?<![\w.,])(\d{4})(?![\w/]|[.,/-]\d)", text):
        year = int(m.group(1))
        if year not in YEAR_RANGE or not scan.free(*m.span()):
            continue
        near = " ".join(scan.before(m.start()).split()[-2:])
        cues = _vocabulary().date_role_res
        dated = re.search(r"(?:tahun|thn|th|year|in|pada|sejak|since)\s*$", near)
        if dated or cues["contract"].search(near) or cues["since"].search(near):
            _add_date(scan, found, m, year, None, None)
    return sorted(found, key=lambda d: scan.text.find(d.text))


def _year_of_stay(scan: _Scan) -> int | None:
    ordinals = _alternation(ORDINAL_WORDS)
    patterns = (
        rf"(?<![\w])(?:tahun|thn|th|taun)\s*ke\s*-?\s*(\d{{1,2}}|{ordinals})(?![\w])",
        rf"(?<![\w])(?:tahun|thn|taun)\s+({ordinals})(?![\w])",
        r"(?<![\w])(\d{1,2})(?:st|nd|rd|th)\s+year(?![\w])",
        rf"(?<![\w])({ordinals})\s+year(?![\w])",
        r"(?<![\w])year\s+(\d{1,2})(?![\w.,])",
    )
    found: set[int] = set()
    for pattern in patterns:
        for m in re.finditer(pattern, scan.text):
            if not scan.free(*m.span()):
                continue
            word = m.group(1)
            value = int(word) if word.isdigit() else ORDINAL_WORDS[word]
            if 1 <= value <= 12:
                scan.take(*m.span())
                found.add(value)
    return found.pop() if len(found) == 1 else None


def _duration_role(scan: _Scan, start: int, end: int) -> str | None:
    low, high = scan.clause(start, end)
    clause = scan.text[low:high]
    for role, pattern in _vocabulary().duration_role_res:
        if pattern.search(clause):
            return role
    return None


def _durations(scan: _Scan) -> list[Duration]:
    vocab = _vocabulary()
    units = rf"{vocab.month_units}|{vocab.year_units}"
    numbers = rf"\d{{1,3}}|{_alternation(COUNT_WORDS)}"
    counted = rf"(?P<num>\d{{1,3}})\s*|(?P<word>{_alternation(COUNT_WORDS)})\s+"
    found: list[Duration] = []
    text = scan.masked()
    # Ranges and approximations are read as nothing: "2-3 bulan", "2 atau 3 bulan".
    for m in re.finditer(
        rf"(?<![\w])(?:{numbers})\s*(?:-|sampai|sampe|smp|s/d|to|atau|or|ato)\s*(?:{numbers})"
        rf"\s*(?:{units})(?![\w])",
        text,
    ):
        scan.take(*m.span())
        scan.ambiguous.append(m.group(0))
    text = scan.masked()
    pattern = (
        rf"(?<![\w.,])(?:(?:{counted})(?P<plus>\+\s*)?"
        rf"(?P<unit>{units})|se(?P<se>bulan|tahun|thn))(?![\w])"
        r"(?P<more>\s+(?:lebih|lbh|more|plus))?"
    )
    for m in re.finditer(pattern, text):
        start, end = m.span()
        if not scan.free(start, end):
            continue
        if m.group("se"):
            count, unit_word = 1, m.group("se")
        else:
            num, word = m.group("num"), m.group("word")
            count = int(num) if num else COUNT_WORDS[re.sub(r"\s+", " ", word)]
            unit_word = m.group("unit")
            if unit_word == "th" and num and not m.group(0)[len(num)].isspace():
                continue  # "4th" is an ordinal, "4 th" four years
        unit = "month" if re.fullmatch(vocab.month_units, unit_word) else "year"
        before = scan.before(start, 30)
        scan.take(start, end)
        if vocab.approximate_re.search(before):
            scan.ambiguous.append(m.group(0).strip())
            continue
        if count < 1:
            continue
        at_least = bool(vocab.at_least_re.search(before) or m.group("plus") or m.group("more"))
        role = _duration_role(scan, start, end)
        found.append(Duration(count, unit, at_least, role, m.group(0).strip()))
    return found


def _percents(scan: _Scan) -> list[Decimal]:
    found = []
    for m in re.finditer(
        r"(?<![\w.,])(\d{1,3}(?:[.,]\d{1,2})?)\s*(?:%|persen|percent|pct)(?![\w])", scan.masked()
    ):
        value = parse_number(m.group(1))
        scan.take(*m.span())
        if value is not None:
            found.append(value)
    return found


def _phones(scan: _Scan) -> None:
    for m in re.finditer(r"(?<![\w.,])(?:\+|0)\d[\d\s-]{7,16}\d(?![\w])", scan.masked()):
        if len(re.sub(r"\D", "", m.group(0))) >= 9:
            scan.take(*m.span())


def _currency(form: str | None) -> tuple[str, ...]:
    if not form:
        return ()
    key = re.sub(r"\s+", " ", form.strip())
    return _vocabulary().currency_of_form.get(key, ())


def _amount_role(scan: _Scan, start: int, end: int) -> tuple[str | None, tuple[str, ...]]:
    low, high = scan.clause(start, end)
    best: tuple[int, str] | None = None
    after: tuple[int, str] | None = None
    roles: list[str] = []
    for role, pattern in _vocabulary().role_res:
        for m in pattern.finditer(scan.text, low, high):
            if role not in roles:
                roles.append(role)
            if m.end() <= start and (best is None or m.end() > best[0]):
                best = (m.end(), role)
            elif m.start() >= end and (after is None or m.start() < after[0]):
                after = (m.start(), role)
    chosen = best or after
    return (chosen[1] if chosen else None), tuple(roles)


def _amounts(scan: _Scan, facts: MoneyFacts, country: str | None) -> list[Amount]:
    country_currency = facts.currency_of_country(country)
    found = [*_digit_amounts(scan, country_currency), *_word_amounts(scan, country_currency)]
    return [_plain(a) for _, a in sorted(found, key=lambda pair: pair[0])]


def _refuse(scan: _Scan, start: int, end: int) -> None:
    """A figure that reads two ways: taken, listed as ambiguous, never an amount."""
    scan.take(start, end)
    scan.ambiguous.append(scan.text[start:end].strip())


def _chosen_currency(options: tuple[str, ...], country_currency: str | None) -> str | None:
    """The one currency a written form allows; a shared form ("$") takes the country's."""
    if len(options) > 1:
        return country_currency if country_currency in options else None
    return options[0] if options else None


def _hedge_end(scan: _Scan, start: int, end: int) -> int | None:
    """Where an approximation or a bound around ``[start, end)`` ends, else None.

    "sekitar 4500", "di bawah 5000", "4500an", "4 ribuan", "4k something": the person gives
    no figure to compute with, so it is asked for instead.
    """
    vocab = _vocabulary()
    before = scan.before(start, 30)
    if vocab.approximate_re.search(before) or vocab.bounds_re.search(before):
        return end
    after = vocab.approximate_after_re.match(scan.text[end:])
    return end + after.end() if after else None


def _counts_something_else(scan: _Scan, start: int, end: int) -> bool:
    """A plain number of hours, children, times, a floor or a date: "24 jam", "lantai 23"."""
    vocab = _vocabulary()
    return bool(
        vocab.counted_after_re.match(scan.text[end:])
        or vocab.counted_before_re.search(scan.before(start, 20))
    )


def _amount(
    scan: _Scan,
    span: tuple[int, int],
    value: Decimal,
    options: tuple[str, ...],
    country_currency: str | None,
    *,
    scaled: bool,
) -> Amount:
    """The amount read at ``span``: its currency (written or the country's), role, clause."""
    start, end = span
    currency = _chosen_currency(options, country_currency)
    candidates: tuple[str, ...] = options if currency is None else ()
    if not options:
        if value.copy_abs() >= LARGE_SCALE and scaled and country_currency != "IDR":
            candidates = tuple(c for c in ("IDR", country_currency) if c)
            currency = None
        else:
            currency = country_currency
    role, cues = _amount_role(scan, start, end)
    low, high = scan.clause(start, end)
    return Amount(
        value=value.normalize() if value == value.to_integral_value() else value,
        currency=currency,
        written=bool(options),
        per_month=bool(_vocabulary().per_month_re.match(scan.text[end:])),
        role=role,
        cues=cues,
        bare=not options and not scaled,
        candidates=candidates,
        text=scan.text[start:end].strip(),
        context=scan.text[low:high].strip(" ,.;"),
    )


def _digit_pattern() -> re.Pattern[str]:
    vocab = _vocabulary()
    cur, mult = vocab.currency_re, vocab.multiplier_re
    # A multiplier ends at a word's end, or before an approximate "-an" ("4 ribuan").
    ends = r"(?:(?![\w$])|(?=-?an(?![\w])))"
    return re.compile(
        rf"(?<![\w$])(?P<neg>-\s?|minus\s)?(?:(?P<pre>{cur})\s?)?"
        rf"(?P<num>\d[\d.,]*\d|\d)(?![\d])"
        rf"(?:(?P<space>\s)?(?P<mult>{mult})(?P<next>\d+)?{ends})?"
        rf"(?:\s?(?P<mult2>rb|ribu|juta|jt){ends})?"
        rf"(?:\s?(?P<post>{cur})(?![\w$]))?"
    )


def _alternatives(scan: _Scan) -> None:
    """Refuse two guesses or a range: "4500 atau 4800", "4500 or 4700", "4-5rb"."""
    vocab = _vocabulary()
    cur, mult = vocab.currency_re, vocab.multiplier_re
    one = rf"(?:(?:{cur})\s?)?(?:\d[\d.,]*\d|\d)(?![\d])(?:\s?(?:{mult}))?(?:\s?(?:{cur}))?"
    pattern = rf"(?<![\w$.,/:-]){one}\s*(?:{vocab.alternatives})\s*{one}(?![\w$]|[-:/.,]\d)"
    for m in re.finditer(pattern, scan.masked()):
        _refuse(scan, *m.span())


def _digit_amounts(scan: _Scan, country_currency: str | None) -> list[tuple[int, Amount]]:
    vocab = _vocabulary()
    found: list[tuple[int, Amount]] = []
    _alternatives(scan)
    for m in _digit_pattern().finditer(scan.masked()):
        start, end = m.span()
        if not scan.free(start, end):
            continue
        pre, post = _currency(m.group("pre")), _currency(m.group("post"))
        if pre and post and set(pre).isdisjoint(post):
            _refuse(scan, start, end)
            continue
        options = tuple(c for c in pre if not post or c in post) or post
        value = parse_number(m.group("num"), _chosen_currency(options, country_currency))
        if m.group("next"):
            value = _next_place(m, value)
        hedge = _hedge_end(scan, start, end)
        if value is None or hedge is not None:
            _refuse(scan, start, hedge or end)
            continue
        factor = Decimal(1)
        for key in ("mult", "mult2"):
            if m.group(key):
                factor *= vocab.multiplier_of[m.group(key)]
        if _glued_to_a_word(scan, start, end) or (
            not options and factor == 1 and _counts_something_else(scan, start, end)
        ):
            continue  # "68x", "6am", "2nd", "24 jam", "3 anak": a count or a time, not money
        scan.take(start, end)
        end, value = _compound(scan, m.group("mult"), end, value * factor)
        if m.group("neg"):
            value = -value
        amount = _amount(scan, (start, end), value, options, country_currency, scaled=factor > 1)
        found.append((start, amount))
    return found


def _next_place(m: re.Match[str], value: Decimal | None) -> Decimal | None:
    """The value of "1rb2" (1.2 thousand), "4k5" (4.5): one digit after the multiplier."""
    plain = value is not None and m.group("num").isdigit() and not m.group("space")
    if not plain or m.group("mult2") or m.group("mult") not in _vocabulary().next_place:
        return None
    if len(m.group("next")) != 1:
        return None  # "1jt250": 1,250,000 or 1,000,250?
    return Decimal(m.group("num")) + Decimal(m.group("next")) / 10


def _glued_to_a_word(scan: _Scan, start: int, end: int) -> bool:
    """A number glued to a word, or to another number by ":", "/", "-" (a time, a code)."""
    rest, before = scan.text[end:], scan.text[max(0, start - 2) : start]
    if re.match(r"[-:/]\d", rest) or re.fullmatch(r"\d[-:/]", before):
        return True
    return bool(rest[:1].isalpha()) and not _vocabulary().per_month_re.match(rest)


def _plain(amount: Amount) -> Amount:
    """Whole amounts without exponent (``4.5E+3`` -> ``4500``)."""
    value = amount.value
    if value == value.to_integral_value():
        value = Decimal(int(value))
    return replace(amount, value=value)


_COMPOUND = re.compile(r"^\s*(\d{1,3})\s?(?:rb|ribu|rebu|k)(?![\w$])")


def _compound(scan: _Scan, multiplier: str | None, end: int, value: Decimal) -> tuple[int, Decimal]:
    """Read "1 juta 500 ribu" and "1jt 500rb" as one amount: its end and value."""
    if multiplier not in ("jt", "juta", "jeti"):
        return end, value
    m = _COMPOUND.match(scan.masked()[end:])
    if not m:
        return end, value
    scan.take(end, end + m.end())
    return end + m.end(), value + Decimal(m.group(1)) * 1000


def _per_month_markers(scan: _Scan) -> None:
    """Take "tiap bulan", "sebulan", "a month" right after a number: not a month count."""
    vocab = _vocabulary()
    tail = rf"(?:\s?(?:{vocab.multiplier_re}))?(?:\s?(?:{vocab.currency_re}))?"
    number = rf"(?:\d|(?<![\w])(?:{vocab.number_words.token_re}))"  # "5100", "five thousand"
    for m in re.finditer(rf"{number}{tail}(?![\w$])", scan.masked()):
        marker = vocab.per_month_re.match(scan.text[m.end() :])
        if marker:
            scan.take(m.end(), m.end() + marker.end())
    # "libur 1x sebulan", "once a month": how often; "gaji sebulan 800": per month.
    markers = rf"(?<![\w])(?:{vocab.per_month_words})(?![\w])"
    for pattern in (
        rf"(?<![\w])(?:\d+\s?)?(?:{vocab.frequency})\s*({markers})",
        rf"({markers})\s+(?=(?:{vocab.currency_re})?\s?\d)",
    ):
        for m in re.finditer(pattern, scan.masked()):
            scan.take(*m.span(1))


# --- Numbers in words ----------------------------------------------------------------------


def _word_pattern() -> re.Pattern[str]:
    vocab = _vocabulary()
    token = rf"(?:{vocab.number_words.token_re})(?![\w$])"
    return re.compile(
        rf"(?<![\w$])(?:(?P<pre>{vocab.currency_re})\s?)?"
        rf"(?P<run>{token}(?:[\s-]+{token})*)"
        rf"(?:\s?(?P<post>{vocab.currency_re})(?![\w$]))?"
    )


def _word_amounts(scan: _Scan, country_currency: str | None) -> list[tuple[int, Amount]]:
    """Amounts written in words: "seribu lima ratus ringgit", "four thousand five hundred"."""
    vocab = _vocabulary()
    numbers = vocab.number_words
    found: list[tuple[int, Amount]] = []
    for m in _word_pattern().finditer(scan.masked()):
        start, end, tokens = _trimmed(m)
        if not tokens:
            continue
        pre, post = _currency(m.group("pre")), _currency(m.group("post"))
        options = tuple(c for c in pre if not post or c in post) or post
        magnitude = any(numbers.has(t, *MAGNITUDES) for t in tokens)
        money = bool(vocab.money_context_re.search(scan.text, *scan.clause(start, end)))
        if not options and not (magnitude and money):
            continue  # "tiga anak", "satu kali", "a thousand thanks"
        if scan.text[end:].lstrip().startswith("?"):
            continue  # "empat ribu? bukan, 4.700": asked back, not stated
        value = _word_number(tokens)
        if value is None and not magnitude:
            continue  # "a dollar", "one dollar short": no number to read
        hedge = _hedge_end(scan, start, end)
        if value is None or hedge is not None or (pre and post and not options):
            _refuse(scan, start, hedge or end)  # "dua tiga ribu", "ribuan", "sekitar dua juta"
            continue
        scan.take(start, end)
        amount = _amount(scan, (start, end), value, options, country_currency, scaled=magnitude)
        found.append((start, amount))
    return found


def _trimmed(m: re.Match[str]) -> tuple[int, int, list[str]]:
    """The match without a leading "and" or a trailing "a"/"and" ("five thousand a month")."""
    numbers = _vocabulary().number_words
    run_start = m.start("run")
    words_ = list(re.finditer(r"[^\s-]+", m.group("run")))
    while words_ and numbers.has(words_[0].group(0), "joins"):
        words_.pop(0)
    while not m.group("post") and words_ and numbers.has(words_[-1].group(0), "joins", "one"):
        words_.pop()
    if not words_:
        return m.start(), m.start(), []
    start = m.start() if m.group("pre") else run_start + words_[0].start()
    end = m.end() if m.group("post") else run_start + words_[-1].end()
    return start, end, [w.group(0) for w in words_]


MAGNITUDES = ("hundred", "scale", "one_and", "approximate_magnitudes")
# What may come before each kind of number word (None: the first word).
_FOLLOWS: dict[str, frozenset[str | None]] = {
    "units": frozenset({None, "scale", "hundred", "joins", "tens", "times_ten"}),
    "teens": frozenset({None, "scale", "hundred", "joins"}),
    "tens": frozenset({None, "scale", "hundred", "joins"}),
    "one": frozenset({None, "scale", "hundred", "joins"}),
    "times_ten": frozenset({"units"}),
    "plus_ten": frozenset({"units"}),
    "hundred": frozenset({"units", "teens", "tens", "times_ten", "plus_ten", "one", "half"}),
    "scale": frozenset(
        {"units", "teens", "tens", "times_ten", "plus_ten", "one", "hundred", "half"}
    ),
    "half": frozenset({None, "units", "teens", "tens", "times_ten", "plus_ten", "scale"}),
    "joins": frozenset({"hundred", "scale"}),
}


def _word_number(tokens: list[str]) -> Decimal | None:
    """The value of number words, or None when they do not make one number.

    "empat ribu delapan ratus tujuh puluh" 4870, "seribu lima ratus" 1500, "dua setengah
    juta" 2,500,000, "sejuta setengah" 1,500,000, "four thousand eight hundred and seventy"
    4870, "fifteen hundred" 1500, "two and a half thousand" 2500. None for "dua tiga ribu"
    (two or three thousand), "ribuan" (thousands), "setengah" without a magnitude.
    """
    kind_of = _vocabulary().number_words.kind_of
    expanded: list[tuple[str, Decimal]] = []
    for token in _halves(tokens):
        kind, value = kind_of[token]
        if kind == "one_and":  # "seribu" is "satu ribu"
            expanded += [("one", Decimal(1)), ("scale" if value > 100 else "hundred", value)]
        else:
            expanded.append((kind, value))
    total, group, last_unit, scale = Decimal(0), Decimal(0), Decimal(0), None
    previous: str | None = None
    for kind, value in expanded:
        if previous not in _FOLLOWS.get(kind, frozenset()) or _joined_badly(previous, kind, group):
            return None
        if kind in ("units", "teens", "tens", "one"):
            group, last_unit = group + value, value
        elif kind == "times_ten":
            group += last_unit * 9
        elif kind == "plus_ten":
            group += 10
        elif kind == "hundred":
            if group >= 100:
                return None
            group *= value
        elif kind == "half" and previous == "scale" and scale is not None:
            total += scale / 2  # "sejuta setengah": a million and a half
        elif kind == "half":
            group += Decimal("0.5")
        elif kind == "scale":
            if scale is not None and value >= scale:
                return None  # "ribu juta", "thousand thousand"
            total, group, scale = total + group * value, Decimal(0), value
        previous = kind
    if previous in ("joins", "one") or (previous == "half" and group % 1):
        return None  # "two and", "setengah" alone
    total += group
    return total if total > 0 else None


def _halves(tokens: list[str]) -> list[str]:
    """The words with "and a half" and "a half" as one "half" ("two and a half thousand")."""
    numbers = _vocabulary().number_words
    out: list[str] = []
    for token in tokens:
        if numbers.has(token, "half"):
            while out and numbers.has(out[-1], "joins", "one"):
                out.pop()
        out.append(token)
    return out


def _joined_badly(previous: str | None, kind: str, group: Decimal) -> bool:
    """Whether a unit follows tens that already have one ("dua puluh lima lima")."""
    if kind == "units" and previous in ("tens", "times_ten"):
        return group % 10 != 0
    return False


# --- Entry points --------------------------------------------------------------------------


def extract(
    text: str | None, country: str | None = None, *, facts: MoneyFacts | None = None
) -> Extraction:
    """Read every amount, month count, year of stay and date in a message.

    Args:
        text: The message.
        country: ISO 3166-1 alpha-2 code of the country of work: the currency of an amount
            written without one.
        facts: The money facts (default: the shipped file), for the currencies.

    Returns:
        What was read; see :class:`Extraction`.
    """
    scan = _Scan(text or "")
    facts = facts or load_money_facts()
    _phones(scan)
    _per_month_markers(scan)
    dates = _dates(scan)
    year_of_stay = _year_of_stay(scan)
    durations = _durations(scan)
    percents = _percents(scan)
    amounts = _amounts(scan, facts, country)
    return Extraction(
        amounts=tuple(amounts),
        durations=tuple(durations),
        dates=tuple(dates),
        year_of_stay=year_of_stay,
        percents=tuple(percents),
        ambiguous=tuple(scan.ambiguous),
    )


def parse_amount(text: str | None, country: str | None = None) -> Amount | None:
    """The one amount of a short answer ("4500", "HK$4,500", "4,5rb"), else None."""
    found = extract(text, country)
    if found.ambiguous or len({(a.value, a.currency) for a in found.amounts}) != 1:
        return None
    return found.amounts[0]


def parse_months(text: str | None) -> int | None:
    """The month count of a short answer ("3 bulan", "two months", "setahun"), else None."""
    found = extract(text)
    if found.ambiguous:
        return None
    counts = {d.months for d in found.durations}
    return counts.pop() if len(counts) == 1 else None


def parse_date(text: str | None) -> MonthDate | None:
    """The one date of a short answer ("Oktober 2025", "30/9/2025"), else None."""
    found = extract(text)
    dates = {(d.year, d.month, d.day) for d in found.dates}
    return found.dates[0] if len(dates) == 1 and not found.ambiguous else None
