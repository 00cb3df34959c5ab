"""The two content-free logs: the audit log and the change feed.

Both are written inside the transaction that makes the change, so neither can claim something
that did not happen nor miss something that did. Neither holds a word of what anyone wrote.

The change feed is numbered by one counter row, incremented inside the changing
transaction: the row lock (PostgreSQL) or the write lock (SQLite) is held until commit, so
version ``n + 1`` never becomes visible before version ``n``, and a console polling
``version > last_seen`` misses nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot.cases.models import AuditRow, Change
from bot.cases.tables import audit_log, case_changes, case_counter, cases

OUTCOMES = ("ok", "denied")
COUNTER_ID = 1


def ensure_counter(engine: Engine) -> None:
    """Create the counter row if a fresh database lacks it (the migration inserts it)."""
    with engine.connect() as conn:
        present = conn.execute(
            sa.select(case_counter.c.id).where(case_counter.c.id == COUNTER_ID)
        ).first()
    if present is not None:
        return
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(case_counter).values(id=COUNTER_ID, version=0))
    except IntegrityError:
        pass  # another process created it first


def write_audit(
    conn: Connection,
    *,
    at: float,
    actor: str,
    action: str,
    case_id: int | None = None,
    organisation_id: int | None = None,
    outcome: str = "ok",
) -> None:
    """Append one audit row inside ``conn``'s transaction.

    Raises:
        ValueError: If ``outcome`` is not ``ok`` or ``denied``.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"audit outcome must be one of {OUTCOMES}")
    conn.execute(
        sa.insert(audit_log).values(
            at=at,
            actor=actor[:32],
            action=action[:48],
            case_id=case_id,
            organisation_id=organisation_id,
            outcome=outcome,
        )
    )


def read_audit(
    conn: Connection,
    *,
    case_id: int | None = None,
    organisation_id: int | None = None,
    action: str | None = None,
    limit: int = 1000,
) -> list[AuditRow]:
    """Audit rows, oldest first, optionally filtered."""
    t = audit_log
    query = sa.select(t).order_by(t.c.id).limit(limit)
    if case_id is not None:
        query = query.where(t.c.case_id == case_id)
    if organisation_id is not None:
        query = query.where(t.c.organisation_id == organisation_id)
    if action is not None:
        query = query.where(t.c.action == action)
    return [
        AuditRow(r.id, r.at, r.actor, r.action, r.case_id, r.organisation_id, r.outcome)
        for r in conn.execute(query)
    ]


def lock_case(conn: Connection, case_id: int, at: float) -> bool:
    """Lock a case's row for the rest of the transaction; False if there is no such case.

    Every changing transaction starts here and ends with :func:`record_change`: rows are
    always locked case first, counter last, so two transactions never wait on each other
    in a circle. On SQLite, starting with a write also takes the write lock at once (a
    read-then-write transaction could fail with "database is locked" instead of waiting).
    """
    result = conn.execute(sa.update(cases).where(cases.c.id == case_id).values(updated_at=at))
    return result.rowcount == 1


def record_change(conn: Connection, case_id: int, kind: str, at: float) -> int:
    """Take the next version for a change of ``case_id`` and stamp the case with it.

    Call it last in a transaction that began with :func:`lock_case` (or inserted the case).
    """
    conn.execute(
        sa.update(case_counter)
        .where(case_counter.c.id == COUNTER_ID)
        .values(version=case_counter.c.version + 1)
    )
    version = int(
        conn.execute(
            sa.select(case_counter.c.version).where(case_counter.c.id == COUNTER_ID)
        ).scalar_one()
    )
    organisation_id = conn.execute(
        sa.select(cases.c.organisation_id).where(cases.c.id == case_id)
    ).scalar_one()
    conn.execute(
        sa.insert(case_changes).values(
            version=version,
            case_id=case_id,
            organisation_id=organisation_id,
            kind=kind,
            at=at,
        )
    )
    conn.execute(
        sa.update(cases).where(cases.c.id == case_id).values(version=version, updated_at=at)
    )
    return version


def changes_since(
    conn: Connection, organisation_id: int, version: int, *, limit: int = 500
) -> list[Change]:
    """Changes of one organisation's cases after ``version``, oldest first."""
    t = case_changes
    rows = conn.execute(
        sa.select(t.c.version, t.c.case_id, cases.c.ref, t.c.kind, t.c.at)
        .join(cases, cases.c.id == t.c.case_id)
        .where(t.c.organisation_id == organisation_id, t.c.version > version)
        .order_by(t.c.version)
        .limit(limit)
    )
    return [Change(int(v), int(c), str(ref), str(k), float(at)) for v, c, ref, k, at in rows]


def current_version(conn: Connection) -> int:
    """The newest version in the whole database (a console starts its cursor here)."""
    value = conn.execute(
        sa.select(case_counter.c.version).where(case_counter.c.id == COUNTER_ID)
    ).scalar()
    return int(value or 0)
