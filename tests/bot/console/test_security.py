"""Headers on every response, Fetch-Metadata, the body cap, no inline script or style."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from bot.console.security import CSP, cookie_name, tokens_match


def assert_security_headers(response) -> None:
    headers = response.headers
    assert headers["content-security-policy"] == CSP
    assert "default-src 'self'" in CSP and "frame-ancestors 'none'" in CSP
    assert "base-uri 'none'" in CSP and "form-action 'self'" in CSP
    assert headers["cache-control"] == "no-store"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_every_kind_of_response_carries_the_headers(world, browser) -> None:
    case = world.open_case()
    anonymous, caseworker = browser(None), browser(world.caseworker)
    responses = [
        anonymous.get("/login"),
        anonymous.get("/health"),
        anonymous.get("/cases"),  # 303
        anonymous.post("/cases/x/claim", {}),  # 401
        anonymous.get("/static/vendor/htmx.min.js"),
        anonymous.get("/static/missing.js"),  # 404
        caseworker.get("/cases"),
        caseworker.get(f"/cases/{case.ref}"),
        caseworker.get(f"/cases/{case.ref}/live"),
        caseworker.get("/cases/nope"),
        caseworker.get("/dashboard"),  # 403
        browser(world.supervisor).get("/dashboard/chart.svg?kind=week"),
    ]
    for response in responses:
        assert_security_headers(response)


@pytest.mark.parametrize("site", ["cross-site", "Cross-Site"])
def test_cross_site_unsafe_requests_are_refused_before_anything(world, browser, site) -> None:
    case = world.open_case()
    client = browser(world.caseworker)
    response = client.post(f"/cases/{case.ref}/claim", {}, headers={"Sec-Fetch-Site": site})
    assert response.status_code == 403
    assert_security_headers(response)
    assert world.cases.get(case.ref, world.org.id).status == "waiting"  # type: ignore[union-attr]
    login = browser(None).post("/login", {"email": "x"}, headers={"Sec-Fetch-Site": site})
    assert login.status_code == 403


def test_same_origin_and_direct_requests_pass_the_fetch_metadata_check(world, browser) -> None:
    case = world.open_case()
    client = browser(world.caseworker)
    for site in ("same-origin", "none"):
        response = client.post(f"/cases/{case.ref}/claim", {}, headers={"Sec-Fetch-Site": site})
        assert response.status_code == 303
    # A cross-site GET (a link from elsewhere) is fine: GETs change nothing.
    assert client.get("/cases", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200


def test_oversized_bodies_are_413(world, browser) -> None:
    case = world.open_case()
    client = browser(world.caseworker)
    response = client.post(f"/cases/{case.ref}/notes", {"text": "x" * 70_000})
    assert response.status_code == 413
    assert world.cases.notes(case.id) == []


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "style":
            self.problems.append("<style>")
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in ("src", "href", "action", "formaction", "sse-connect", "hx-get", "hx-post"):
                self.urls.append(value or "")


def test_no_page_has_inline_script_style_or_another_host(world, browser) -> None:
    case = world.open_case()
    world.staff.add_canned(world.org.id, "id", "Salam", "Halo")
    pages = [
        browser(None).get("/login"),
        browser(world.caseworker).get("/cases"),
        browser(world.caseworker).get(f"/cases/{case.ref}"),
        browser(world.caseworker).get(f"/cases/{case.ref}/live"),
        browser(world.supervisor).get("/dashboard"),
        browser(world.admin).get("/admin/staff"),
        browser(world.admin).get("/admin/canned"),
        browser(world.caseworker).get("/dashboard"),  # the 403 page
    ]
    for page in pages:
        parser = _Tags()
        parser.feed(page.text)
        assert parser.problems == [], parser.problems
        external = [u for u in parser.urls if re.match(r"^(https?:)?//", u)]
        assert external == []


def test_htmx_is_configured_not_to_inject_styles_or_eval(world, browser) -> None:
    page = browser(world.caseworker).get("/cases").text
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', page)
    assert config
    import json

    values = json.loads(config.group(1))
    assert values["includeIndicatorStyles"] is False and values["allowEval"] is False
    assert values["historyCacheSize"] == 0


def test_cookie_names_follow_the_transport() -> None:
    assert cookie_name("lentera_session", secure=True) == "__Host-lentera_session"
    assert cookie_name("lentera_session", secure=False) == "lentera_session"


def test_tokens_match_only_equal_non_empty_tokens() -> None:
    assert tokens_match("abc", "abc")
    assert (
        not tokens_match("abc", "abd") and not tokens_match("", "") and not tokens_match(None, "a")
    )
