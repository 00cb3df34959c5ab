"""The case store on SQLite and PostgreSQL: routing, the handoff state, claims, tenancy, privacy."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from bot.cases.models import (
    AlreadyClaimed,
    CaseClosed,
    ContactPreference,
    NotAssignee,
    ReplyRefused,
)
from bot.cases.tables import cases, outbox
from bot.places import places
from bot.texts import text
from tests.bot.cases.helpers import SECRET, dump, open_case

CASE_TABLES = (
    "cases",
    "case_messages",
    "case_notes",
    "case_referrals",
    "outbox",
    "audit_log",
    "case_changes",
)


def count(engine, table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


# -- opening a case and the handoff state --------------------------------------------------


def test_open_case_is_idempotent_and_active_case_is_the_handoff_state(stores):
    store = stores.cases
    store.create_organisation("Lentera Desk", [])
    case = open_case(store, conversation_id="tg_same")
    again = open_case(store, conversation_id="tg_same", summary="other")
    assert again.id == case.id and again.summary == case.summary
    assert case.status == "waiting" and len(case.ref) >= 16 and case.ref != str(case.id)
    assert store.active_case("tg_same") == store.get(case.ref, case.organisation_id)
    assert store.active_case("tg_other") is None
    assert [m.author for m in store.transcript(case.id)] == ["person", "assistant"]
    assert [a.action for a in store.audit_rows(case_id=case.id)] == ["case_opened"]
    store.close(case.id, 7)
    assert store.active_case("tg_same") is None
    reopened = open_case(store, conversation_id="tg_same")
    assert reopened.id != case.id and reopened.status == "waiting"


def test_concurrent_open_case_gives_one_case(stores):
    store = stores.cases
    store.create_organisation("Lentera Desk", [])
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def opener() -> None:
        try:
            barrier.wait()
            results.append(open_case(store, conversation_id="tg_race").id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == [] and len(set(results)) == 1 and len(results) == 4
    assert count(stores.engine, cases) == 1


def test_messages_after_close_are_refused_and_redeliveries_stored_once(stores):
    store = stores.cases
    store.create_organisation("Lentera Desk", [])
    case = open_case(store)
    first = store.add_message(case.id, "person", "halo?", source_key="k1")
    assert store.add_message(case.id, "person", "halo?", source_key="k1") == first
    assert [m.body for m in store.transcript(case.id)][-1] == "halo?"
    assert len(store.transcript(case.id)) == 3
    with pytest.raises(ValueError):
        store.add_message(case.id, "robot", "x")
    store.close(case.id, 1, reason="left")
    with pytest.raises(CaseClosed):
        store.add_message(case.id, "person", "masih di sini")


# -- claims --------------------------------------------------------------------------------


def test_claim_is_exclusive_under_concurrency(stores):
    store = stores.cases
    store.create_organisation("Lentera Desk", [])
    case = open_case(store)
    outcomes: dict[int, str] = {}
    barrier = threading.Barrier(2)

    def claim(staff: int) -> None:
        barrier.wait()
        try:
            store.claim(case.id, staff)
            outcomes[staff] = "won"
        except AlreadyClaimed:
            outcomes[staff] = "lost"

    threads = [threading.Thread(target=claim, args=(staff,)) for staff in (11, 12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes.values()) == ["lost", "won"]
    winner = next(s for s, o in outcomes.items() if o == "won")
    loser = next(s for s, o in outcomes.items() if o == "lost")
    claimed = store.claim(case.id, winner)  # a re-claim by the holder is fine
    assert claimed.assignee_id == winner and claimed.status == "claimed"
    with pytest.raises(AlreadyClaimed) as refused:
        store.claim(case.id, loser)
    assert refused.value.assignee_id == winner
    audit = [(a.actor, a.outcome) for a in store.audit_rows(case_id=case.id, action="claim")]
    assert (f"staff:{winner}", "ok") in audit and (f"staff:{loser}", "denied") in audit


def test_release_reassign_close_and_their_refusals(stores):
    store = stores.cases
    store.create_organisation("Lentera Desk", [])
    case = open_case(store)
    store.claim(case.id, 1)
    with pytest.raises(NotAssignee):
        store.release(case.id, 2)
    released = store.release(case.id, 1)
    assert released.status == "waiting" and released.assignee_id is None
    moved = store.reassign(case.id, 9, 3)
    assert moved.status == "claimed" and moved.assignee_id == 3
    closed = store.close(case.id, 3)
    assert closed.status == "closed" and closed.closed_reason == "closed"
    for action in (
        lambda: store.claim(case.id, 1),
        lambda: store.release(case.id, 3),
        lambda: store.close(case.id, 3),
        lambda: store.return_to_assistant(case.id, 3),
    ):
        with pytest.raises(CaseClosed):
            action()
    with pytest.raises(ValueError):
        store.close(open_case(store).id, 1, reason="whatever")


def test_a_claim_with_no_reply_returns_to_the_queue(stores):
    store, clock = stores.cases, stores.clock
    store.create_organisation("Lentera Desk", [])
    idle, busy = open_case(store), open_case(store)
    store.claim(idle.id, 1)
    store.claim(busy.id, 2)
    clock.advance(60)
    store.send_reply(busy.id, 2, "Halo, saya Maria.", client_token="t1")
    clock.advance(20 * 60)
    assert [c.id for c in store.stale_claims(15 * 60)] == [idle.id]
    version = store.current_version()
    [requeued] = store.requeue_stale(15 * 60)
    assert requeued.id == idle.id and requeued.status == "waiting"
    assert requeued.assignee_id is None
    assert store.get(busy.id, busy.organisation_id).status == "claimed"
    [expired] = store.audit_rows(action="claim_expired")
    assert (expired.actor, expired.case_id) == ("system", idle.id)
    changes = store.changes_since(idle.organisation_id, version)
    assert [(c.case_id, c.kind) for c in changes] == [(idle.id, "claim_expired")]
    assert store.requeue_stale(15 * 60) == []


# -- the queue and tenancy -----------------------------------------------------------------


def test_queue_is_urgent_first_then_longest_waiting_with_filters(stores):
    store, clock = stores.cases, stores.clock
    org = store.create_organisation("Lentera Desk", [])
    oldest = open_case(store, language="en", country="SA")
    clock.advance(10)
    middle = open_case(store)
    clock.advance(10)
    newest_urgent = open_case(store, risk="urgent")
    clock.advance(10)
    late = open_case(store)
    store.mark_urgent(late.id)
    queue = store.queue(org.id)
    assert [c.id for c in queue] == [newest_urgent.id, late.id, oldest.id, middle.id]
    assert [c.id for c in store.queue(org.id, risk="normal")] == [oldest.id, middle.id]
    assert [c.id for c in store.queue(org.id, language="en")] == [oldest.id]
    assert [c.id for c in store.queue(org.id, country="sa")] == [oldest.id]
    store.claim(middle.id, 4)
    assert [c.id for c in store.queue(org.id, status="claimed")] == [middle.id]
    assert [c.id for c in store.queue(org.id, status="waiting", limit=2)] == [
        newest_urgent.id,
        late.id,
    ]
    assert len(store.cases_of(org.id)) == 4


def test_another_organisations_case_is_invisible(stores):
    store = stores.cases
    hk = store.create_organisation("HK", "HK")
    tw = store.create_organisation("TW", "TW")
    hk_case = open_case(store, country="HK")
    tw_case = open_case(store, country="TW")
    assert store.get(hk_case.ref, hk.id) is not None
    assert store.get(hk_case.id, hk.id) is not None
    assert store.get(hk_case.ref, tw.id) is None
    assert store.get(hk_case.id, tw.id) is None
    assert store.get("not-a-ref", hk.id) is None
    assert store.get(str(hk_case.id), hk.id) is None  # ids are ints, refs are strings
    assert [c.id for c in store.queue(tw.id)] == [tw_case.id]
    assert [c.id for c in store.cases_of(hk.id)] == [hk_case.id]
    assert {c.case_id for c in store.changes_since(tw.id, 0)} == {tw_case.id}


# -- replies and privacy -------------------------------------------------------------------


def test_send_reply_refusals_store_nothing(stores):
    store = stores.cases
    store.create_organisation("Lentera Desk", [])
    case = open_case(store)
    with pytest.raises(ReplyRefused) as refused:
        store.send_reply(case.id, 1, "Halo", client_token="a")
    assert refused.value.reason == "not_claimed"
    store.claim(case.id, 1)
    bad = [("", "empty"), ("   \n", "empty"), ("x" * 2001, "too_long")]
    for body, reason in bad:
        with pytest.raises(ReplyRefused) as refused:
            store.send_reply(case.id, 1, body, client_token=body[:10])
        assert refused.value.reason == reason
    with pytest.raises(ReplyRefused) as refused:
        store.send_reply(case.id, 2, "Halo", client_token="b")
    assert refused.value.reason == "claimed_by_other"
    assert store.send_reply(case.id, 1, "x" * 2000, client_token="c") > 0
    store.close(case.id, 1)
    with pytest.raises(ReplyRefused) as refused:
        store.send_reply(case.id, 1, "Halo", client_token="d")
    assert refused.value.reason == "closed"
    assert stores.cases.audit_rows(case_id=case.id, action="reply")[-1].outcome == "denied"
    assert [m.author for m in store.transcript(case.id)].count("caseworker") == 1


def test_double_clicked_reply_is_one_message_and_one_outbox_row(stores):
    store = stores.cases
    store.create_organisation("Lentera Desk", [])
    case = open_case(store)
    store.claim(case.id, 1)
    first = store.send_reply(case.id, 1, "Halo, saya Maria.", client_token="tok")
    assert store.send_reply(case.id, 1, "Halo, saya Maria.", client_token="tok") == first
    assert count(stores.engine, outbox) == 1
    [reply] = [m for m in store.transcript(case.id) if m.author == "caseworker"]
    assert (reply.id, reply.delivery_status, reply.staff_id) == (first, "queued", 1)
    replied = store.get(case.id, case.organisation_id)
    assert replied.first_reply_at == replied.last_reply_at == stores.clock.now


def test_nothing_anyone_wrote_is_stored_in_plaintext(stores):
    store = stores.cases
    store.create_organisation("Lentera Desk", [])
    case = open_case(
        store,
        summary=f"summary: {SECRET}",
        transcript=[("person", SECRET, 1.0)],
    )
    store.add_message(case.id, "person", SECRET)
    store.claim(case.id, 1)
    store.send_reply(case.id, 1, f"reply: {SECRET}", client_token="x")
    store.add_note(case.id, 1, f"note: {SECRET}")
    raw = dump(stores.engine, *CASE_TABLES)
    assert "paspor" not in raw and "majikan" not in raw
    assert SECRET in store.get(case.id, case.organisation_id).summary
    assert [n.body for n in store.notes(case.id)] == [f"note: {SECRET}"]


def test_return_to_assistant_queues_the_resume_text_once_in_the_case_language(stores):
    store = stores.cases
    store.create_organisation("Lentera Desk", [])
    case = open_case(store, language="en")
    store.claim(case.id, 1)
    returned = store.return_to_assistant(case.id, 1)
    assert (returned.status, returned.closed_reason) == ("closed", "returned")
    assert store.active_case(case.conversation_id) is None
    last = store.transcript(case.id)[-1]
    assert (last.author, last.body, last.delivery_status) == (
        "assistant",
        text("handoff_returned", "en"),
        "queued",
    )
    with pytest.raises(CaseClosed):
        store.return_to_assistant(case.id, 1)
    assert count(stores.engine, outbox) == 1
    audit = store.audit_rows(action="return_to_assistant")
    assert [(a.actor, a.outcome) for a in audit] == [("staff:1", "ok"), ("staff:1", "denied")]


def test_forget_conversation_leaves_a_content_free_tombstone(stores):
    store = stores.cases
    store.create_organisation("Lentera Desk", [])
    case = open_case(store, conversation_id="tg_forget", summary=SECRET)
    store.add_message(case.id, "person", SECRET)
    store.claim(case.id, 1)
    store.send_reply(case.id, 1, SECRET, client_token="x")
    store.add_note(case.id, 1, SECRET)
    assert store.forget_conversation("tg_forget") == 1
    assert store.forget_conversation("tg_forget") == 0
    assert store.active_case("tg_forget") is None
    gone = store.get(case.id, case.organisation_id)
    assert (gone.status, gone.closed_reason, gone.summary, gone.city) == (
        "closed",
        "deleted",
        None,
        None,
    )
    assert "tg_forget" not in dump(stores.engine, *CASE_TABLES)
    assert {m.body for m in store.transcript(case.id)} == {""}
    assert {n.body for n in store.notes(case.id)} == {""}
    with stores.engine.connect() as conn:
        status, error, body = conn.execute(
            sa.select(outbox.c.status, outbox.c.last_error, outbox.c.body)
        ).one()
    assert (status, error, body) == ("failed", "deleted", None)
    with pytest.raises(ReplyRefused) as refused:
        store.send_reply(case.id, 1, "Halo", client_token="y")
    assert refused.value.reason == "deleted"
    [audit] = store.audit_rows(action="deleted_at_persons_request")
    assert audit.actor == "person" and audit.case_id == case.id


def test_count_is_exact_beyond_any_page_and_per_organisation(stores):
    from tests.bot.cases.helpers import open_case as new_case

    store = stores.cases
    mine = store.create_organisation("Mine", "HK", default=True)
    other = store.create_organisation("Other", "SA")
    for _ in range(3):
        new_case(store, country="HK")
    new_case(store, country="SA")
    assert store.count(mine.id, "waiting") == 3
    assert store.count(other.id, "waiting") == 1
    assert store.count(mine.id, "claimed") == 0


# -- safe contact: may a caseworker write first, and when -----------------------------------


def local_clock(stores, hhmm: str, tz: str = "Asia/Hong_Kong") -> None:
    """Move the store's clock to ``hhmm`` local time in ``tz`` (on a fixed day)."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    when = dt.datetime(2027, 3, 10, hour, minute, tzinfo=ZoneInfo(tz))
    stores.clock.now = when.timestamp()


