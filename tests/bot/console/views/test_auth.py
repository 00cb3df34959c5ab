"""Logging in and out through the web: cookies, lockout, rehash, expiry, revocation."""

from __future__ import annotations

import re

import sqlalchemy as sa
from argon2 import PasswordHasher
from starlette.testclient import TestClient

from bot.console.app import create_app
from bot.console.sessions import IDLE_SECONDS
from bot.console.staff import StaffStore
from bot.console.tables import staff as staff_table
from tests.bot.console.conftest import PASSWORD, make_console


def login_form(client: TestClient) -> str:
    page = client.get("/login")
    assert page.status_code == 200
    for name in ("email", "password", "csrf_token"):
        assert f'name="{name}"' in page.text
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


def log_in(client: TestClient, email: str, password: str = PASSWORD):
    token = login_form(client)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def set_cookie_headers(response) -> list[str]:
    return [v for k, v in response.headers.multi_items() if k.lower() == "set-cookie"]


def test_login_redirects_to_the_queue_with_a_strict_httponly_cookie(app, world) -> None:
    with TestClient(app, base_url="http://127.0.0.1") as client:
        response = log_in(client, "cw@lentera.test")
        assert response.status_code == 303 and response.headers["location"] == "/cases"
        session = [c for c in set_cookie_headers(response) if c.startswith("lentera_session=")]
        assert len(session) == 1
        attributes = session[0].lower()
        assert "httponly" in attributes and "samesite=strict" in attributes
        assert "path=/" in attributes and "domain" not in attributes
        assert "secure" not in attributes  # plain HTTP on 127.0.0.1
        assert client.get("/cases", follow_redirects=False).status_code == 200
    rows = world.cases.audit_rows(action="login")
    assert rows[-1].actor == f"staff:{world.caseworker.id}" and rows[-1].outcome == "ok"


def test_over_https_the_cookie_is_host_prefixed_and_secure(app) -> None:
    with TestClient(app, base_url="https://console.example") as client:
        response = log_in(client, "cw@lentera.test")
        assert response.status_code == 303
        cookies = set_cookie_headers(response)
        session = [c for c in cookies if c.startswith("__Host-lentera_session=")]
        assert len(session) == 1
        attributes = session[0].lower()
        assert "secure" in attributes and "path=/" in attributes and "domain" not in attributes
        assert not any(c.startswith("lentera_session=") for c in cookies)
        assert client.get("/cases", follow_redirects=False).status_code == 200


def test_https_setting_forces_the_secure_cookie_behind_a_proxy(world) -> None:
    from bot.settings import ConsoleSettings

    settings = ConsoleSettings(database_url="x", encryption_keys=("x",), https=True)
    app = create_app(make_console(world, settings=settings))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        # The TLS proxy speaks plain HTTP to uvicorn; the browser sees HTTPS.
        cookies = set_cookie_headers(client.get("/login"))
        assert len(cookies) == 1 and cookies[0].startswith("__Host-lentera_login=")
        assert "secure" in cookies[0].lower()


def test_wrong_password_shows_one_clear_message_and_is_audited(app, world) -> None:
    with TestClient(app, base_url="http://127.0.0.1") as client:
        response = log_in(client, "cw@lentera.test", "not the password")
        assert response.status_code == 401 and "e-mail or the password is wrong" in response.text
        unknown = log_in(client, "ghost@lentera.test", "not the password")
        assert unknown.status_code == 401 and "e-mail or the password is wrong" in unknown.text
        assert "not the password" not in response.text
    denied = [r for r in world.cases.audit_rows(action="login") if r.outcome == "denied"]
    assert [r.actor for r in denied] == [f"staff:{world.caseworker.id}", "anonymous"]


def test_five_failures_lock_the_account_with_a_clear_message(app, world) -> None:
    with TestClient(app, base_url="http://127.0.0.1") as client:
        for _ in range(4):
            assert log_in(client, "cw@lentera.test", "wrong wrong wrong").status_code == 401
        fifth = log_in(client, "cw@lentera.test", "wrong wrong wrong")
        assert fifth.status_code == 429 and "locked for 15 minutes" in fifth.text
        right = log_in(client, "cw@lentera.test")
        assert right.status_code == 429 and "locked" in right.text
        locked = world.cases.audit_rows(action="login_locked")
        assert len(locked) == 1 and locked[0].actor == f"staff:{world.caseworker.id}"
        world.clock.advance(15 * 60 + 1)
        assert log_in(client, "cw@lentera.test").status_code == 303


def test_login_rehashes_an_old_hash(world) -> None:
    def stored() -> str:
        with world.engine.connect() as conn:
            return conn.execute(
                sa.select(staff_table.c.password_hash).where(
                    staff_table.c.id == world.caseworker.id
                )
            ).scalar_one()

    before = stored()
    console = make_console(
        world, staff=StaffStore(world.engine, clock=world.clock, hasher=PasswordHasher())
    )
    with TestClient(create_app(console), base_url="http://127.0.0.1") as client:
        assert log_in(client, "cw@lentera.test").status_code == 303
    assert stored() != before and "m=65536" in stored()


def test_login_without_its_form_token_is_403(app, world) -> None:
    with TestClient(app, base_url="http://127.0.0.1") as client:
        login_form(client)
        response = client.post(
            "/login",
            data={"email": "cw@lentera.test", "password": PASSWORD, "csrf_token": "forged"},
            follow_redirects=False,
        )
        assert response.status_code == 403
        assert not any("lentera_session=" in c for c in set_cookie_headers(response))


def test_idle_session_expires_and_pages_redirect_to_login(app, world) -> None:
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert log_in(client, "cw@lentera.test").status_code == 303
        world.clock.advance(IDLE_SECONDS + 1)
        page = client.get("/cases", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login"
        assert client.get("/cases/anything/live").status_code == 401


def test_absolute_expiry_after_twelve_hours(app, world) -> None:
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert log_in(client, "cw@lentera.test").status_code == 303
        for _ in range(12 * 3):
            world.clock.advance(20 * 60)
            client.get("/cases", follow_redirects=False)
        world.clock.advance(20 * 60)
        assert client.get("/cases", follow_redirects=False).status_code == 303


def test_logout_revokes_the_session_server_side(app, world) -> None:
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert log_in(client, "cw@lentera.test").status_code == 303
        cookie = client.cookies.get("lentera_session")
        page = client.get("/cases")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/login"
    with TestClient(app, base_url="http://127.0.0.1") as replay:
        replay.cookies.set("lentera_session", cookie)
        assert replay.get("/cases", follow_redirects=False).status_code == 303
    assert world.cases.audit_rows(action="logout")[-1].actor == f"staff:{world.caseworker.id}"


def test_disabling_an_account_ends_its_open_sessions(browser, world) -> None:
    client = browser(world.caseworker)
    assert client.get("/cases").status_code == 200
    admin = browser(world.admin)
    assert (
        admin.post(f"/admin/staff/{world.caseworker.id}", {"change": "disable"}).status_code == 303
    )
    assert client.get("/cases").status_code == 303


def test_logged_in_visit_to_login_goes_to_the_queue(browser, world) -> None:
    response = browser(world.caseworker).get("/login")
    assert response.status_code == 303 and response.headers["location"] == "/cases"
