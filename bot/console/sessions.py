"""Server-side console sessions: a random cookie token, its SHA-256 as the row key.

A session ends when it is revoked (logout, the staff member disabled), after 30 minutes
without a request, or 12 hours after login, whichever comes first. Lookups refresh
``last_seen_at`` unless the request is passive (the live event stream and the refreshes it
triggers), so an open but unattended console still times out.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.console.security import new_token
from bot.console.tables import console_sessions, staff

IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 60 * 60
TOUCH_EVERY_SECONDS = 15.0  # fewer writes: last_seen_at moves at most this often


@dataclass(frozen=True)
class Principal:
    """Who is asking, from a live session.

    Attributes:
        staff_id: The staff member.
        organisation_id: Their organisation: every case query is filtered by it.
        role: ``caseworker``, ``supervisor`` or ``admin``.
        email: Their e-mail (shown in the header, never in the audit log).
        session_id: The session row (hash of the cookie token).
        csrf_token: The synchronizer token of this session.
    """

    staff_id: int
    organisation_id: int
    role: str
    email: str
    session_id: str
    csrf_token: str

    @property
    def actor(self) -> str:
        """The audit actor, ``staff:<id>``."""
        return f"staff:{self.staff_id}"


def session_id_of(token: str) -> str:
    """The row key of a cookie token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SessionStore:
    """Create, look up and revoke console sessions."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], float] = time.time,
        idle_seconds: float = IDLE_SECONDS,
        absolute_seconds: float = ABSOLUTE_SECONDS,
    ) -> None:
        """Create the store over the console tables (revision ``0003_console``)."""
        self._engine = engine
        self._clock = clock
        self.idle_seconds = idle_seconds
        self.absolute_seconds = absolute_seconds

    def create(self, staff_id: int) -> str:
        """Start a session for ``staff_id``; return the cookie token (shown only here)."""
        token = new_token()
        now = self._clock()
        with self._engine.begin() as conn:
            conn.execute(
                sa.insert(console_sessions).values(
                    id=session_id_of(token),
                    staff_id=staff_id,
                    csrf_token=new_token(),
                    created_at=now,
                    last_seen_at=now,
                    revoked_at=None,
                )
            )
        return token

    def lookup(self, token: str | None, *, touch: bool = True) -> Principal | None:
        """The principal of a live session, or None (unknown, revoked, expired, disabled).

        Args:
            token: The cookie value.
            touch: Count this request as activity (refresh ``last_seen_at``).
        """
        if not token or len(token) > 128:
            return None
        s, t = console_sessions, staff
        now = self._clock()
        query = (
            sa.select(
                s.c.id,
                s.c.csrf_token,
                s.c.created_at,
                s.c.last_seen_at,
                t.c.id.label("staff_id"),
                t.c.organisation_id,
                t.c.role,
                t.c.email,
            )
            .join(t, t.c.id == s.c.staff_id)
            .where(
                s.c.id == session_id_of(token),
                s.c.revoked_at.is_(None),
                t.c.disabled.is_(False),
                s.c.created_at > now - self.absolute_seconds,
                s.c.last_seen_at > now - self.idle_seconds,
            )
        )
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        if touch and now - float(row.last_seen_at) >= TOUCH_EVERY_SECONDS:
            with self._engine.begin() as conn:
                conn.execute(
                    sa.update(s)
                    .where(s.c.id == row.id, s.c.revoked_at.is_(None))
                    .values(last_seen_at=now)
                )
        return Principal(
            staff_id=int(row.staff_id),
            organisation_id=int(row.organisation_id),
            role=str(row.role),
            email=str(row.email),
            session_id=str(row.id),
            csrf_token=str(row.csrf_token),
        )

    def revoke(self, session_id: str) -> None:
        """End one session (logout)."""
        with self._engine.begin() as conn:
            conn.execute(
                sa.update(console_sessions)
                .where(console_sessions.c.id == session_id, console_sessions.c.revoked_at.is_(None))
                .values(revoked_at=self._clock())
            )

    def revoke_all(self, staff_id: int) -> int:
        """End every session of a staff member (disabled, role changed); return how many."""
        with self._engine.begin() as conn:
            result = conn.execute(
                sa.update(console_sessions)
                .where(
                    console_sessions.c.staff_id == staff_id,
                    console_sessions.c.revoked_at.is_(None),
                )
                .values(revoked_at=self._clock())
            )
        return int(result.rowcount or 0)

    def purge(self) -> int:
        """Delete sessions that can no longer be used; return how many."""
        now = self._clock()
        s = console_sessions
        with self._engine.begin() as conn:
            result = conn.execute(
                sa.delete(s).where(
                    sa.or_(
                        s.c.revoked_at.is_not(None),
                        s.c.created_at <= now - self.absolute_seconds,
                        s.c.last_seen_at <= now - self.idle_seconds,
                    )
                )
            )
        return int(result.rowcount or 0)
