"""A claim with no reply goes back to the queue after the timeout, and supervisors see it."""

from __future__ import annotations

import asyncio

from bot.console.watchdog import expired_claims, requeue_once, run

TIMEOUT_MINUTES = 30


def test_a_claim_without_reply_returns_to_the_queue_after_the_timeout(world):
    case = world.open_case()
    world.cases.claim(case.id, world.caseworker.id)
    world.clock.advance(29 * 60)
    assert requeue_once(world.cases, TIMEOUT_MINUTES) == 0
    world.clock.advance(2 * 60)
    assert requeue_once(world.cases, TIMEOUT_MINUTES) == 1
    back = world.cases.get(case.id, world.org.id)
    assert back is not None and back.status == "waiting" and back.assignee_id is None
    assert [e.ref for e in expired_claims(world.cases, world.org.id, world.clock())] == [case.ref]


def test_a_claim_that_was_answered_stays_claimed(world):
    case = world.open_case()
    world.cases.claim(case.id, world.caseworker.id)
    world.cases.send_reply(case.id, world.caseworker.id, "Halo, saya petugas.", client_token="a")
    world.clock.advance(60 * 60)
    assert requeue_once(world.cases, TIMEOUT_MINUTES) == 0
    assert world.cases.get(case.id, world.org.id).status == "claimed"  # type: ignore[union-attr]


def test_the_alert_is_for_supervisors_of_the_organisation_only(world, browser):
    case = world.open_case()
    world.cases.claim(case.id, world.caseworker.id)
    world.clock.advance(31 * 60)
    requeue_once(world.cases, TIMEOUT_MINUTES)
    supervisor_page = browser(world.supervisor).get("/cases").text
    assert "had no reply in time" in supervisor_page and case.ref in supervisor_page
    assert "had no reply in time" not in browser(world.caseworker).get("/cases").text
    assert expired_claims(world.cases, world.other_org.id, world.clock()) == []


def test_the_alert_ends_once_someone_claims_it_again(world):
    case = world.open_case()
    world.cases.claim(case.id, world.caseworker.id)
    world.clock.advance(31 * 60)
    requeue_once(world.cases, TIMEOUT_MINUTES)
    world.cases.claim(case.id, world.caseworker2.id)
    assert expired_claims(world.cases, world.org.id, world.clock()) == []


def test_the_loop_survives_a_failing_check(world, monkeypatch):
    calls = []

    def flaky(_store, _timeout):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return 0

    monkeypatch.setattr("bot.console.watchdog.requeue_once", flaky)

    async def main() -> None:
        task = asyncio.create_task(run(world.cases, TIMEOUT_MINUTES, every=0.01))
        await asyncio.sleep(0.2)
        task.cancel()

    asyncio.run(main())
    assert len(calls) >= 2
