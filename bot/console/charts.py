"""Dashboard figures: counts by problem, country and week, median time to first reply.

Pure functions over the organisation's cases, and matplotlib SVGs served as images
(``<img src="/dashboard/chart.svg?kind=...">``): an SVG pasted into the page would need
inline styles, which the CSP forbids (``../shared/reference/console_anchors.md``, section 4).
Every count under :data:`SUPPRESS_BELOW` is shown as ``<5`` and drawn as no bar, so small
groups of people cannot be singled out; a median over fewer than five replies is withheld.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.cases import Case

SUPPRESS_BELOW = 5
KINDS = ("problem", "country", "week", "first_reply")
TITLES = {
    "problem": "Cases by problem",
    "country": "Cases by country",
    "week": "Cases by week (opened)",
    "first_reply": "Median minutes to the first human reply, by week",
}


@dataclass(frozen=True)
class Row:
    """One line of a dashboard table.

    Attributes:
        label: What is counted (a problem, a country, a week).
        value: The number, or None when suppressed.
        shown: What the table shows (``<5`` when suppressed).
    """

    label: str
    value: float | None
    shown: str


def week_of(timestamp: float) -> str:
    """ISO week of a Unix time, e.g. ``2026-W49``."""
    year, week, _ = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isocalendar()
    return f"{year}-W{week:02d}"


def _counted(counter: Counter[str], *, order: Iterable[str] | None = None) -> list[Row]:
    labels = list(order) if order is not None else [k for k, _ in counter.most_common()]
    rows = []
    for label in labels:
        n = counter[label]
        if n < SUPPRESS_BELOW:
            rows.append(Row(label, None, f"<{SUPPRESS_BELOW}"))
        else:
            rows.append(Row(label, float(n), str(n)))
    return rows


def table(kind: str, cases: Sequence[Case]) -> list[Row]:
    """The rows of one figure.

    Raises:
        ValueError: If ``kind`` is not one of :data:`KINDS`.
    """
    if kind == "problem":
        return _counted(Counter(c.problem or "not stated" for c in cases))
    if kind == "country":
        return _counted(Counter(c.country or "not stated" for c in cases))
    if kind == "week":
        weeks = Counter(week_of(c.created_at) for c in cases)
        return _counted(weeks, order=sorted(weeks))
    if kind == "first_reply":
        waits: dict[str, list[float]] = {}
        for c in cases:
            if c.first_reply_at is not None:
                waits.setdefault(week_of(c.created_at), []).append(
                    (c.first_reply_at - c.created_at) / 60
                )
        rows = []
        for week in sorted(waits):
            if len(waits[week]) < SUPPRESS_BELOW:
                rows.append(Row(week, None, f"<{SUPPRESS_BELOW} replies"))
            else:
                median = statistics.median(waits[week])
                rows.append(Row(week, round(median, 1), f"{median:.0f} min"))
        return rows
    raise ValueError(f"kind must be one of {KINDS}")


def overall_median_minutes(cases: Sequence[Case]) -> str:
    """Median minutes to the first human reply over all cases (``<5 replies`` if too few)."""
    waits = [(c.first_reply_at - c.created_at) / 60 for c in cases if c.first_reply_at is not None]
    if len(waits) < SUPPRESS_BELOW:
        return f"<{SUPPRESS_BELOW} replies"
    return f"{statistics.median(waits):.0f} min"


def svg(kind: str, rows: Sequence[Row]) -> bytes:
    """A horizontal bar chart of ``rows`` as SVG (deterministic: no date, fixed ids)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    matplotlib.rcParams["svg.hashsalt"] = "lentera"
    matplotlib.rcParams["svg.fonttype"] = "none"
    labels = [row.label for row in rows] or ["no cases yet"]
    values = [row.value or 0.0 for row in rows] or [0.0]
    height = 1.2 + 0.35 * len(labels)
    figure = Figure(figsize=(7, height))
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    axes.barh(positions, values, color="#2f6f8f")
    axes.set_yticks(positions)
    axes.set_yticklabels(labels)
    axes.invert_yaxis()
    # Never below zero, room for the labels, and whole numbers on the axis.
    axes.set_xlim(0, max([*values, float(SUPPRESS_BELOW)]) * 1.2)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(TITLES[kind])
    for position, row in zip(positions, rows, strict=False):
        axes.annotate(
            row.shown,
            (row.value or 0.0, position),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
        )
    axes.spines["top"].set_visible(False)
    axes.spines["right"].set_visible(False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