def silent_case(stores, **overrides):
    """A claimed case whose last message went to the person an hour ago (a silence)."""
    store = stores.cases
    if not store.organisations():
        store.create_organisation("Lentera Desk", [])
    case = open_case(
        store,
        transcript=[
            ("person", "gaji saya belum dibayar", stores.clock.now - 7200),
            ("assistant", "Saya sambungkan dengan petugas.", stores.clock.now - 3600),
        ],
        **overrides,
    )
    store.claim(case.id, 1)
    return case


def test_the_contact_answer_is_recorded_once_audited_and_in_the_feed(stores):
    store = stores.cases
    case = silent_case(stores)
    assert case.contact is None and case.contact_at is None
    since = store.current_version()
    assert store.set_contact(case.id, ContactPreference(True, "19:00", "21:00"))
    assert not store.set_contact(case.id, ContactPreference(False))  # a redelivery: kept
    noted = store.get(case.id, case.organisation_id)
    assert noted.contact == ContactPreference(True, "19:00", "21:00")
    assert noted.contact_at == stores.clock.now
    [audit] = store.audit_rows(action="contact_preference")
    assert (audit.actor, audit.case_id, audit.outcome) == ("person", case.id, "ok")
    assert [c.kind for c in store.changes_since(case.organisation_id, since)] == ["contact"]
    store.close(case.id, 1)
    other = silent_case(stores)
    store.close(other.id, 1)
    assert not store.set_contact(other.id, ContactPreference(True))  # closed: nothing


