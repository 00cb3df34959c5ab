"""The supervisor's pages: every case of the organisation, reassigning, the dashboard."""

from __future__ import annotations

import csv
import io

from starlette.responses import Response

from bot.cases import CaseClosed
from bot.console import charts
from bot.console.routing import Ctx, Refusal
from bot.console.views.cases import back_to, case_or_404, render, render_case

ALL_CASES_LIMIT = 5000


def dashboard(ctx: Ctx) -> Response:
    """``GET /dashboard``: all cases, reassigning, and the figures beside their tables."""
    org = ctx.principal.organisation_id
    cases = ctx.console.cases.cases_of(org, limit=ALL_CASES_LIMIT)
    ctx.audit()
    members = ctx.console.staff.of_organisation(org)
    return render(
        ctx,
        "dashboard.html",
        cases=cases,
        names={m.id: m.email for m in members},
        colleagues=[m for m in members if not m.disabled],
        tables={kind: charts.table(kind, cases) for kind in charts.KINDS},
        titles=charts.TITLES,
        median=charts.overall_median_minutes(cases),
        now=ctx.console.clock(),
    )


def _kind(ctx: Ctx) -> str:
    kind = ctx.query("kind")
    if kind not in charts.KINDS:
        raise Refusal(404, "There is no such chart.")
    return kind


def chart(ctx: Ctx) -> Response:
    """``GET /dashboard/chart.svg?kind=problem|country|week|first_reply``: one figure."""
    kind = _kind(ctx)
    cases = ctx.console.cases.cases_of(ctx.principal.organisation_id, limit=ALL_CASES_LIMIT)
    body = charts.svg(kind, charts.table(kind, cases))
    return Response(body, media_type="image/svg+xml")


def export(ctx: Ctx) -> Response:
    """``GET /dashboard/export.csv?kind=...``: one table as CSV (suppressed cells stay <5)."""
    kind = _kind(ctx)
    cases = ctx.console.cases.cases_of(ctx.principal.organisation_id, limit=ALL_CASES_LIMIT)
    ctx.audit()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([kind, "value"])
    for row in charts.table(kind, cases):
        # A leading = + - @ would make a spreadsheet run the cell as a formula.
        label = "'" + row.label if row.label[:1] in "=+-@" else row.label
        writer.writerow([label, row.shown])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="lentera-{kind}.csv"'},
    )


def reassign(ctx: Ctx) -> Response:
    """``POST /cases/<ref>/reassign`` (``staff_id``): hand the case to a colleague."""
    case = case_or_404(ctx)
    wanted = ctx.field("staff_id")
    colleagues = {
        m.id: m
        for m in ctx.console.staff.of_organisation(ctx.principal.organisation_id)
        if not m.disabled
    }
    target = colleagues.get(int(wanted)) if wanted.isdigit() else None
    if target is None:
        return render_case(ctx, case, status=422, error="Pick a colleague of your organisation.")
    try:
        ctx.console.cases.reassign(case.id, ctx.principal.staff_id, target.id)
    except CaseClosed:
        return render_case(ctx, case, status=409, error="This case is closed.")
    return back_to(case, "reassign")
