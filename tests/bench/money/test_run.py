"""The money benchmark's scoring (bench/money/run.py) on three hand-made items.

A fake extractor stands in for actions.amounts.extract: these tests check the counting, not
the extractor's accuracy.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from bench.money import run

SET = """
messages:
  - {id: a, lang: id, country: HK, text: "gaji 4500 HKD udh 3 bulan, kontrak oktober 2025",
     amounts: [{value: 4500, currency: HKD, role: wage}], months: 3,
     contract: {year: 2025, month: 10}}
  - {id: b, lang: id, country: MY, text: "potong RM300",
     amounts: [{value: 300, currency: MYR, role: deduction}]}
  - {id: c, lang: en, country: SA, text: "I work 24 hours a day", amounts: [], tags: [nofigure]}
"""


def amount(value, currency, role=None):
    return SimpleNamespace(value=Decimal(value), currency=currency, role=role)


OUTPUT = {
    # the wage without its currency, and a spurious "3" (the months read as money too)
    "a": SimpleNamespace(
        amounts=(amount("4500", None, "wage"), amount("3", "HKD")),
        months=3,
        contract_date=SimpleNamespace(year=2025, month=10),
        since=None,
        year_of_stay=None,
        wage=amount("4500", "HKD", "wage"),
    ),
    # value ("300.0" is 300) and currency right, but the deduction taken for the wage
    "b": SimpleNamespace(
        amounts=(amount("300.0", "MYR", "wage"),),
        months=None,
        contract_date=None,
        since=None,
        year_of_stay=None,
        wage=None,
    ),
    # a figure and months where there are none
    "c": SimpleNamespace(
        amounts=(amount("24", "SAR"),),
        months=2,
        contract_date=None,
        since=None,
        year_of_stay=None,
        wage=None,
    ),
}


@pytest.fixture
def result(tmp_path):
    path = tmp_path / "set.yml"
    path.write_text(SET, encoding="utf-8")
    items = run.load_items(path)
    by_text = {item["text"]: OUTPUT[item["id"]] for item in items}
    return run.evaluate(items, extract=lambda text, country: by_text[text])


def test_amounts_count_only_with_value_and_currency_exact(result):
    a = result["groups"]["all"]
    assert (a["tp"], a["fp"], a["fn"]) == (1, 3, 1)
    assert a["precision"] == pytest.approx(1 / 4) and a["recall"] == pytest.approx(1 / 2)
    # on the value alone, the wage that lost its currency counts
    assert (a["value_tp"], a["value_fp"], a["value_fn"]) == (2, 2, 0)


def test_false_figures_months_and_dates(result):
    a = result["groups"]["all"]
    assert (a["no_figure_messages"], a["false_figure_messages"], a["false_amounts"]) == (1, 1, 1)
    assert (a["false_figure_with_role"], a["false_wage"]) == (0, 0)
    assert a["months_accuracy"] == pytest.approx(2 / 3)
    assert (a["months_found"], a["months_given"], a["months_false"]) == (1, 1, 1)
    assert (a["contract_found"], a["contract_given"], a["contract_false"]) == (1, 1, 0)
    assert a["roles_misread"] == 1 and a["messages_all_right"] == 0


def test_per_language_and_kinds(result):
    assert result["groups"]["id"]["messages"] == 2 and result["groups"]["en"]["messages"] == 1
    assert result["groups"]["en"]["false_figure_rate"] == 1.0
    assert result["groups"]["id"]["false_figure_rate"] is None  # no figure-free message in id
    kinds = {r["item"]["id"]: r["score"]["kinds"] for r in result["rows"]}
    assert kinds == {
        "a": ["wrong_value", "wrong_currency"],
        "b": ["wrong_role"],
        "c": ["false_figure", "false_months"],
    }
    assert [m["kind"] for m in result["misses"]] == ["false_figure", "wrong_value", "wrong_role"]


def test_the_section_goes_first_and_replaces_that_dates_own(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nintro\n\n## 2026-11-01 — older\n\nold\n", encoding="utf-8")
    heading = "## 2026-12-02 — money"
    run.write_section(doc, heading + "\n\nfirst run\n", heading)
    run.write_section(doc, heading + "\n\nsecond run\n", heading)
    text = doc.read_text(encoding="utf-8")
    assert text.count(heading) == 1 and "first run" not in text
    assert text.index("second run") < text.index("## 2026-11-01") and "intro" in text


def test_a_set_tuned_on_says_so_and_each_set_has_its_own_section(tmp_path, result):
    tuned = tmp_path / "heldout.yml"
    tuned.write_text("tuned_on: fixed the misses of its first run\n" + SET, encoding="utf-8")
    fresh = tmp_path / "heldout_b.yml"
    fresh.write_text(SET, encoding="utf-8")
    text = run.section(result, "2026-12-03", tuned)
    assert "Tuned on this set" in text and "fixed the misses" in text
    assert "`heldout.yml`" in text.splitlines()[0]
    other = run.section(result, "2026-12-03", fresh)
    assert "Tuned on" not in other and other.splitlines()[0] != text.splitlines()[0]
    assert "money-heldout_b.json" in other