def test_without_an_answer_or_after_a_no_writing_first_is_refused_and_nothing_queued(stores):
    store = stores.cases
    case = silent_case(stores)
    check = store.contact_check(case.id)
    assert check.writes_first and check.refusal == "not_agreed" and check.preference is None
    with pytest.raises(ReplyRefused) as refused:
        store.send_reply(case.id, 1, "Halo, apa kabar?", client_token="a", safe_contact=True)
    assert refused.value.reason == "not_agreed"
    store.set_contact(case.id, ContactPreference(False))
    with pytest.raises(ReplyRefused) as refused:
        store.send_reply(case.id, 1, "Halo, apa kabar?", client_token="b", safe_contact=True)
    assert refused.value.reason == "not_agreed"
    assert count(stores.engine, outbox) == 0
    assert "caseworker" not in [m.author for m in store.transcript(case.id)]
    denied = store.audit_rows(case_id=case.id, action="reply_writes_first")
    assert [(a.actor, a.outcome) for a in denied] == [("staff:1", "denied")] * 2
    # Without safe_contact (not the console) the store queues it as before.
    assert store.send_reply(case.id, 1, "Halo", client_token="c") > 0


@pytest.mark.parametrize(
    ("window", "local", "allowed"),
    [
        (("19:00", "21:00"), "14:00", False),
        (("19:00", "21:00"), "19:00", True),
        (("19:00", "21:00"), "20:59", True),
        (("19:00", "21:00"), "21:00", False),
        (("22:00", "01:00"), "00:30", True),  # across midnight
        (("22:00", "01:00"), "01:30", False),
        (("20:00", "24:00"), "23:59", True),
    ],
)
def test_writing_first_only_inside_the_persons_hours_in_their_time_zone(
    stores, window, local, allowed
):
    store = stores.cases
    case = silent_case(stores, country="HK")
    store.set_contact(case.id, ContactPreference(True, *window))
    local_clock(stores, local, "Asia/Hong_Kong")
    check = store.contact_check(case.id)
    assert (check.time_zone, check.local, check.writes_first) == ("Asia/Hong_Kong", local, True)
    if allowed:
        assert check.refusal is None
        assert store.send_reply(case.id, 1, "Halo", client_token="t", safe_contact=True) > 0
        assert count(stores.engine, outbox) == 1
    else:
        assert check.refusal == "outside_hours"
        with pytest.raises(ReplyRefused) as refused:
            store.send_reply(case.id, 1, "Halo", client_token="t", safe_contact=True)
        assert refused.value.reason == "outside_hours"
        assert count(stores.engine, outbox) == 0


