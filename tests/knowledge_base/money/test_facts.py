"""The money facts load typed, and copy the shared reference faithfully (nothing invented).

The faithfulness tests read ``shared/reference/money_facts.yaml`` beside the repository (CI
lays a copy there) and are skipped when it is absent.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge_base.money import FACTS_PATH, MoneyFactsError, load_money_facts
from knowledge_base.money.facts import DateSpan, number, parse_span, read_document
from tests.knowledge_base.conftest import REPO_ROOT


def _reference_file() -> Path | None:
    candidates = [
        Path(os.environ["LENTERA_SHARED_DIR"]) / "reference"
        if os.environ.get("LENTERA_SHARED_DIR")
        else None,
        REPO_ROOT.parent / "shared" / "reference",
        Path("/work/shared/reference"),
    ]
    for folder in candidates:
        if folder is not None and (folder / "money_facts.yaml").exists():
            return folder / "money_facts.yaml"
    return None


REFERENCE = _reference_file()
needs_reference = pytest.mark.skipif(REFERENCE is None, reason="shared/reference not found")


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return dict(read_document(FACTS_PATH))


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    assert REFERENCE is not None
    return dict(yaml.safe_load(REFERENCE.read_text(encoding="utf-8")))


# -- the shipped file ------------------------------------------------------------------------


def test_the_shipped_file_loads_with_every_fact_typed() -> None:
    facts = load_money_facts()
    assert facts.version >= 1
    assert len(facts) == 80
    maw = facts.get("HK-MAW-2025")
    assert maw.amount == Decimal("5100") and maw.currency == "HKD"
    assert maw.effective_from == dt.date(2025, 9, 30)
    assert maw.applies_by == "contract_signing_date"
    assert maw.floor is not None and maw.floor.kind == "statutory"
    assert maw.source.url.startswith("https://") and maw.source.title == "sunwebhk.com"
    assert maw.confidence == "M"


def test_fractions_stay_exact_decimals() -> None:
    facts = load_money_facts()
    assert facts.get("HK-EA-COMMISSION").amount == Decimal("0.1")
    assert facts.get("HK-DEDUCT-DAMAGE").part_amount("period_fraction") == Decimal("0.25")
    assert facts.get("ZZ-RPW-GLOBAL-Q3-2023").amount == Decimal("6.18")


def test_text_values_stay_text() -> None:
    facts = load_money_facts()
    assert facts.get("HK-FDH-HOTLINE").value == "2157 9537"
    assert facts.get("HK-FDH-HOTLINE").amount is None
    assert facts.get("ID-UU18-ART72-86").value is None


def test_parts_and_items_are_reachable_by_name() -> None:
    facts = load_money_facts()
    broker = facts.get("TW-BROKER-FEE-CAP")
    assert [p.name for p in broker.parts] == ["year_1", "year_2", "year_3_on"]
    assert broker.part_amount("year_1") == broker.amount
    with pytest.raises(KeyError):
        broker.part("year_9")
    with pytest.raises(KeyError):
        facts.get("HK-FDH-HOTLINE").part_amount("nothing")
    occupations = facts.get("ID-PERBAN9-OCCUPATIONS")
    assert len(occupations.items) == occupations.amount
    assert occupations.items[0].name_in("id") == "pengurus rumah tangga"
    assert occupations.items[0].name_in("en") == "household worker"


def test_lookups_by_country_currency_and_refusal() -> None:
    facts = load_money_facts()
    assert {f.id for f in facts.by_country("HK", "claim_route")} >= {"HK-MECAB-LIMIT"}
    assert all(f.country == "TW" for f in facts.by_country("TW"))
    for country, currency in [
        ("HK", "HKD"),
        ("MY", "MYR"),
        ("TW", "TWD"),
        ("SG", "SGD"),
        ("SA", "SAR"),
        ("AE", "AED"),
        ("QA", "QAR"),
        ("KW", "KWD"),
        ("ID", "IDR"),
    ]:
        assert facts.currency_of_country(country) == currency
    assert facts.currency_of_country("ZZ") is None
    assert facts.currency_of_country(None) is None
    assert facts.currency("KWD") is not None and facts.currency("KWD").decimals == 3
    assert facts.currency("XXX") is None
    assert "exchange rates" in facts.refused("exchange_rates").item.lower()
    with pytest.raises(KeyError):
        facts.refused("nothing")
    with pytest.raises(KeyError):
        facts.get("XX-NOTHING")
    assert "HK-MAW-2025" in facts and "XX-NOTHING" not in facts


def test_in_force_on_uses_the_first_effective_day_and_the_end_date() -> None:
    facts = load_money_facts()
    jordan = facts.get("JO-MINWAGE-2025")
    assert jordan.ends == dt.date(2027, 12, 31)
    assert jordan.in_force_on(dt.date(2026, 6, 1))
    assert not jordan.in_force_on(dt.date(2028, 1, 1))
    assert not jordan.in_force_on(dt.date(2024, 12, 31))
    assert facts.get("HK-PAY-7DAYS").effective is None  # "in force": undated
    assert facts.get("HK-PAY-7DAYS").in_force_on(dt.date(1990, 1, 1))


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2025-09-30", dt.date(2025, 9, 30), dt.date(2025, 9, 30)),
        ("2023-Q3", dt.date(2023, 7, 1), dt.date(2023, 9, 30)),
    ],
)
def test_partial_dates_cover_their_days(text: str, first: dt.date, last: dt.date) -> None:
    assert parse_span(text) == DateSpan(first, last)
    assert DateSpan(first, last).contains(first) and not DateSpan(first, last).contains(
        last + dt.timedelta(days=1)
    )


@pytest.mark.parametrize("text", ["in force", "2025-13", "25-09-30", "2025-02-30", "2025-Q5"])
def test_bad_partial_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_span(text)


def test_number_reads_yaml_numbers_only() -> None:
    assert number(5100) == Decimal("5100")
    assert number(0.1) == Decimal("0.1")
    assert number("5100") is None and number(None) is None and number(True) is None


# -- loading refuses a broken file -----------------------------------------------------------


def _write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "facts.yml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def test_a_file_with_errors_is_never_loaded(tmp_path: Path, raw: dict[str, Any]) -> None:
    broken = dict(raw)
    broken["facts"] = [dict(raw["facts"][0], confidence="X"), *raw["facts"][1:]]
    with pytest.raises(MoneyFactsError) as info:
        load_money_facts(_write(tmp_path, broken))
    assert info.value.issues and "confidence" in str(info.value)


def test_an_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MoneyFactsError, match="cannot read"):
        load_money_facts(tmp_path / "missing.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("facts: [", encoding="utf-8")
    with pytest.raises(MoneyFactsError, match="cannot read"):
        load_money_facts(bad)


def test_loading_is_cached_until_the_file_changes(tmp_path: Path, raw: dict[str, Any]) -> None:
    path = _write(tmp_path, raw)
    first = load_money_facts(path)
    assert load_money_facts(path) is first
    changed = dict(raw, version=raw["version"] + 1)
    path.write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False) + "\n", "utf-8")
    assert load_money_facts(path).version == raw["version"] + 1


# -- faithful to the reference ---------------------------------------------------------------


@needs_reference
def test_every_reference_fact_is_here_and_nothing_else(
    raw: dict[str, Any], reference: dict[str, Any]
) -> None:
    assert [f["id"] for f in raw["facts"]] == [f["id"] for f in reference["facts"]]


@needs_reference
@pytest.mark.parametrize(
    "field", ["country", "topic", "claim", "value", "unit", "confidence", "quote", "retrieved"]
)
def test_every_field_is_copied_exactly(
    raw: dict[str, Any], reference: dict[str, Any], field: str
) -> None:
    ours = {f["id"]: f for f in raw["facts"]}
    for ref in reference["facts"]:
        mine = ours[ref["id"]]
        value = mine["source"][field] if field in ("quote", "retrieved") else mine[field]
        assert value == ref[field], (ref["id"], field)
        assert type(value) is type(ref[field]), (ref["id"], field)


@needs_reference
def test_urls_and_dates_are_copied_exactly(raw: dict[str, Any], reference: dict[str, Any]) -> None:
    ours = {f["id"]: f for f in raw["facts"]}
    for ref in reference["facts"]:
        mine = ours[ref["id"]]
        assert mine["source"]["url"] == ref["source_url"]
        assert mine["effective_text"] == str(ref["effective_date"])
        assert str(ref["effective_date"]).startswith(mine["effective_date"])


@needs_reference
def test_added_fields_only_restate_the_fact(raw: dict[str, Any], reference: dict[str, Any]) -> None:
    refs = {f["id"]: f for f in reference["facts"]}
    for fact in raw["facts"]:
        ref = refs[fact["id"]]
        if fact["currency"] is not None:
            assert ref["unit"].startswith(fact["currency"]), fact["id"]
        if fact.get("end_date"):
            day = dt.date.fromisoformat(fact["end_date"])
            assert f"{day.day} {day:%b %Y}" in ref["claim"] or day.isoformat() in ref["claim"], (
                fact["id"]
            )
        own_text = " ".join((ref["claim"], ref["unit"], ref["quote"]))
        for part in fact.get("parts") or ():
            assert part["from"] in own_text, (fact["id"], part["name"])
        for item in fact.get("items") or ():
            assert item["en"] in ref["claim"], (fact["id"], item["key"])
        assert fact["source"]["title"] in ref["source_url"]


@needs_reference
def test_the_unsourced_items_are_all_kept(raw: dict[str, Any], reference: dict[str, Any]) -> None:
    assert [
        {k: u[k] for k in ("item", "looked_for", "note")} for u in raw["unsourced"]
    ] == reference["unsourced"]
    assert len({u["refuse"] for u in raw["unsourced"]}) == len(raw["unsourced"])


@needs_reference
def test_the_confidence_counts_match_the_summary(reference: dict[str, Any]) -> None:
    facts = load_money_facts()
    counts = {level: sum(1 for f in facts if f.confidence == level) for level in "HML"}
    stated = (REFERENCE.with_name("money_facts.md")).read_text(encoding="utf-8")  # type: ignore[union-attr]
    found = re.search(r"(\d+) facts \((\d+) H, (\d+) M, (\d+) L\)", stated)
    assert found is not None
    assert (len(facts), counts["H"], counts["M"], counts["L"]) == tuple(
        int(g) for g in found.groups()
    )
