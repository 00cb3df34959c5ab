"""The supervisor's dashboard: small counts suppressed, charts as images, exports audited."""

from __future__ import annotations

import csv
import io
import re

from bot.console import charts


def open_cases(world, n: int, **values) -> list:
    out = []
    for i in range(n):
        out.append(
            world.open_case(
                conversation_id=f"{values.get('problem', 'p')}-{i}-{world.clock.now}", **values
            )
        )
        world.clock.advance(1)
    return out


def test_counts_under_five_are_shown_as_less_than_five(world, browser) -> None:
    open_cases(world, 6, problem="unpaid_wages", country="HK")
    open_cases(world, 2, problem="passport_held", country="TW")
    page = browser(world.supervisor).get("/dashboard").text
    assert re.search(r"<th scope=\"row\">unpaid_wages</th><td>6</td>", page)
    assert re.search(r"<th scope=\"row\">passport_held</th><td>&lt;5</td>", page)
    assert re.search(r"<th scope=\"row\">TW</th><td>&lt;5</td>", page)
    assert '<img src="/dashboard/chart.svg?kind=problem"' in page


def test_median_time_to_first_reply_is_withheld_under_five_replies(world) -> None:
    cases = open_cases(world, 6)
    for i, case in enumerate(cases):
        world.cases.claim(case.id, world.caseworker.id)
        world.clock.advance(60 * (i + 1))
        world.cases.send_reply(case.id, world.caseworker.id, "halo", client_token=f"t{i}")
    everything = world.cases.cases_of(world.org.id)
    assert charts.overall_median_minutes(everything[:4]) == "<5 replies"
    assert charts.overall_median_minutes(everything).endswith(" min")
    rows = charts.table("first_reply", everything)
    assert rows and rows[0].value is not None


def test_chart_is_an_svg_without_script_or_small_numbers(world, browser) -> None:
    open_cases(world, 7, problem="unpaid_wages")
    open_cases(world, 3, problem="abuse")
    response = browser(world.supervisor).get("/dashboard/chart.svg?kind=problem")
    assert response.status_code == 200 and response.headers["content-type"] == "image/svg+xml"
    body = response.text
    assert body.lstrip().startswith("<?xml") and "<svg" in body
    assert "<script" not in body and "http://www.w3.org" in body
    assert ">7<" in body or "7</text>" in body
    labels = re.findall(r"text-anchor: start[^>]*>([^<]*)</text>", body)  # the bar labels
    assert sorted(labels) == ["&lt;5", "7"]


def test_chart_is_deterministic(world, browser) -> None:
    open_cases(world, 5)
    client = browser(world.supervisor)
    first = client.get("/dashboard/chart.svg?kind=week").content
    assert client.get("/dashboard/chart.svg?kind=week").content == first


def test_unknown_chart_is_404(world, browser) -> None:
    assert browser(world.supervisor).get("/dashboard/chart.svg?kind=names").status_code == 404


def test_export_is_csv_with_suppression_and_an_audit_row(world, browser) -> None:
    open_cases(world, 5, problem="unpaid_wages")
    open_cases(world, 1, problem="=cmd|' /C calc'!A0")
    response = browser(world.supervisor).get("/dashboard/export.csv?kind=problem")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["problem", "value"] and ["unpaid_wages", "5"] in rows
    assert all(not row[0].startswith("=") for row in rows[1:])
    assert world.cases.audit_rows(action="export")[-1].actor == f"staff:{world.supervisor.id}"


def test_dashboard_lists_all_cases_and_reassigns(world, browser) -> None:
    case = world.open_case()
    world.cases.claim(case.id, world.caseworker.id)
    closed = world.open_case(conversation_id="closed-one")
    world.cases.claim(closed.id, world.caseworker.id)
    world.cases.close(closed.id, world.caseworker.id)
    supervisor = browser(world.supervisor)
    page = supervisor.get("/dashboard").text
    assert case.ref in page and closed.ref in page
    moved = supervisor.post(f"/cases/{case.ref}/reassign", {"staff_id": str(world.caseworker2.id)})
    assert moved.status_code == 303
    assert world.cases.get(case.ref, world.org.id).assignee_id == world.caseworker2.id  # type: ignore[union-attr]
    outsider = supervisor.post(f"/cases/{case.ref}/reassign", {"staff_id": str(world.outsider.id)})
    assert outsider.status_code == 422
    assert (
        supervisor.post(
            f"/cases/{closed.ref}/reassign", {"staff_id": str(world.caseworker2.id)}
        ).status_code
        == 409
    )