def test_any_time_allows_writing_first_whenever(stores):
    store = stores.cases
    case = silent_case(stores)
    store.set_contact(case.id, ContactPreference(True))
    for local in ("03:00", "12:00", "23:30"):
        local_clock(stores, local)
        assert store.contact_check(case.id).refusal is None
    assert store.send_reply(case.id, 1, "Halo", client_token="t", safe_contact=True) > 0


def test_a_reply_to_the_persons_message_is_never_blocked(stores):
    store = stores.cases
    case = silent_case(stores)
    store.set_contact(case.id, ContactPreference(False))
    stores.clock.advance(3 * 3600)
    store.add_message(case.id, "person", "kak, masih ada?")
    stores.clock.advance(3 * 3600)  # hours later it still answers them
    assert not store.contact_check(case.id).writes_first
    assert store.send_reply(case.id, 1, "Masih, kami di sini.", client_token="a", safe_contact=True)
    # A second message in a row while they chat is the same conversation...
    stores.clock.now = store.transcript(case.id)[-2].at + 5 * 60
    store.add_message(case.id, "person", "ok kak")
    assert store.send_reply(case.id, 1, "Terima kasih.", client_token="b", safe_contact=True)
    stores.clock.advance(60)
    assert store.send_reply(case.id, 1, "Satu lagi:", client_token="c", safe_contact=True)
    # ... a follow-up after the silence is writing first.
    stores.clock.advance(16 * 60)
    assert store.contact_check(case.id).refusal == "not_agreed"
    with pytest.raises(ReplyRefused):
        store.send_reply(case.id, 1, "Halo lagi?", client_token="d", safe_contact=True)


