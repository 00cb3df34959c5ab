"""The admin's pages: staff of the organisation and its canned replies."""

from __future__ import annotations


def test_admin_creates_a_caseworker_who_can_log_in(world, browser) -> None:
    admin = browser(world.admin)
    response = admin.post(
        "/admin/staff", {"email": "new@lentera.test", "role": "caseworker", "password": "z" * 14}
    )
    assert response.status_code == 303 and response.headers["location"].endswith("done=created")
    member = world.staff.by_email("new@lentera.test")
    assert member and member.organisation_id == world.org.id
    assert world.staff.login("new@lentera.test", "z" * 14).reason is None
    assert "new@lentera.test" in admin.get("/admin/staff").text
    assert world.cases.audit_rows(action="create_staff")[-1].actor == f"staff:{world.admin.id}"


def test_weak_password_or_duplicate_is_422_with_the_email_kept(world, browser) -> None:
    admin = browser(world.admin)
    weak = admin.post(
        "/admin/staff", {"email": "w@lentera.test", "role": "caseworker", "password": "short"}
    )
    assert weak.status_code == 422 and "at least 12" in weak.text and "w@lentera.test" in weak.text
    dup = admin.post(
        "/admin/staff", {"email": "cw@lentera.test", "role": "caseworker", "password": "z" * 14}
    )
    assert dup.status_code == 422 and "exists already" in dup.text
    bad_role = admin.post(
        "/admin/staff", {"email": "r@lentera.test", "role": "root", "password": "z" * 14}
    )
    assert bad_role.status_code == 422


def test_role_change_and_disable_end_the_accounts_sessions(world, browser) -> None:
    caseworker = browser(world.caseworker)
    admin = browser(world.admin)
    promoted = admin.post(
        f"/admin/staff/{world.caseworker.id}", {"change": "role", "role": "supervisor"}
    )
    assert promoted.status_code == 303
    assert world.staff.get(world.caseworker.id).role == "supervisor"  # type: ignore[union-attr]
    assert caseworker.get("/cases").status_code == 303  # logged out: log in again as supervisor
    assert (
        admin.post(f"/admin/staff/{world.caseworker2.id}", {"change": "disable"}).status_code == 303
    )
    assert world.staff.get(world.caseworker2.id).disabled  # type: ignore[union-attr]
    assert (
        admin.post(f"/admin/staff/{world.caseworker2.id}", {"change": "enable"}).status_code == 303
    )
    assert not world.staff.get(world.caseworker2.id).disabled  # type: ignore[union-attr]
    assert (
        admin.post(f"/admin/staff/{world.caseworker2.id}", {"change": "nonsense"}).status_code
        == 422
    )


def test_admin_cannot_lock_themselves_out(world, browser) -> None:
    response = browser(world.admin).post(f"/admin/staff/{world.admin.id}", {"change": "disable"})
    assert response.status_code == 409
    assert not world.staff.get(world.admin.id).disabled  # type: ignore[union-attr]


def test_canned_replies_are_created_in_the_organisations_languages_and_deleted(
    world, browser
) -> None:
    admin = browser(world.admin)
    assert (
        admin.post(
            "/admin/canned", {"language": "id", "title": "Salam", "body": "Halo!"}
        ).status_code
        == 303
    )
    [reply] = world.staff.canned(world.org.id)
    assert (reply.language, reply.title, reply.body) == ("id", "Salam", "Halo!")
    wrong = admin.post("/admin/canned", {"language": "fr", "title": "Bonjour", "body": "Salut"})
    assert wrong.status_code == 422 and "Bonjour" in wrong.text
    empty = admin.post("/admin/canned", {"language": "en", "title": "", "body": ""})
    assert empty.status_code == 422
    assert admin.post(f"/admin/canned/{reply.id}/delete").status_code == 303
    assert world.staff.canned(world.org.id) == []
    assert admin.post(f"/admin/canned/{reply.id}/delete").status_code == 404


def test_a_canned_reply_whose_first_line_alarms_is_not_saved_and_the_page_says_why(
    world, browser
) -> None:
    admin = browser(world.admin)
    draft = {"language": "en", "title": "Police", "body": "Call the police: 999"}
    refused = admin.post("/admin/canned", draft)
    assert refused.status_code == 422
    assert "Not saved" in refused.text and "lock-screen notification" in refused.text
    assert "&#39;police&#39;" in refused.text and "Call the police: 999" in refused.text  # kept
    assert world.staff.canned(world.org.id) == []


def test_another_organisations_canned_reply_is_404(world, browser) -> None:
    theirs = world.staff.add_canned(world.other_org.id, "id", "Lain", "Lain")
    assert browser(world.admin).post(f"/admin/canned/{theirs}/delete").status_code == 404
    assert len(world.staff.canned(world.other_org.id)) == 1
