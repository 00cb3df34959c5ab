"""Claims nobody answers go back to the queue, and the supervisors are told.

A caseworker who claims a case and then never replies would leave the person waiting behind
a name. Every console process runs this loop (the store's conditional update makes several
instances safe): a claim older than ``LENTERA_CLAIM_TIMEOUT_MINUTES`` with no reply since
returns to the queue with an audit row ``claim_expired``, which the supervisors' queue shows
as an alert (:func:`expired_claims`).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot.cases import CaseStore

logger = logging.getLogger(__name__)
CHECK_SECONDS = 30.0
ALERT_HOURS = 24.0


@dataclass(frozen=True)
class ExpiredClaim:
    """A case that went back to the queue unanswered (no staff name, no content)."""

    ref: str
    at: float


def requeue_once(store: CaseStore, timeout_minutes: float) -> int:
    """Return the stale claims to the queue now; how many went back."""
    requeued = store.requeue_stale(timeout_minutes * 60)
    if requeued:
        logger.warning("%d claimed case(s) had no reply in time: back in the queue", len(requeued))
    return len(requeued)


async def run(store: CaseStore, timeout_minutes: float, every: float = CHECK_SECONDS) -> None:
    """Check forever (cancelled when the console stops); a failed check is retried."""
    while True:
        try:
            await asyncio.to_thread(requeue_once, store, timeout_minutes)
        except Exception:  # noqa: BLE001 - a database hiccup must not stop the watchdog
            logger.exception("Claim watchdog check failed")
        await asyncio.sleep(every)


def expired_claims(store: CaseStore, organisation_id: int, now: float) -> list[ExpiredClaim]:
    """The organisation's claims that expired in the last day and are still waiting."""
    since = now - ALERT_HOURS * 3600
    rows = store.audit_rows(organisation_id=organisation_id, action="claim_expired")
    found: dict[str, ExpiredClaim] = {}
    for row in rows:
        if row.at < since or row.case_id is None:
            continue
        case = store.get(row.case_id, organisation_id)
        if case is not None and case.status == "waiting":
            found[case.ref] = ExpiredClaim(case.ref, row.at)
    return sorted(found.values(), key=lambda c: c.at)
