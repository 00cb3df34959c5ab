"""Accounts, lockout, rehash and canned replies, without the web layer."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from bot.console.passwords import WeakPassword
from bot.console.staff import StaffError, StaffStore
from bot.console.tables import staff as staff_table
from tests.bot.console.conftest import FAST_HASHER, PASSWORD


def stored_hash(world, staff_id: int) -> str:
    import sqlalchemy as sa

    with world.engine.connect() as conn:
        return conn.execute(
            sa.select(staff_table.c.password_hash).where(staff_table.c.id == staff_id)
        ).scalar_one()


def test_login_with_the_right_password_returns_the_member(world) -> None:
    result = world.staff.login("  CW@lentera.test ", PASSWORD)
    assert result.reason is None and result.staff and result.staff.id == world.caseworker.id


def test_login_with_unknown_email_or_wrong_password_gives_one_answer(world) -> None:
    assert world.staff.login("nobody@lentera.test", PASSWORD).reason == "wrong"
    assert world.staff.login("cw@lentera.test", "wrong password!!").reason == "wrong"


def test_hash_is_argon2id(world) -> None:
    assert stored_hash(world, world.caseworker.id).startswith("$argon2id$")


def test_five_failures_in_fifteen_minutes_lock_the_account(world) -> None:
    for _ in range(4):
        assert not world.staff.login("cw@lentera.test", "wrong password!!").locked_now
        world.clock.advance(60)
    fifth = world.staff.login("cw@lentera.test", "wrong password!!")
    assert fifth.locked_now and fifth.locked_until == world.clock.now + 15 * 60
    assert world.staff.login("cw@lentera.test", PASSWORD).reason == "locked"
    world.clock.advance(15 * 60 + 1)
    assert world.staff.login("cw@lentera.test", PASSWORD).reason is None


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(world) -> None:
    for _ in range(8):
        result = world.staff.login("cw@lentera.test", "wrong password!!")
        assert not result.locked_now
        world.clock.advance(4 * 60)
    assert world.staff.login("cw@lentera.test", PASSWORD).reason is None


def test_success_clears_the_failure_count(world) -> None:
    for _ in range(4):
        world.staff.login("cw@lentera.test", "wrong password!!")
    assert world.staff.login("cw@lentera.test", PASSWORD).reason is None
    for _ in range(4):
        assert not world.staff.login("cw@lentera.test", "wrong password!!").locked_now


def test_disabled_account_cannot_log_in(world) -> None:
    world.staff.set_disabled(world.caseworker.id, True)
    assert world.staff.login("cw@lentera.test", PASSWORD).reason == "wrong"


def test_login_rehashes_a_hash_with_old_parameters(world) -> None:
    before = stored_hash(world, world.caseworker.id)
    stronger = StaffStore(world.engine, clock=world.clock, hasher=PasswordHasher())
    assert stronger.login("cw@lentera.test", PASSWORD).reason is None
    after = stored_hash(world, world.caseworker.id)
    assert after != before and after.startswith("$argon2id$") and "m=65536" in after
    assert stronger.login("cw@lentera.test", PASSWORD).reason is None
    assert stored_hash(world, world.caseworker.id) == after


def test_create_refuses_weak_passwords_duplicates_and_bad_roles(world) -> None:
    with pytest.raises(WeakPassword):
        world.staff.create("new@lentera.test", world.org.id, "caseworker", "short")
    with pytest.raises(StaffError):
        world.staff.create("CW@lentera.test", world.org.id, "caseworker", PASSWORD)
    with pytest.raises(StaffError):
        world.staff.create("new@lentera.test", world.org.id, "boss", PASSWORD)
    with pytest.raises(StaffError):
        world.staff.create("not an address", world.org.id, "caseworker", PASSWORD)


def test_fast_hasher_is_argon2id() -> None:
    assert FAST_HASHER.hash("x" * 12).startswith("$argon2id$")


def test_canned_replies_per_organisation_and_language(world) -> None:
    a = world.staff.add_canned(world.org.id, "ID", " Salam ", " Halo ")
    world.staff.add_canned(world.org.id, "en", "Hello", "Hello")
    world.staff.add_canned(world.other_org.id, "id", "Lain", "Lain")
    assert [(c.language, c.title, c.body) for c in world.staff.canned(world.org.id, "id")] == [
        ("id", "Salam", "Halo")
    ]
    assert len(world.staff.canned(world.org.id)) == 2
    assert not world.staff.delete_canned(world.other_org.id, a)
    assert world.staff.delete_canned(world.org.id, a)
    with pytest.raises(StaffError):
        world.staff.add_canned(world.org.id, "id", "", "x")
    with pytest.raises(StaffError):
        world.staff.add_canned(world.org.id, "id", "t", "x" * 2001)


def test_a_canned_reply_with_an_alarming_first_line_is_refused(world) -> None:
    with pytest.raises(StaffError, match="lock-screen notification and holds 'polisi'"):
        world.staff.add_canned(world.org.id, "id", "Lapor", "Lapor ke polisi setempat.")
    with pytest.raises(StaffError, match="'shelter'"):
        world.staff.add_canned(world.org.id, "en", "Shelter", "\n  Shelter near you:\n- 999")
    assert world.staff.canned(world.org.id) == []
    # The same words further down are fine: only the first line shows on the lock screen.
    world.staff.add_canned(world.org.id, "id", "Lapor", "Halo, ini Lentera.\nLapor ke polisi.")
    assert [c.title for c in world.staff.canned(world.org.id)] == ["Lapor"]


def test_roles_can_change_and_unknown_roles_are_refused(world) -> None:
    world.staff.set_role(world.caseworker.id, "supervisor")
    assert world.staff.get(world.caseworker.id).role == "supervisor"
    with pytest.raises(StaffError):
        world.staff.set_role(world.caseworker.id, "root")
