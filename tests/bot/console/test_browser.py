"""The console in real Chromium (Debian's, through Playwright; no browser download).

A uvicorn server on a free port serves the console over the test database. The test logs in,
watches a case opened with ``CaseStore.open_case`` arrive in the queue without a reload,
claims it, replies, sees the person's next message arrive live, writes a note and closes it.
It fails on any CSP violation, page error or console error, and on any request to a host
other than 127.0.0.1. Screenshots go to ``var/test-artifacts/console/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
import uvicorn

from bot.cases import CaseStore
from bot.console import events
from bot.console.app import create_app
from bot.console.sessions import SessionStore
from bot.console.staff import StaffStore
from tests.bot.console.conftest import FAST_HASHER, PASSWORD, make_console

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[3] / "var" / "test-artifacts" / "console"
pytestmark = pytest.mark.browser

# Logged by Chromium for reasons that are not the console's: an EventSource closed by the
# server when a page navigates away ("error: Event" / net::ERR_ABORTED on /events).
HARMLESS = ("net::ERR_ABORTED", "/events")

CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI);
});
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(world) -> Iterator[tuple[str, CaseStore]]:
    """A real console server over the world's database, with the real clock."""
    cases = CaseStore(world.engine, world.cipher)
    console = make_console(
        world,
        cases=cases,
        staff=StaffStore(world.engine, hasher=FAST_HASHER),
        sessions=SessionStore(world.engine),
        clock=time.time,
        poll_seconds=0.25,
        stream_seconds=30.0,
    )
    port = free_port()
    config = uvicorn.Config(
        create_app(console),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="none",
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not instance.started:
        assert time.monotonic() < deadline, "console server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", cases
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def chromium():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("LENTERA_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{CHROMIUM} is missing: make browser")
        pytest.skip(f"{CHROMIUM} is missing (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def test_caseworker_sees_a_case_arrive_live_claims_replies_notes_and_closes(
    world, server, chromium, database
) -> None:
    base, cases = server
    shots = ARTIFACTS / database.kind
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    problems: list[str] = []
    hosts: set[str] = set()

    context = chromium.new_context()
    page = context.new_page()
    page.add_init_script(CSP_LISTENER)

    def on_console(message) -> None:
        if message.type in ("error", "warning") and not any(h in message.text for h in HARMLESS):
            problems.append(f"console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname or ""))

    # Log in.
    page.goto(f"{base}/login")
    page.fill('input[name="email"]', "cw@lentera.test")
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(f"{base}/cases")
    assert page.title() == "Lentera console"
    page.screenshot(path=str(shots / "1-queue-empty.png"), full_page=True)

    # A person asks for a human: the case appears in the open queue, no reload.
    time.sleep(0.5)  # let the event stream connect
    opened_at = time.monotonic()
    case = cases.open_case(
        conversation_id="browser-person",
        channel="telegram",
        language="id",
        country="HK",
        city="Kowloon",
        problem="unpaid_wages",
        risk="urgent",
        consent_version="v1",
        consent_at=time.time(),
        summary="Gaji belum dibayar empat bulan",
        transcript=(
            ("person", "gaji saya belum dibayar", time.time()),
            ("assistant", "Mau saya hubungkan dengan pekerja sosial?", time.time()),
            ("person", "ya", time.time()),
        ),
    )
    page.wait_for_selector(f'a[href="/cases/{case.ref}"]', timeout=3000)
    arrived = time.monotonic() - opened_at
    assert arrived <= 2.0, f"the case took {arrived:.2f} s to appear"
    page.wait_for_function("document.title === '(1) Lentera console'", timeout=2000)
    page.screenshot(path=str(shots / "2-case-arrived.png"), full_page=True)

    # Open it and claim it.
    page.click(f'a[href="/cases/{case.ref}"]')
    page.wait_for_url(f"{base}/cases/{case.ref}")
    assert page.is_visible("text=Mau saya hubungkan dengan pekerja sosial?")
    page.click('button:has-text("Claim")')
    page.wait_for_selector("text=You hold this case now")
    page.screenshot(path=str(shots / "3-claimed.png"), full_page=True)

    # Reply.
    page.fill("#reply-text", "Halo, saya Sari dari Lentera. Kami bantu soal gaji Anda.")
    page.click('button:has-text("Send reply")')
    page.wait_for_selector("text=Reply queued for delivery")
    assert page.is_visible(".msg.caseworker .delivery.queued")
    page.screenshot(path=str(shots / "4-replied.png"), full_page=True)

    # The person writes again: it shows up on the open case page within a second.
    time.sleep(0.5)
    written_at = time.monotonic()
    cases.add_message(case.id, "person", "terima kasih, kapan bisa ditelpon?")
    page.wait_for_selector("text=terima kasih, kapan bisa ditelpon?", timeout=2000)
    shown = time.monotonic() - written_at
    assert shown <= 1.0, f"the person's message took {shown:.2f} s to appear"

    # A note, then close.
    page.fill("#note-text", "Majikan menahan gaji sejak Agustus.")
    page.click('button:has-text("Save note")')
    page.wait_for_selector("text=Majikan menahan gaji sejak Agustus.")
    page.screenshot(path=str(shots / "5-note.png"), full_page=True)
    page.click('button:has-text("Close")')
    page.wait_for_selector("text=Case closed.")
    page.screenshot(path=str(shots / "6-closed.png"), full_page=True)
    assert cases.get(case.ref, world.org.id).status == "closed"  # type: ignore[union-attr]

    # Back in the queue, nothing waits any more. The session is revoked (an admin disabled the
    # account, say): the open page says so within seconds and keeps what it shows.
    page.goto(f"{base}/cases")
    assert page.title() == "Lentera console"
    time.sleep(0.5)
    world.sessions.revoke_all(world.caseworker.id)
    page.wait_for_selector("#session-ended", timeout=events.SESSION_CHECK_SECONDS * 1000 + 3000)
    page.screenshot(path=str(shots / "7-session-ended.png"), full_page=True)
    page.goto(f"{base}/cases")
    page.wait_for_url(f"{base}/login")

    # The supervisor's dashboard: the charts are images and render under the CSP.
    page.fill('input[name="email"]', "sup@lentera.test")
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(f"{base}/cases")
    page.goto(f"{base}/dashboard")
    page.wait_for_function(
        "[...document.images].length === 4"
        " && [...document.images].every(i => i.complete && i.naturalWidth > 0)",
        timeout=10000,
    )
    page.screenshot(path=str(shots / "8-dashboard.png"), full_page=True)

    # Logging out ends the session.
    page.click('button:has-text("Log out")')
    page.wait_for_url(f"{base}/login")
    page.goto(f"{base}/dashboard")
    page.wait_for_url(f"{base}/login")
    context.close()

    assert problems == []
    assert hosts == {"127.0.0.1"}
