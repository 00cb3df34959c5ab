"""The queue and the case page: what is shown, what is refused, what is audited; safe contact."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from bot.cases.models import ContactPreference
from bot.cases.tables import audit_log, outbox
from bot.storage.tables import address_table

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_queue_lists_urgent_first_then_longest_waiting_with_filters(world, browser) -> None:
    old = world.open_case(conversation_id="a", country="HK")
    world.clock.advance(60)
    urgent = world.open_case(conversation_id="b", risk="urgent", country="TW", language="en")
    world.clock.advance(60)
    new = world.open_case(conversation_id="c", country="HK")
    client = browser(world.caseworker)
    page = client.get("/cases").text
    order = [
        m for m in re.findall(r'href="/cases/([^"]+)"', page) if m in {old.ref, urgent.ref, new.ref}
    ]
    assert order == [urgent.ref, old.ref, new.ref]
    assert "<title>(3) Lentera console</title>" in page
    assert 'data-waiting="3"' in page
    filtered = client.get("/cases?country=tw&language=en&risk=urgent&status=waiting").text
    assert urgent.ref in filtered and old.ref not in filtered and new.ref not in filtered
    tampered = client.get("/cases?status=<x>&country=ZZZ&risk=1").text
    assert old.ref in tampered and urgent.ref in tampered  # bad filters are ignored


def test_queue_fragment_for_htmx_has_no_page_around_it(world, browser) -> None:
    world.open_case()
    fragment = browser(world.caseworker).get("/cases", headers={"HX-Request": "true"}).text
    assert fragment.lstrip().startswith('<div class="queue" data-waiting="1">')
    assert "<html" not in fragment


def test_case_page_shows_the_whole_transcript_and_delivery_status(world, browser) -> None:
    case = world.open_case(
        transcript=(
            ("person", "tolong saya", world.clock.now),
            ("assistant", "Apakah kamu aman sekarang?", world.clock.now),
            ("person", "paspor saya ditahan", world.clock.now),
        )
    )
    client = browser(world.caseworker)
    assert client.post(f"/cases/{case.ref}/claim").status_code == 303
    assert (
        client.post(
            f"/cases/{case.ref}/reply", {"text": "Kami bantu.", "client_token": "a"}
        ).status_code
        == 303
    )
    page = client.get(f"/cases/{case.ref}").text
    for text in ("tolong saya", "Apakah kamu aman sekarang?", "paspor saya ditahan", "Kami bantu."):
        assert text in page
    assert 'class="delivery queued"' in page
    assert "Gaji belum dibayar empat bulan" in page  # the summary
    assert world.cases.audit_rows(action="view_case")[-1].case_id == case.id


def test_every_text_field_is_escaped(world, browser) -> None:
    case = world.open_case(
        summary=SCRIPT,
        city=SCRIPT,
        problem="<b>x</b>",
        transcript=(("person", SCRIPT, world.clock.now), ("assistant", SCRIPT, world.clock.now)),
    )
    world.staff.add_canned(world.org.id, "id", SCRIPT, SCRIPT)
    evil = world.staff.create(
        f"{SCRIPT}@x.test".replace(" ", ""), world.org.id, "caseworker", "y" * 14
    )
    world.cases.claim(case.id, evil.id)
    world.cases.send_reply(case.id, evil.id, SCRIPT, client_token="t")
    world.cases.add_note(case.id, world.caseworker.id, SCRIPT)
    pages = [
        browser(world.caseworker).get(f"/cases/{case.ref}").text,
        browser(world.caseworker).get(f"/cases/{case.ref}/live").text,
        browser(world.caseworker).get("/cases").text,
        browser(world.supervisor).get("/dashboard").text,
        browser(world.admin).get("/admin/staff").text,
        browser(world.admin).get("/admin/canned").text,
    ]
    for page in pages:
        assert "<script>alert" not in page and "<b>x</b>" not in page
    assert ESCAPED in pages[0]


def test_reply_too_long_or_empty_is_refused_with_the_text_kept(world, browser) -> None:
    case = world.open_case()
    client = browser(world.caseworker)
    client.post(f"/cases/{case.ref}/claim")
    long_text = "panjang " * 300  # 2400 characters
    response = client.post(f"/cases/{case.ref}/reply", {"text": long_text, "client_token": "x"})
    assert response.status_code == 422
    assert "longer than 2000 characters" in response.text
    assert long_text.strip() in response.text  # still in the box
    empty = client.post(f"/cases/{case.ref}/reply", {"text": "   ", "client_token": "y"})
    assert empty.status_code == 422 and "The reply is empty" in empty.text
    assert [m.author for m in world.cases.transcript(case.id)] == ["person"]


def test_reply_to_a_closed_case_is_refused_and_nothing_is_lost(world, browser) -> None:
    case = world.open_case()
    client = browser(world.caseworker)
    client.post(f"/cases/{case.ref}/claim")
    world.cases.close(case.id, world.caseworker.id)
    response = client.post(f"/cases/{case.ref}/reply", {"text": "masih ada?", "client_token": "z"})
    assert response.status_code == 409 and "case is closed" in response.text
    assert "masih ada?" in response.text
    with world.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar() == 0


def test_reply_before_claiming_is_refused(world, browser) -> None:
    case = world.open_case()
    response = browser(world.caseworker).post(
        f"/cases/{case.ref}/reply", {"text": "halo", "client_token": "q"}
    )
    assert response.status_code == 409 and "Claim the case" in response.text


def test_double_submit_of_one_reply_sends_it_once(world, browser) -> None:
    case = world.open_case()
    client = browser(world.caseworker)
    client.post(f"/cases/{case.ref}/claim")
    for _ in range(3):
        assert (
            client.post(
                f"/cases/{case.ref}/reply", {"text": "sekali", "client_token": "same"}
            ).status_code
            == 303
        )
    assert [m.body for m in world.cases.transcript(case.id)].count("sekali") == 1


def test_a_reply_whose_first_line_alarms_is_held_with_a_warning_until_sent_anyway(
    world, browser
) -> None:
    case = world.open_case()
    client = browser(world.caseworker)
    client.post(f"/cases/{case.ref}/claim")
    alarming = "Kami bisa carikan shelter untuk Anda.\nBalas kalau mau."
    held = client.post(f"/cases/{case.ref}/reply", {"text": alarming, "client_token": "w"})
    assert held.status_code == 200
    assert "lock-screen notification" in held.text and "shelter" in held.text
    assert 'name="send_anyway"' in held.text and 'name="client_token" value="w"' in held.text
    assert alarming in held.text  # still in the box
    assert [m.author for m in world.cases.transcript(case.id)] == ["person"]  # nothing sent
    reworded = "Halo, ini Lentera.\nKami bisa carikan shelter untuk Anda."
    assert (
        client.post(f"/cases/{case.ref}/reply", {"text": reworded, "client_token": "r"}).status_code
        == 303
    )
    for _ in range(2):  # "send anyway", double-clicked: one message
        sent = client.post(
            f"/cases/{case.ref}/reply",
            {"text": alarming, "client_token": "w", "send_anyway": "1"},
        )
        assert sent.status_code == 303
    bodies = [m.body for m in world.cases.transcript(case.id)]
    assert bodies == [bodies[0], reworded, alarming.strip()]


def test_second_claim_by_someone_else_is_409_with_a_clear_message(world, browser) -> None:
    case = world.open_case()
    first, second = browser(world.caseworker), browser(world.caseworker2)
    assert first.post(f"/cases/{case.ref}/claim").status_code == 303
    response = second.post(f"/cases/{case.ref}/claim")
    assert response.status_code == 409
    assert "cw@lentera.test claimed this case first" in response.text
    again = first.post(f"/cases/{case.ref}/claim")  # a double click by the holder is fine
    assert again.status_code == 303
    assert world.cases.get(case.ref, world.org.id).assignee_id == world.caseworker.id  # type: ignore[union-attr]


def test_release_by_someone_not_holding_it_is_409(world, browser) -> None:
    case = world.open_case()
    world.cases.claim(case.id, world.caseworker.id)
    assert browser(world.caseworker2).post(f"/cases/{case.ref}/release").status_code == 409


def test_only_the_holder_or_a_supervisor_closes(world, browser) -> None:
    case = world.open_case()
    world.cases.claim(case.id, world.caseworker.id)
    assert browser(world.caseworker2).post(f"/cases/{case.ref}/close").status_code == 403
    assert (
        browser(world.supervisor).post(f"/cases/{case.ref}/close", {"reason": "left"}).status_code
        == 303
    )
    closed = world.cases.get(case.ref, world.org.id)
    assert closed.status == "closed" and closed.closed_reason == "left"  # type: ignore[union-attr]
    assert browser(world.supervisor).post(f"/cases/{case.ref}/close").status_code == 409


def test_return_to_assistant_queues_one_message(world, browser) -> None:
    case = world.open_case()
    client = browser(world.caseworker)
    client.post(f"/cases/{case.ref}/claim")
    assert client.post(f"/cases/{case.ref}/return").status_code == 303
    assert client.post(f"/cases/{case.ref}/return").status_code == 409
    assert world.cases.active_case(case.conversation_id) is None
    with world.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar() == 1


def test_notes_are_never_queued_for_delivery(world, browser) -> None:
    case = world.open_case()
    client = browser(world.caseworker)
    client.post(f"/cases/{case.ref}/claim")
    assert client.post(f"/cases/{case.ref}/notes", {"text": "internal only"}).status_code == 303
    assert "internal only" in client.get(f"/cases/{case.ref}").text
    with world.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar() == 0
    empty = client.post(f"/cases/{case.ref}/notes", {"text": ""})
    assert empty.status_code == 422


def test_referral_is_recorded_and_its_contacts_go_into_the_reply_box(world, browser) -> None:
    case = world.open_case(country="HK")
    client = browser(world.caseworker)
    page = client.get(f"/cases/{case.ref}").text
    assert 'value="kjri-hong-kong"' in page
    response = client.post(
        f"/cases/{case.ref}/referral", {"referral": "kjri-hong-kong", "text": "Halo,"}
    )
    assert response.status_code == 200
    box = re.search(r'<textarea id="reply-text"[^>]*>(.*?)</textarea>', response.text, re.S)
    assert box and box.group(1).startswith("Halo,") and "KJRI" in box.group(1)
    assert [r.entry_id for r in world.cases.referrals(case.id)] == ["kjri-hong-kong"]
    assert "Konsulat" in response.text or "KJRI" in response.text
    into_empty = client.post(f"/cases/{case.ref}/referral", {"referral": "hk-police", "text": ""})
    box = re.search(r'<textarea id="reply-text"[^>]*>(.*?)</textarea>', into_empty.text, re.S)
    assert box and box.group(1).startswith("Kontak yang bisa dihubungi:\n\nPolisi Hong Kong")
    bad = client.post(f"/cases/{case.ref}/referral", {"referral": "sa-police", "text": "kept"})
    assert bad.status_code == 422 and "kept" in bad.text  # not offered for Hong Kong


def test_canned_replies_of_the_case_language_only(world, browser) -> None:
    case = world.open_case(language="id")
    mine = world.staff.add_canned(world.org.id, "id", "Salam", "Halo, kami dari Lentera.")
    world.staff.add_canned(world.org.id, "en", "Hello", "Hello from Lentera.")
    theirs = world.staff.add_canned(world.other_org.id, "id", "Lain", "Dari NGO lain.")
    client = browser(world.caseworker)
    page = client.get(f"/cases/{case.ref}").text
    assert "Salam" in page and "Hello" not in page and "Lain" not in page
    added = client.post(f"/cases/{case.ref}/canned", {"canned": str(mine), "text": ""})
    assert added.status_code == 200 and "Halo, kami dari Lentera." in added.text
    other = client.post(f"/cases/{case.ref}/canned", {"canned": str(theirs), "text": "draft"})
    assert other.status_code == 422 and "Dari NGO lain." not in other.text


def test_no_page_shows_the_conversation_id(world, browser) -> None:
    case = world.open_case(conversation_id="tg-pseudonym-4f9a2c")
    world.cases.claim(case.id, world.caseworker.id)
    pages = [
        browser(world.caseworker).get("/cases").text,
        browser(world.caseworker).get(f"/cases/{case.ref}").text,
        browser(world.caseworker).get(f"/cases/{case.ref}/live").text,
        browser(world.supervisor).get("/dashboard").text,
        browser(world.supervisor).get("/dashboard/export.csv?kind=problem").text,
    ]
    for page in pages:
        assert "tg-pseudonym" not in page and "4f9a2c" not in page


def test_audit_rows_hold_no_content(world, browser) -> None:
    secret = "rahasia-majikan-123"
    case = world.open_case(summary=secret, transcript=(("person", secret, world.clock.now),))
    client = browser(world.caseworker)
    client.get(f"/cases/{case.ref}")
    client.post(f"/cases/{case.ref}/claim")
    client.post(f"/cases/{case.ref}/reply", {"text": secret, "client_token": "k"})
    client.post(f"/cases/{case.ref}/notes", {"text": secret})
    client.post(f"/cases/{case.ref}/reply", {"text": secret * 200, "client_token": "l"})
    client.post(f"/cases/{case.ref}/close")
    with world.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.select(audit_log))]
    assert rows and all(secret not in str(row) for row in rows)
    actions = {(r.action, r.outcome) for r in world.cases.audit_rows(case_id=case.id, limit=10000)}
    for expected in (
        ("view_case", "ok"),
        ("claim", "ok"),
        ("reply", "ok"),
        ("note", "ok"),
        ("reply", "denied"),
        ("close", "ok"),
    ):
        assert expected in actions


@pytest.mark.parametrize("path", ["/cases/{ref}", "/cases/{ref}/live"])
def test_pages_with_a_transcript_are_not_cached(world, browser, path) -> None:
    case = world.open_case()
    response = browser(world.caseworker).get(path.format(ref=case.ref))
    assert response.headers["cache-control"] == "no-store"


def _wrote(world, conversation_id: str, hours_ago: float) -> None:
    with world.engine.begin() as conn:
        conn.execute(
            sa.insert(address_table).values(
                sender_id=conversation_id,
                channel="whatsapp",
                address=world.cipher.encrypt("6281200000000"),
                last_inbound_at=world.clock() - hours_ago * 3600,
                updated_at=world.clock(),
            )
        )


def test_whatsapp_case_shows_the_time_left_in_the_24_hour_window(world, browser) -> None:
    case = world.open_case(channel="whatsapp", conversation_id="wa-window-open")
    _wrote(world, "wa-window-open", hours_ago=20)
    page = browser(world.caseworker).get(f"/cases/{case.ref}").text
    assert "WhatsApp: 4 h 0 min left" in page
    assert "6281200000000" not in page  # never the number


def test_whatsapp_case_outside_the_window_says_only_the_template_goes(world, browser) -> None:
    case = world.open_case(channel="whatsapp", conversation_id="wa-window-closed")
    _wrote(world, "wa-window-closed", hours_ago=25)
    page = browser(world.caseworker).get(f"/cases/{case.ref}").text
    assert "24-hour window is closed" in page and "approved template" in page


def test_telegram_case_shows_no_window(world, browser) -> None:
    case = world.open_case(channel="telegram")
    page = browser(world.caseworker).get(f"/cases/{case.ref}").text
    assert "left to reply in free text" not in page and "window is closed" not in page


# -- safe contact: writing first only with the person's agreement, in their hours ----------


def at_hong_kong_time(world, hhmm: str) -> None:
    """Move the console's clock to ``hhmm`` in Hong Kong (the cases' country), a fixed day."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    world.clock.now = dt.datetime(
        2027, 3, 10, hour, minute, tzinfo=ZoneInfo("Asia/Hong_Kong")
    ).timestamp()


