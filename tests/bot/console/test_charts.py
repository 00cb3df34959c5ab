"""Dashboard figures as pure functions: suppression under five, weeks, medians, the SVG."""

from __future__ import annotations

import dataclasses

import pytest

from bot.cases import Case
from bot.console import charts

BASE = Case(
    id=1,
    ref="r",
    conversation_id="c",
    channel="telegram",
    language="id",
    country="HK",
    city=None,
    problem="unpaid_wages",
    risk="normal",
    status="waiting",
    assignee_id=None,
    organisation_id=1,
    consent_version="v1",
    consent_at=0.0,
    summary=None,
    created_at=1_800_000_000.0,
    updated_at=0.0,
    claimed_at=None,
    first_reply_at=None,
    last_reply_at=None,
    closed_at=None,
    closed_reason=None,
    version=0,
)


def cases(n: int, **values) -> list[Case]:
    return [dataclasses.replace(BASE, id=i, **values) for i in range(n)]


def test_counts_under_five_are_suppressed() -> None:
    rows = charts.table("problem", cases(5) + cases(4, problem="abuse"))
    assert [(r.label, r.value, r.shown) for r in rows] == [
        ("unpaid_wages", 5.0, "5"),
        ("abuse", None, "<5"),
    ]


def test_weeks_are_iso_weeks_in_order() -> None:
    later = BASE.created_at + 7 * 86400
    rows = charts.table("week", cases(6, created_at=later) + cases(5))
    assert [r.label for r in rows] == [charts.week_of(BASE.created_at), charts.week_of(later)]
    assert charts.week_of(1_800_000_000.0) == "2027-W02"  # 2027-01-15 08:00 UTC


def test_median_first_reply_per_week_needs_five_replies() -> None:
    replied = [
        dataclasses.replace(c, first_reply_at=c.created_at + 60 * (c.id + 1)) for c in cases(5)
    ]
    [row] = charts.table("first_reply", replied)
    assert row.value == 3.0 and row.shown == "3 min"
    [few] = charts.table("first_reply", replied[:4])
    assert few.value is None and few.shown == "<5 replies"
    assert charts.overall_median_minutes(replied) == "3 min"


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        charts.table("names", [])


def test_svg_is_deterministic_and_has_no_script() -> None:
    rows = charts.table("country", cases(7))
    first, second = charts.svg("country", rows), charts.svg("country", rows)
    assert first == second and b"<script" not in first and b"<svg" in first


def test_svg_of_nothing_still_renders() -> None:
    assert b"no cases yet" in charts.svg("problem", [])
