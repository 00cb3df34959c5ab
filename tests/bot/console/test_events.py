"""The event stream: changes reach open pages, only one's own organisation's, never content.

Starlette's TestClient hands over a streamed body only once the stream has ended, so these
tests check what is sent; how fast it arrives is measured against a real uvicorn server in
``test_browser.py``.
"""

from __future__ import annotations

import threading
import time

import pytest

from bot.console import events


def read_events(response, *, until: str, deadline: float = 5.0) -> list[str]:
    """The stream's lines until one containing ``until`` (or the stream ends)."""
    lines: list[str] = []
    stop = time.monotonic() + deadline
    for line in response.iter_lines():
        lines.append(line)
        if until in line or time.monotonic() > stop:
            break
    return lines


def later(seconds: float, action) -> threading.Timer:
    timer = threading.Timer(seconds, action)
    timer.start()
    return timer


def test_a_new_case_is_announced_on_the_queue_stream(world, browser, console) -> None:
    console.stream_seconds = 1.0
    client = browser(world.caseworker).client
    timer = later(0.3, lambda: world.open_case(conversation_id="new-one"))
    with client.stream("GET", "/events") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-store"
        lines = read_events(response, until="event: queue")
    timer.join()
    assert "event: queue" in lines
    case = world.cases.active_case("new-one")
    assert all(case.ref not in line and "new-one" not in line for line in lines)


def test_changes_in_another_organisation_are_not_announced(world, browser, console) -> None:
    console.stream_seconds = 1.0
    client = browser(world.outsider).client
    timer = later(0.2, lambda: world.open_case(conversation_id="hk-case", country="HK"))
    with client.stream("GET", "/events") as response:
        lines = read_events(response, until="event: queue")
    timer.join()
    assert not any(line.startswith("event: queue") for line in lines)


def test_since_replays_what_happened_after_the_page_was_rendered(world, browser, console) -> None:
    console.stream_seconds = 0.3
    version = world.cases.current_version()
    world.open_case()
    client = browser(world.caseworker).client
    with client.stream("GET", f"/events?since={version}") as response:
        lines = read_events(response, until="event: queue")
    assert f"id: {version}" in lines and "event: queue" in lines


def test_case_stream_announces_only_that_case(world, browser, console) -> None:
    console.stream_seconds = 1.2
    mine = world.open_case(conversation_id="mine")
    other = world.open_case(conversation_id="other")
    client = browser(world.caseworker).client

    def changes() -> None:
        world.cases.add_message(other.id, "person", "lain")
        time.sleep(0.3)
        world.cases.add_message(mine.id, "person", "halo lagi")

    timer = later(0.2, changes)
    with client.stream("GET", f"/events?case={mine.ref}") as response:
        assert response.status_code == 200
        lines = list(response.iter_lines())
    timer.join()
    assert lines.count("event: case") == 1  # the other case's message said nothing


def test_case_stream_of_another_organisation_is_404(world, browser) -> None:
    case = world.open_case()
    response = browser(world.outsider).get(f"/events?case={case.ref}")
    assert response.status_code == 404
    assert browser(world.caseworker).get("/events?case=nope").status_code == 404


def test_stream_without_a_session_is_401(browser) -> None:
    assert browser(None).get("/events").status_code == 401


def test_stream_ends_when_the_session_is_revoked(world, browser, console, monkeypatch) -> None:
    monkeypatch.setattr(events, "SESSION_CHECK_SECONDS", 0.1)
    console.stream_seconds = 5
    b = browser(world.caseworker)
    principal = world.sessions.lookup(b.client.cookies.get("lentera_session"), touch=False)
    timer = later(0.3, lambda: world.sessions.revoke(principal.session_id))
    with b.client.stream("GET", "/events") as response:
        lines = read_events(response, until="event: ended")
    timer.join()
    assert "event: ended" in lines


def test_the_stream_is_not_activity_for_the_idle_timeout(world, browser, console) -> None:
    console.stream_seconds = 0.2
    b = browser(world.caseworker)
    token = b.client.cookies.get("lentera_session")
    world.clock.advance(29 * 60)
    assert b.get("/events").status_code == 200
    assert (
        b.get(
            f"/cases/{world.open_case().ref}/live", headers={"X-Lentera-Passive": "1"}
        ).status_code
        == 200
    )
    world.clock.advance(2 * 60)
    assert world.sessions.lookup(token, touch=False) is None


@pytest.mark.parametrize("since", ["abc", "-1", "99999999"])
def test_bad_since_values_start_from_now(world, browser, console, since) -> None:
    console.stream_seconds = 0.2
    with browser(world.caseworker).client.stream("GET", f"/events?since={since}") as response:
        assert response.status_code == 200
        lines = list(response.iter_lines())
    assert not any(line.startswith("event: queue") for line in lines)
