"""Every route x {logged out, other organisation's caseworker, caseworker, supervisor, admin}.

Deny by default: the matrix must name every route of the application, and every refusal
writes a ``denied`` audit row.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from starlette.routing import Mount, Route

from bot.console.app import routes
from tests.bot.console.conftest import World

WHO = ("anonymous", "outsider", "caseworker", "supervisor", "admin")
PUBLIC = {
    ("GET", "/"),
    ("GET", "/health"),
    ("GET", "/ready"),
    ("GET", "/login"),
    ("POST", "/login"),
}


@dataclass(frozen=True)
class Cell:
    method: str
    template: str  # the route path
    expect: dict[str, int]
    setup: str = ""  # what the case needs first: "claimed" by the actor


def ok_for(role_min: str, ok: int, *, page: bool, case: bool) -> dict[str, int]:
    rank = {"caseworker": 1, "supervisor": 2, "admin": 3}
    expect = {"anonymous": 303 if page else 401}
    for who, r in (("caseworker", 1), ("supervisor", 2), ("admin", 3)):
        expect[who] = ok if r >= rank[role_min] else 403
    # The other organisation's caseworker: too low a role -> 403, else its case is 404.
    expect["outsider"] = 403 if rank[role_min] > 1 else (404 if case else ok)
    return expect


MATRIX = [
    Cell("GET", "/cases", ok_for("caseworker", 200, page=True, case=False)),
    Cell("GET", "/cases/{ref}", ok_for("caseworker", 200, page=True, case=True)),
    Cell("GET", "/cases/{ref}/live", ok_for("caseworker", 200, page=False, case=True)),
    Cell("POST", "/cases/{ref}/claim", ok_for("caseworker", 303, page=False, case=True)),
    Cell(
        "POST", "/cases/{ref}/release", ok_for("caseworker", 303, page=False, case=True), "claimed"
    ),
    Cell("POST", "/cases/{ref}/reply", ok_for("caseworker", 303, page=False, case=True), "claimed"),
    Cell("POST", "/cases/{ref}/notes", ok_for("caseworker", 303, page=False, case=True)),
    Cell("POST", "/cases/{ref}/referral", ok_for("caseworker", 200, page=False, case=True)),
    Cell("POST", "/cases/{ref}/canned", ok_for("caseworker", 200, page=False, case=True)),
    Cell("POST", "/cases/{ref}/close", ok_for("caseworker", 303, page=False, case=True), "claimed"),
    Cell(
        "POST", "/cases/{ref}/return", ok_for("caseworker", 303, page=False, case=True), "claimed"
    ),
    Cell("POST", "/cases/{ref}/reassign", ok_for("supervisor", 303, page=False, case=True)),
    Cell("GET", "/events", ok_for("caseworker", 200, page=False, case=False)),
    Cell("GET", "/events?case={ref}", ok_for("caseworker", 200, page=False, case=True)),
    Cell("GET", "/dashboard", ok_for("supervisor", 200, page=True, case=False)),
    Cell("GET", "/dashboard/chart.svg", ok_for("supervisor", 200, page=False, case=False)),
    Cell("GET", "/dashboard/export.csv", ok_for("supervisor", 200, page=False, case=False)),
    Cell("GET", "/admin/staff", ok_for("admin", 200, page=True, case=False)),
    Cell("POST", "/admin/staff", ok_for("admin", 303, page=False, case=False)),
    Cell("POST", "/admin/staff/{staff_id:int}", ok_for("admin", 303, page=False, case=False)),
    Cell("GET", "/admin/canned", ok_for("admin", 200, page=True, case=False)),
    Cell("POST", "/admin/canned", ok_for("admin", 303, page=False, case=False)),
    Cell(
        "POST", "/admin/canned/{canned_id:int}/delete", ok_for("admin", 303, page=False, case=False)
    ),
    Cell("POST", "/logout", ok_for("caseworker", 303, page=False, case=False)),
]


def route_key(template: str) -> str:
    return template.split("?")[0]


def test_the_matrix_names_every_route() -> None:
    declared = set()
    for route in routes():
        if isinstance(route, Mount):
            continue
        assert isinstance(route, Route)
        for method in route.methods or ():
            if method != "HEAD":
                declared.add((method, route.path))
    covered = {(c.method, route_key(c.template)) for c in MATRIX} | PUBLIC
    assert declared == covered


def test_every_guarded_route_goes_through_the_guard() -> None:
    for route in routes():
        if not isinstance(route, Route):
            continue
        methods = {m for m in route.methods or () if m != "HEAD"}
        if not {(m, route.path) for m in methods} <= PUBLIC:
            assert hasattr(route.endpoint, "spec"), route.path


def body_for(cell: Cell, world: World, counter: Callable[[], int]) -> dict[str, str]:
    n = counter()
    path = route_key(cell.template)
    if path.endswith("/reply"):
        return {"text": "Halo, kami bantu.", "client_token": f"tok-{n}"}
    if path.endswith("/notes"):
        return {"text": "Tanya soal kontrak."}
    if path.endswith("/referral"):
        return {"referral": "kjri-hong-kong", "text": ""}
    if path == "/cases/{ref}/canned":
        canned_id = world.staff.add_canned(world.org.id, "id", f"Salam {n}", "Halo!")
        return {"canned": str(canned_id)}
    if path.endswith("/reassign"):
        return {"staff_id": str(world.caseworker2.id)}
    if path == "/admin/staff":
        return {"email": f"new{n}@lentera.test", "role": "caseworker", "password": "x" * 14}
    if path.startswith("/admin/staff/"):
        return {"change": "disable"}
    if path == "/admin/canned":
        return {"language": "id", "title": f"T{n}", "body": "Halo"}
    return {}


def url_for(cell: Cell, world: World, ref: str) -> str:
    url = cell.template.replace("{ref}", ref)
    url = url.replace("{staff_id:int}", str(world.caseworker2.id))
    if "{canned_id:int}" in url:
        canned_id = world.staff.add_canned(world.org.id, "en", "Bye", "Bye")
        url = url.replace("{canned_id:int}", str(canned_id))
    if url.startswith("/dashboard/"):
        url += "?kind=problem"
    return url


@pytest.mark.parametrize(("cell", "who"), list(itertools.product(MATRIX, WHO)))
def test_route_by_principal(world: World, browser, console, cell: Cell, who: str) -> None:
    console.stream_seconds = 0.2
    members = {
        "anonymous": None,
        "outsider": world.outsider,
        "caseworker": world.caseworker,
        "supervisor": world.supervisor,
        "admin": world.admin,
    }
    member = members[who]
    client = browser(member)
    case = world.open_case(conversation_id=f"conv-{cell.template}-{who}")
    if cell.setup == "claimed" and member is not None and member.organisation_id == world.org.id:
        world.cases.claim(case.id, member.id)
    counter = iter(range(1000))
    url = url_for(cell, world, case.ref)
    denied_before = [r for r in world.cases.audit_rows(limit=100000) if r.outcome == "denied"]
    if cell.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, body_for(cell, world, lambda: next(counter)))
    expected = cell.expect[who]
    assert response.status_code == expected, (cell.method, url, who, response.text[:300])
    if expected == 303 and who == "anonymous":
        assert response.headers["location"] == "/login"
    denied_after = [r for r in world.cases.audit_rows(limit=100000) if r.outcome == "denied"]
    refused = expected in (401, 403, 404) or who == "anonymous"
    if refused:
        new = denied_after[len(denied_before) :]
        assert new, "a refused access writes a denied audit row"
        actor = "anonymous" if member is None else f"staff:{member.id}"
        assert any(r.actor == actor for r in new)
    else:
        assert len(denied_after) == len(denied_before)


def test_other_organisations_supervisor_gets_404_on_reassign(world: World, browser) -> None:
    other_sup = world.staff.create("sup@other.test", world.other_org.id, "supervisor", "x" * 14)
    case = world.open_case()
    response = browser(other_sup).post(f"/cases/{case.ref}/reassign", {"staff_id": "1"})
    assert response.status_code == 404


def test_admin_cannot_change_another_organisations_staff(world: World, browser) -> None:
    response = browser(world.admin).post(f"/admin/staff/{world.outsider.id}", {"change": "disable"})
    assert response.status_code == 404
    assert world.staff.get(world.outsider.id).disabled is False  # type: ignore[union-attr]


def test_unknown_and_tampered_case_refs_are_404(world: World, browser) -> None:
    client = browser(world.caseworker)
    for ref in ("nope", "x" * 40, "%3Cscript%3E", "1", "..%2F..%2Fadmin"):
        assert client.get(f"/cases/{ref}").status_code == 404, ref
    case = world.open_case()
    assert client.get(f"/cases/{case.id}").status_code == 404  # the row id is not a ref