def silent_case(world, browser):
    """A claimed case whose last message went to the person an hour ago (a silence)."""
    now = world.clock.now
    case = world.open_case(
        transcript=(
            ("person", "gaji saya belum dibayar", now - 7200),
            ("assistant", "Saya sambungkan dengan petugas.", now - 3600),
        )
    )
    client = browser(world.caseworker)
    assert client.post(f"/cases/{case.ref}/claim").status_code == 303
    return case, client


def queued(world) -> int:
    with world.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar_one())


def test_writing_first_without_the_persons_agreement_is_409_and_nothing_is_queued(
    world, browser
) -> None:
    case, client = silent_case(world, browser)
    page = client.get(f"/cases/{case.ref}").text
    assert "Contact first" in page and "not answered" in page
    assert "they have not agreed to be contacted first" in page  # said before sending
    follow_up = "Halo, apa kabar? Kami belum dengar dari Anda."
    response = client.post(f"/cases/{case.ref}/reply", {"text": follow_up, "client_token": "f"})
    assert response.status_code == 409
    assert "The person has not agreed to be contacted first: they have not answered yet" in (
        response.text
    )
    assert follow_up in response.text  # still in the box
    assert queued(world) == 0
    assert "caseworker" not in [m.author for m in world.cases.transcript(case.id)]
    world.cases.set_contact(case.id, ContactPreference(False))
    refused = client.post(f"/cases/{case.ref}/reply", {"text": follow_up, "client_token": "g"})
    assert refused.status_code == 409 and "they said no" in refused.text
    assert "refused: no caseworker may write first" in client.get(f"/cases/{case.ref}").text
    assert queued(world) == 0
    rows = world.cases.audit_rows(case_id=case.id, action="reply_writes_first")
    assert [(r.actor, r.outcome) for r in rows] == [(f"staff:{world.caseworker.id}", "denied")] * 2
    with world.engine.connect() as conn:
        assert all("kabar" not in str(tuple(r)) for r in conn.execute(sa.select(audit_log)))


