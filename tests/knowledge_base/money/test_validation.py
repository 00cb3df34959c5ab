"""Validation of the money facts: the shipped file passes; each kind of error is caught.

``python -m knowledge_base validate`` runs it: a fact without source, confidence or date, an
unknown country or currency, a duplicate id, or a part whose figure is not in the fact's own
text make it exit 1.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge_base.cli import main
from knowledge_base.money.facts import FACTS_PATH, read_document
from knowledge_base.money.validation import validate_money_document, written_forms

TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def document() -> dict[str, Any]:
    return copy.deepcopy(dict(read_document(FACTS_PATH)))


def errors(document: Any) -> list[str]:
    return [
        str(i)
        for i in validate_money_document("facts.yml", document, today=TODAY)
        if i.severity == "error"
    ]


def fact(document: dict[str, Any], fact_id: str) -> dict[str, Any]:
    return next(f for f in document["facts"] if f["id"] == fact_id)


def test_the_shipped_file_has_no_errors(document: dict[str, Any]) -> None:
    assert errors(document) == []


@pytest.mark.parametrize(
    ("fact_id", "change", "expected"),
    [
        ("HK-MAW-2025", {"source": None}, "has no source"),
        ("HK-MAW-2025", {"source": {"title": "x", "retrieved": "2026-12-01"}}, "has no source"),
        (
            "HK-MAW-2025",
            {"source": {"url": "ftp://x", "title": "x", "retrieved": "2026-12-01"}},
            "not an http(s) URL",
        ),
        (
            "HK-MAW-2025",
            {"source": {"url": "https://a.org", "title": "a", "retrieved": "2027-01-01"}},
            "in the future",
        ),
        (
            "HK-MAW-2025",
            {"source": {"url": "https://a.org", "title": "a", "retrieved": "yesterday"}},
            "not an ISO date",
        ),
        (
            "HK-MAW-2025",
            {"source": {"url": "https://a.org", "title": "", "retrieved": "2026-12-01"}},
            "no title",
        ),
        ("HK-MAW-2025", {"confidence": "high"}, "is not one of H, M, L"),
        ("HK-MAW-2025", {"effective_date": "soon"}, "is not YYYY"),
        (
            "HK-MAW-2025",
            {"effective_date": "2025-02-30", "effective_text": "2025-02-30"},
            "not a real date",
        ),
        ("HK-MAW-2025", {"effective_date": "2024-09-30"}, "does not lead effective_text"),
        ("HK-MAW-2025", {"country": "XX"}, "unknown country code 'XX'"),
        ("HK-MAW-2025", {"country": "SG"}, "does not start with its country"),
        ("HK-MAW-2025", {"currency": "HKG"}, "unknown currency 'HKG'"),
        ("HK-MAW-2025", {"currency": "SGD"}, "does not lead the unit"),
        ("HK-MAW-2025", {"topic": "wages"}, "topic 'wages'"),
        ("HK-MAW-2025", {"caveats": ["maybe"]}, "unknown caveats: maybe"),
        ("HK-MAW-2025", {"caveats": "old"}, "'caveats' must be a list"),
        ("HK-MAW-2025", {"applies_by": "pay_date"}, "applies_by 'pay_date'"),
        ("HK-MAW-2025", {"colour": "red"}, "unknown fields: colour"),
        ("HK-MAW-2025", {"id": "hk-maw"}, "must look like HK-MAW-2025"),
        ("HK-MAW-2025", {"related": ["HK-NOTHING"]}, "related fact 'HK-NOTHING' does not exist"),
        ("HK-MAW-2025", {"floor": {"kind": "law", "work": "domestic"}}, "floor kind 'law'"),
        ("HK-MAW-2025", {"floor": {"kind": "statutory", "work": "office"}}, "floor work 'office'"),
        ("HK-MAW-2025", {"floor": {"kind": "statutory"}}, "'floor' must be a mapping"),
        (
            "SG-NO-MINWAGE",
            {"floor": {"kind": "statutory", "work": "domestic"}},
            "needs a numeric value",
        ),
        ("HK-MAW-2025", {"floor": {"kind": "none", "work": "domestic"}}, "has no value"),
        ("JO-MINWAGE-2025", {"end_date": "2024-01-01"}, "before effective_date"),
        ("JO-MINWAGE-2025", {"end_date": "end of 2027"}, "not an ISO date"),
        ("ID-MIDEAST-MORATORIUM", {"countries_covered": ["XX"]}, "countries_covered"),
        ("HK-MAW-2025", {"claim": ""}, "'claim' must be a non-empty text"),
    ],
)
def test_a_broken_fact_is_an_error(
    document: dict[str, Any], fact_id: str, change: dict[str, Any], expected: str
) -> None:
    target = fact(document, fact_id)
    for key, value in change.items():
        if value is None:
            target.pop(key)
        else:
            target[key] = value
    found = errors(document)
    where = f": {change.get('id', fact_id)}:"
    assert any(expected in e and where in e for e in found), found


@pytest.mark.parametrize("field", ["source", "confidence", "effective_date"])
def test_a_fact_without_source_confidence_or_date_fails(
    document: dict[str, Any], field: str
) -> None:
    del fact(document, "TW-BROKER-FEE-CAP")[field]
    word = {"source": "source", "confidence": "confidence", "effective_date": "date"}[field]
    assert any(f"TW-BROKER-FEE-CAP: has no {word}" in e for e in errors(document))


def test_a_duplicate_id_fails(document: dict[str, Any]) -> None:
    document["facts"].append(copy.deepcopy(fact(document, "HK-MAW-2024")))
    assert any("HK-MAW-2024: duplicate id" in e for e in errors(document))


def test_an_unknown_currency_in_a_part_fails(document: dict[str, Any]) -> None:
    fact(document, "TW-BROKER-FEE-CAP")["parts"][0]["currency"] = "NTD"
    assert any("part 'year_1': unknown currency 'NTD'" in e for e in errors(document))


def test_a_part_must_be_copied_from_the_fact(document: dict[str, Any]) -> None:
    part = fact(document, "TW-BROKER-FEE-CAP")["parts"][1]
    part["from"] = "NT$1,650 (year 2)"
    assert any("is not in the fact's own text" in e for e in errors(document))


def test_a_part_value_must_be_the_figure_of_its_snippet(document: dict[str, Any]) -> None:
    fact(document, "TW-BROKER-FEE-CAP")["parts"][1]["value"] = 1650
    assert any("value 1650 is not written in" in e for e in errors(document))
    fact(document, "TW-BROKER-FEE-CAP")["parts"][1]["value"] = 170  # "1,700" is not 170
    assert any("value 170 is not written in" in e for e in errors(document))


def test_an_item_must_be_named_in_the_claim(document: dict[str, Any]) -> None:
    fact(document, "ID-PERBAN9-OCCUPATIONS")["items"][0]["en"] = "factory worker"
    assert any("'factory worker' is not in the claim" in e for e in errors(document))


def test_duplicate_part_and_item_keys_fail(document: dict[str, Any]) -> None:
    parts = fact(document, "TW-BROKER-FEE-CAP")["parts"]
    parts.append(dict(parts[0]))
    items = fact(document, "ID-PERBAN9-OCCUPATIONS")["items"]
    items.append(dict(items[0]))
    found = errors(document)
    assert any("part name 'year_1' must be a unique" in e for e in found)
    assert any("item key 'household_worker' must be a unique" in e for e in found)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"version": 0}, "'version' must be a positive integer"),
        ({"version": "1"}, "'version' must be a positive integer"),
        ({"extra": 1}, "unknown top-level keys: extra"),
        ({"unsourced": None}, "'unsourced' must list"),
        ({"currencies": []}, "'currencies' must list"),
    ],
)
def test_file_level_errors(document: dict[str, Any], change: dict[str, Any], expected: str) -> None:
    document.update(change)
    assert any(expected in e for e in errors(document))


def test_currency_list_errors(document: dict[str, Any]) -> None:
    document["currencies"].append({"code": "HKD", "countries": ["HK"], "decimals": 2})
    document["currencies"].append({"code": "hk", "countries": [], "decimals": 2})
    document["currencies"].append({"code": "ZZZ", "countries": ["XX"], "decimals": "two"})
    found = errors(document)
    assert any("currency HKD is listed twice" in e for e in found)
    assert any("country HK has two currencies" in e for e in found)
    assert any("needs an ISO 4217 'code'" in e for e in found)
    assert any("currency ZZZ: unknown country code 'XX'" in e for e in found)
    assert any("currency ZZZ needs 'decimals'" in e for e in found)


def test_unsourced_items_need_a_key_and_a_note(document: dict[str, Any]) -> None:
    document["unsourced"].append({"item": "x", "note": "y"})
    document["unsourced"].append({"item": "z"})
    found = errors(document)
    assert any("'refuse' must be a unique key" in e for e in found)
    assert any("needs 'item' and 'note'" in e for e in found)


@pytest.mark.parametrize("document", [None, [], {"facts": {}}])
def test_a_file_that_is_not_a_facts_file_fails(document: Any) -> None:
    assert any("must be a mapping with a 'facts' list" in e for e in errors(document))


def test_a_fact_that_is_not_a_mapping_fails(document: dict[str, Any]) -> None:
    document["facts"].append("HK-MAW-2026")
    assert any("a fact must be a mapping" in e for e in errors(document))


@pytest.mark.parametrize(
    ("value", "form"),
    [
        (4990, "4,990"),
        (20000, "20.000"),
        (0.25, "quarter"),
        (0.5, "half"),
        (0.1, "10%"),
        (1, "one"),
    ],
)
def test_written_forms_of_a_figure(value: Any, form: str) -> None:
    assert form in written_forms(value)


# -- the command line ------------------------------------------------------------------------


def _write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "facts.yml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def test_cli_validate_covers_the_money_facts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--quiet"]) == 0
    assert "80 money facts checked: 0 error(s)." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda d: fact(d, "HK-MAW-2025").pop("source"), "HK-MAW-2025: has no source"),
        (lambda d: fact(d, "HK-MAW-2025").pop("confidence"), "HK-MAW-2025: has no confidence"),
        (lambda d: fact(d, "HK-MAW-2025").pop("effective_date"), "HK-MAW-2025: has no date"),
        (lambda d: fact(d, "HK-MAW-2025").update(country="XX"), "unknown country code 'XX'"),
        (lambda d: fact(d, "HK-MAW-2025").update(currency="HKG"), "unknown currency 'HKG'"),
        (lambda d: d["facts"].append(copy.deepcopy(fact(d, "HK-MAW-2025"))), "duplicate id"),
    ],
)
def test_cli_validate_fails_on_a_broken_money_file(
    tmp_path: Path,
    document: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    breakage: Any,
    message: str,
) -> None:
    breakage(document)
    path = _write(tmp_path, document)
    assert main(["validate", "--quiet", "--money-facts", str(path)]) == 1
    assert message in capsys.readouterr().err


def test_cli_validate_fails_when_a_fact_the_money_help_reads_is_gone(
    tmp_path: Path, document: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    document["facts"] = [f for f in document["facts"] if f["id"] != "HK-MECAB-LIMIT"]
    path = _write(tmp_path, document)
    assert main(["validate", "--quiet", "--money-facts", str(path)]) == 1
    assert "HK-MECAB-LIMIT: the money help reads this fact" in capsys.readouterr().err


def test_cli_validate_fails_on_an_unreadable_money_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--quiet", "--money-facts", str(tmp_path / "none.yml")]) == 1
    assert "cannot read the money facts" in capsys.readouterr().err
