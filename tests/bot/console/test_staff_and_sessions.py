"""Accounts, lockout, rehash and sessions, without the web layer."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from bot.console.passwords import WeakPassword
from bot.console.sessions import ABSOLUTE_SECONDS, IDLE_SECONDS
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


def test_session_lookup_and_idle_expiry(world) -> None:
    token = world.sessions.create(world.caseworker.id)
    principal = world.sessions.lookup(token)
    assert principal and principal.organisation_id == world.org.id
    assert principal.role == "caseworker" and len(principal.csrf_token) >= 40
    world.clock.advance(IDLE_SECONDS - 60)
    assert world.sessions.lookup(token) is not None  # activity: idle time starts again
    world.clock.advance(IDLE_SECONDS - 60)
    assert world.sessions.lookup(token, touch=False) is not None
    world.clock.advance(120)
    assert world.sessions.lookup(token) is None


def test_session_absolute_expiry_despite_activity(world) -> None:
    token = world.sessions.create(world.caseworker.id)
    for _ in range(int(ABSOLUTE_SECONDS // (20 * 60))):
        world.clock.advance(20 * 60)
        world.sessions.lookup(token)
    world.clock.advance(20 * 60)
    assert world.sessions.lookup(token) is None


def test_revoke_and_disable_end_sessions(world) -> None:
    a = world.sessions.create(world.caseworker.id)
    b = world.sessions.create(world.caseworker.id)
    world.sessions.revoke(world.sessions.lookup(a).session_id)
    assert world.sessions.lookup(a) is None and world.sessions.lookup(b) is not None
    world.staff.set_disabled(world.caseworker.id, True)
    assert world.sessions.lookup(b) is None


def test_session_row_holds_only_the_hash_of_the_token(world) -> None:
    import sqlalchemy as sa

    from bot.console.tables import console_sessions

    token = world.sessions.create(world.caseworker.id)
    with world.engine.connect() as conn:
        ids = [r.id for r in conn.execute(sa.select(console_sessions))]
    assert token not in ids and len(ids[0]) == 64


def test_fast_hasher_is_argon2id() -> None:
    assert FAST_HASHER.hash("x" * 12).startswith("$argon2id$")
