"""The real `Desk`: opens cases in Lentera's case store from the action server.

The action server reaches the same database as the channels (``LENTERA_DATABASE_URL``) with
the same encryption keys. The transcript comes from the tracker Rasa posts with each turn, so
the caseworker sees what was already said, the assistant's turns included.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from rasa_sdk import Tracker
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from actions.handoff import CONSENT_VERSION, HandoffUnavailable, Team
from actions.state import State
from bot.cases.models import CaseError, OfficeHours
from bot.cases.store import CaseStore
from bot.privacy import erasure
from bot.privacy.consent import Consents
from bot.privacy.retention import Retention
from bot.security.encryption import Cipher
from bot.settings import load_settings
from bot.storage.engine import create_engine

logger = logging.getLogger(__name__)
URGENT_PROBLEMS = {"emergency", "trafficking", "detention"}

_lock = threading.Lock()
_stores: dict[str, tuple[Engine, CaseStore]] = {}


def lentera_database() -> tuple[Engine, CaseStore] | None:
    """The process's engine on Lentera's database and its case store (None without secrets)."""
    settings = load_settings()
    if not settings.encryption_keys:
        return None
    with _lock:
        found = _stores.get(settings.database_url)
        if found is None:
            engine = create_engine(settings.database_url)
            found = (engine, CaseStore(engine, Cipher(settings.encryption_keys)))
            _stores[settings.database_url] = found
        return found


def case_store() -> CaseStore | None:
    """The process's case store, or None when the secrets are not configured."""
    found = lentera_database()
    return found[1] if found else None


def retention_days() -> int:
    """How long a closed case's messages are kept (told to the person when asking consent)."""
    return int(Retention.told().case_days)


def _write(what: str, write: Callable[[Engine], None]) -> bool:
    """Run ``write`` on Lentera's database; False (logged, never raised) if it cannot."""
    try:
        found = lentera_database()
        if found is None:
            return False
        write(found[0])
    except (SQLAlchemyError, OSError) as exc:
        logger.error("%s not recorded (%s)", what, type(exc).__name__)
        return False
    return True


def request_erasure(sender_id: str) -> bool:
    """Record the person's confirmed "delete my data" for the Rasa process to carry out."""
    return _write(
        "Erasure request", lambda engine: erasure.request_erasure(engine, sender_id, time.time())
    )


def record_storage_consent(sender_id: str, agreed: bool) -> bool:
    """Record the person's answer to the storage notice, with its time and version."""
    return _write(
        "Storage consent",
        lambda engine: Consents(engine).record(sender_id, agreed, time.time()),
    )


def transcript(tracker: Tracker) -> list[tuple[str, str, float]]:
    """What the person and the assistant said so far, oldest first."""
    lines: list[tuple[str, str, float]] = []
    for event in tracker.events:
        kind, body = event.get("event"), event.get("text")
        if kind in ("user", "bot") and body:
            author = "person" if kind == "user" else "assistant"
            lines.append((author, str(body), float(event.get("timestamp") or 0.0)))
    return lines


def summary(state: State) -> str:
    """The case summary from what the dialogue knows (no message text)."""
    parts = [
        f"problem: {state.problem or 'unknown'}",
        f"country: {state.country or 'unknown'}",
        f"city: {state.city or 'unknown'}",
        "safe now: " + {True: "yes", False: "no", None: "unknown"}[state.is_safe_now],
        f"language: {state.language}",
    ]
    if state.writer == "relative":
        parts.append("writes for a relative or friend")
    if state.emergency_given:
        parts.append("emergency numbers given")
    if state.money_summary:
        parts.append(state.money_summary)
    return "; ".join(parts)


class CaseDesk:
    """Opens the case of one conversation (the tracker of the current turn)."""

    def __init__(self, store: CaseStore, tracker: Tracker) -> None:
        """Bind the store to the conversation being answered."""
        self.store = store
        self.tracker = tracker
        self.retention_days = retention_days()

    def organisation(self, country: str | None) -> Team:
        """The organisation serving ``country``, else the default one."""
        try:
            found = self.store.organisation_for(country)
        except (CaseError, SQLAlchemyError) as exc:
            raise HandoffUnavailable(type(exc).__name__) from exc
        return Team(found.name, found.office_hours or OfficeHours())

    def open_case(self, state: State, consent_at: float) -> Team:
        """Open (or find) the conversation's case with its summary and transcript."""
        risk = (
            "urgent" if state.is_safe_now is False or state.problem in URGENT_PROBLEMS else "normal"
        )
        try:
            case = self.store.open_case(
                conversation_id=self.tracker.sender_id,
                channel=self.tracker.get_latest_input_channel() or "rest",
                language=state.language,
                country=state.country,
                city=state.city,
                problem=state.problem,
                risk=risk,
                consent_version=CONSENT_VERSION,
                consent_at=consent_at,
                summary=summary(state),
                transcript=transcript(self.tracker),
            )
            found = self.store.get_organisation(case.organisation_id)
        except (CaseError, SQLAlchemyError) as exc:
            logger.error("Case could not be opened (%s)", type(exc).__name__)
            raise HandoffUnavailable(type(exc).__name__) from exc
        logger.info("Case opened for a handoff (risk %s)", risk)
        if found is None:  # the organisation was deleted in between: the case still exists
            return self.organisation(state.country)
        return Team(found.name, found.office_hours or OfficeHours())


def desk_for(tracker: Tracker) -> CaseDesk | None:
    """The desk for this turn, or None when no case store is configured."""
    try:
        store = case_store()
    except (SQLAlchemyError, OSError) as exc:
        logger.error("Case store unavailable (%s)", type(exc).__name__)
        return None
    return CaseDesk(store, tracker) if store is not None else None
