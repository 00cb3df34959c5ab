"""The route guard: no session (303 or 401), too low a role (403), CSRF (403), audit rows."""

from __future__ import annotations

import pytest

from bot.console.routing import ROLE_RANK, RouteSpec, guarded

CASE_POSTS = ("claim", "release", "reply", "notes", "referral", "canned", "close", "return")


@pytest.mark.parametrize("action", CASE_POSTS)
@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_case_posts_without_the_right_csrf_token_are_403(world, browser, action, token) -> None:
    case = world.open_case()
    world.cases.claim(case.id, world.caseworker.id)
    client = browser(world.caseworker)
    data = {"text": "Halo", "client_token": "t"}
    if token is not None:
        data["csrf_token"] = token
    response = client.post(f"/cases/{case.ref}/{action}", data, csrf=False)
    assert response.status_code == 403
    assert world.cases.transcript(case.id)[-1].author == "person"  # nothing happened
    assert world.cases.get(case.ref, world.org.id).status == "claimed"  # type: ignore[union-attr]
    denied = [r for r in world.cases.audit_rows(limit=10000) if r.outcome == "denied"]
    assert denied[-1].actor == f"staff:{world.caseworker.id}"


def test_another_sessions_token_is_refused(world, browser) -> None:
    case = world.open_case()
    mine, theirs = browser(world.caseworker), browser(world.caseworker2)
    response = mine.post(f"/cases/{case.ref}/claim", {"csrf_token": theirs.csrf}, csrf=False)
    assert response.status_code == 403


def test_csrf_token_in_the_htmx_header_is_accepted(world, browser) -> None:
    case = world.open_case()
    client = browser(world.caseworker)
    response = client.post(
        f"/cases/{case.ref}/claim", {}, csrf=False, headers={"X-CSRF-Token": client.csrf}
    )
    assert response.status_code == 303


def test_admin_and_logout_posts_need_the_token_too(world, browser) -> None:
    admin = browser(world.admin)
    for url, data in (
        ("/admin/staff", {"email": "a@b.test", "role": "caseworker", "password": "x" * 14}),
        ("/admin/canned", {"language": "id", "title": "t", "body": "b"}),
        (f"/admin/staff/{world.caseworker.id}", {"change": "disable"}),
        ("/logout", {}),
    ):
        assert admin.post(url, data, csrf=False).status_code == 403, url
    assert world.staff.get(world.caseworker.id).disabled is False  # type: ignore[union-attr]


def test_pages_redirect_and_everything_else_answers_401_without_a_session(world, browser) -> None:
    case = world.open_case()
    anonymous = browser(None)
    page = anonymous.get(f"/cases/{case.ref}")
    assert page.status_code == 303 and page.headers["location"] == "/login"
    for url in (f"/cases/{case.ref}/live", "/events", "/dashboard/chart.svg?kind=week"):
        assert anonymous.get(url).status_code == 401, url
    posted = anonymous.post(f"/cases/{case.ref}/claim", {})
    assert posted.status_code == 401 and "log in again" in posted.text


def test_a_forged_or_foreign_cookie_is_no_session(world, browser) -> None:
    client = browser(None)
    client.client.cookies.set("lentera_session", "x" * 43)
    assert client.get("/cases").status_code == 303
    client.client.cookies.set("lentera_session", "y" * 5000)
    assert client.get("/cases").status_code == 303


def test_too_low_a_role_is_403_with_a_denied_audit_row(world, browser) -> None:
    response = browser(world.caseworker).get("/dashboard")
    assert response.status_code == 403 and "supervisor role" in response.text
    row = world.cases.audit_rows(action="view_dashboard")[-1]
    assert (row.actor, row.outcome, row.organisation_id) == (
        f"staff:{world.caseworker.id}",
        "denied",
        world.org.id,
    )


def test_htmx_requests_get_a_fragment_for_errors(world, browser) -> None:
    response = browser(world.caseworker).get("/cases/nope/live", headers={"HX-Request": "true"})
    assert response.status_code == 404 and "<html" not in response.text


def test_passive_requests_do_not_keep_the_session_alive(world, browser) -> None:
    client = browser(world.caseworker)
    token = client.client.cookies.get("lentera_session")
    world.clock.advance(20 * 60)
    assert client.get("/cases", headers={"X-Lentera-Passive": "1"}).status_code == 200
    world.clock.advance(11 * 60)  # 31 minutes since the last real request
    assert world.sessions.lookup(token, touch=False) is None


def test_roles_are_ordered() -> None:
    assert ROLE_RANK["caseworker"] < ROLE_RANK["supervisor"] < ROLE_RANK["admin"]


def test_guarded_needs_exactly_one_view() -> None:
    with pytest.raises(ValueError):
        guarded(RouteSpec("x"))
