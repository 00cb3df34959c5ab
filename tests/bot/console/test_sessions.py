"""Server-side sessions: hashed tokens, idle and absolute expiry, revocation."""

from __future__ import annotations

import sqlalchemy as sa

from bot.console.sessions import ABSOLUTE_SECONDS, IDLE_SECONDS, session_id_of
from bot.console.tables import console_sessions


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
    token = world.sessions.create(world.caseworker.id)
    with world.engine.connect() as conn:
        ids = [r.id for r in conn.execute(sa.select(console_sessions))]
    assert token not in ids and len(ids[0]) == 64


def test_purge_removes_only_dead_sessions(world) -> None:
    live = world.sessions.create(world.caseworker.id)
    dead = world.sessions.create(world.caseworker2.id)
    world.sessions.revoke(session_id_of(dead))
    assert world.sessions.purge() == 1
    assert world.sessions.lookup(live) is not None


def test_session_id_is_the_hex_sha256_of_the_token() -> None:
    assert (
        session_id_of("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