def test_system_lines_do_not_count_as_written_to_the_person(stores):
    store = stores.cases
    case = silent_case(stores)
    store.add_message(case.id, "person", "jangan")
    stores.clock.advance(3600)
    store.add_message(case.id, "system", "Baik, dicatat.")
    assert not store.contact_check(case.id).writes_first  # the caseworker answers "jangan"


def test_the_persons_time_zone_is_their_countrys_else_their_organisations(stores):
    store = stores.cases
    store.create_organisation(
        "Riyadh Desk", "PL", office_hours={"tz": "Asia/Riyadh", "days": [0], "start": "09:00"}
    )
    store.create_organisation("Lentera Desk", [], default=True)
    saudi = open_case(store, country="SA")
    no_country = open_case(store, country=None)
    poland = open_case(store, country="PL")  # not in the directory: its organisation's zone
    assert store.person_time_zone(saudi) == "Asia/Riyadh"
    assert store.person_time_zone(no_country) == "Asia/Jakarta"  # no office hours: WIB
    assert store.person_time_zone(poland) == "Asia/Riyadh"
    assert store.contact_check(saudi.id).time_zone == "Asia/Riyadh"


def test_every_directory_country_has_a_time_zone():
    from actions.contacts import directory

    countries = directory().countries()
    assert countries
    for code in sorted(countries):
        zone = places().time_zone(code)
        assert zone is not None, f"{code} has no time_zones entry in bot/places/places.yml"
        ZoneInfo(zone)  # a real IANA zone


def test_deletion_and_retention_clear_the_contact_answer(stores):
    store = stores.cases
    forgotten = silent_case(stores, conversation_id="tg_contact_forget")
    store.set_contact(forgotten.id, ContactPreference(True, "19:00", "21:00"))
    store.forget_conversation("tg_contact_forget")
    kept = silent_case(stores)
    store.set_contact(kept.id, ContactPreference(True))
    store.close(kept.id, 1)
    stores.clock.advance(10)
    assert store.purge_closed(stores.clock.now) == 1
    with stores.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                cases.c.contact_ok, cases.c.contact_from, cases.c.contact_until, cases.c.contact_at
            )
        ).all()
    assert [tuple(r) for r in rows] == [(None, None, None, None)] * 2
    assert store.get(kept.id, kept.organisation_id).contact is None