def test_writing_first_outside_the_persons_hours_is_409_inside_them_it_goes(world, browser) -> None:
    at_hong_kong_time(world, "14:00")
    case, client = silent_case(world, browser)
    world.cases.set_contact(case.id, ContactPreference(True, "19:00", "21:00"))
    page = client.get(f"/cases/{case.ref}").text
    assert "agreed, 19:00–21:00 their time (Asia/Hong_Kong; 14:00 there" in page
    outside = client.post(f"/cases/{case.ref}/reply", {"text": "Halo?", "client_token": "o"})
    assert outside.status_code == 409
    assert "Outside the hours the person chose (19:00–21:00 their time, Asia/Hong_Kong" in (
        outside.text
    )
    assert "it is 14:00 there now" in outside.text
    assert queued(world) == 0
    at_hong_kong_time(world, "19:30")
    client = browser(world.caseworker)  # hours later: a new session
    inside = client.post(f"/cases/{case.ref}/reply", {"text": "Halo?", "client_token": "i"})
    assert inside.status_code == 303
    assert queued(world) == 1
    assert [m.body for m in world.cases.transcript(case.id) if m.author == "caseworker"] == [
        "Halo?"
    ]


def test_any_time_lets_a_follow_up_go_whenever(world, browser) -> None:
    at_hong_kong_time(world, "03:00")
    case, client = silent_case(world, browser)
    world.cases.set_contact(case.id, ContactPreference(True))
    assert "agreed, at any time" in client.get(f"/cases/{case.ref}/live").text
    assert (
        client.post(f"/cases/{case.ref}/reply", {"text": "Halo", "client_token": "a"}).status_code
        == 303
    )


def test_a_reply_to_the_persons_fresh_message_is_never_blocked(world, browser) -> None:
    at_hong_kong_time(world, "14:00")
    case, client = silent_case(world, browser)
    world.cases.set_contact(case.id, ContactPreference(False))
    world.cases.add_message(case.id, "person", "kak, saya sudah aman sekarang")
    world.clock.advance(2 * 3600)  # an answer, even hours later
    client = browser(world.caseworker)
    page = client.get(f"/cases/{case.ref}").text
    assert "would write first" not in page
    answer = client.post(f"/cases/{case.ref}/reply", {"text": "Syukurlah.", "client_token": "r"})
    assert answer.status_code == 303
    # A second one now is a follow-up: the person last wrote two hours ago.
    later = client.post(f"/cases/{case.ref}/reply", {"text": "Halo?", "client_token": "s"})
    assert later.status_code == 409
    # While the person chats, a second message straight after is the same conversation.
    world.cases.add_message(case.id, "person", "iya kak")
    world.clock.advance(60)
    for token in ("t", "u"):
        sent = client.post(f"/cases/{case.ref}/reply", {"text": token, "client_token": token})
        assert sent.status_code == 303
    assert queued(world) == 3
