r"""The case store: organisations, cases, transcripts, notes, referrals, replies, audit.

One class over Lentera's database, shared by the channel process (is a handoff open? store
the person's message) and the console (queue, claim, reply). Every method is one short
transaction, and every change in it writes its audit row and its change-feed entry in that
same transaction. Words people wrote are encrypted with :class:`~bot.security.encryption.Cipher`;
the audit log and the change feed never hold any.

Case life cycle::

    open_case -> waiting --claim--> claimed --close/return_to_assistant--> closed
                   ^                   |
                   \--release/expired--/         forget_conversation: closed, "deleted"

While a case is waiting or claimed the assistant is silent for that conversation: the channel
path asks :meth:`CaseStore.active_case` before it calls Rasa.

Safe contact: a caseworker may write first (the person has not written since the case's last
outbound message) only if the person agreed and only in the hours they chose, in their local
time (:meth:`CaseStore.set_contact`, :meth:`CaseStore.contact_check`; the console sends
with ``safe_contact=True``). Until they answer, the answer is no.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import IntegrityError

from bot.cases import journal
from bot.cases import organisations as orgs
from bot.cases.models import (
    AUTHORS,
    CLOSED_REASONS,
    MAX_REPLY_CHARS,
    RISKS,
    AlreadyClaimed,
    AuditRow,
    Case,
    CaseClosed,
    CaseMessage,
    CaseNotFound,
    Change,
    ContactCheck,
    ContactPreference,
    NotAssignee,
    Note,
    OfficeHours,
    Organisation,
    OrganisationExists,
    Referral,
    ReplyRefused,
    local_time,
)
from bot.cases.outbox import FAILED, QUEUED, SENDING, enqueue, person_wrote_last
from bot.cases.tables import (
    CLAIMED,
    CLOSED,
    OPEN_STATUSES,
    WAITING,
    case_messages,
    case_notes,
    case_referrals,
    cases,
    organisations,
    outbox,
)
from bot.places import places
from bot.security.encryption import Cipher
from bot.texts import text

MAX_NOTE_CHARS = 5000
DELETED_CONVERSATION = "deleted"
RETURNED_TEXT_KEY = "handoff_returned"
# What the caseworker sees when the person used the safe word (the console is in English).
PERSON_LEFT_NOTICE = (
    "The person used the safe word and left: someone may be watching their phone. "
    "Do not contact them; wait until they write again."
)
RETURN_TOKEN = "return_to_assistant"  # noqa: S105 - an idempotency key, not a secret
# Safe contact: a caseworker message within this long of the person's latest message is
# still the conversation they started (a second message in a row while they chat), not a
# follow-up after a silence.
ANSWER_GRACE_SECONDS = 15 * 60
# Clearing the safe-contact answer with the rest of a case's content.
NO_CONTACT: dict[str, Any] = {
    "contact_ok": None,
    "contact_from": None,
    "contact_until": None,
    "contact_at": None,
}


def staff_actor(staff_id: int) -> str:
    """Audit actor of a staff member: ``staff:12``."""
    return f"staff:{int(staff_id)}"


class CaseStore:
    """Cases and everything about them, on SQLite or PostgreSQL."""

    def __init__(
        self, engine: Engine, cipher: Cipher, *, clock: Callable[[], float] = time.time
    ) -> None:
        """Create the store (the tables come from the ``0002_case_store`` migration).

        Args:
            engine: Lentera's database engine.
            cipher: Encrypts summaries, messages, notes and queued replies at rest.
            clock: Time source (tests).
        """
        self._engine = engine
        self._cipher = cipher
        self._clock = clock
        journal.ensure_counter(engine)

    # -- organisations -------------------------------------------------------------------

    def create_organisation(
        self,
        name: str,
        countries: Sequence[str] | str,
        languages: Sequence[str] | str = ("id", "en"),
        *,
        default: bool = False,
        office_hours: OfficeHours | dict[str, Any] | None = None,
    ) -> Organisation:
        """Create an organisation; the first one ever, or one made ``default``, is the default.

        Raises:
            OrganisationExists: If the name is taken.
            ValueError: If the name is empty or a country code is not ISO2.
        """
        clean = " ".join(name.split())
        if not clean:
            raise ValueError("an organisation needs a name")
        hours = (
            OfficeHours.from_dict(office_hours) if isinstance(office_hours, dict) else office_hours
        )
        country_list = orgs.country_codes(countries)
        language_list = orgs.language_codes(languages)
        for attempt in range(2):
            try:
                with self._engine.begin() as conn:
                    new_id = orgs.insert(
                        conn,
                        name=clean,
                        countries=country_list,
                        languages=language_list,
                        default=default,
                        office_hours=hours,
                        now=self._clock(),
                    )
                break
            except IntegrityError:
                if self._organisation_named(clean) is not None:
                    raise OrganisationExists(f"an organisation named {clean!r} exists") from None
                if attempt:  # two "first" organisations raced for the default twice
                    raise
        organisation = self.get_organisation(new_id)
        assert organisation is not None
        return organisation

    def _organisation_named(self, name: str) -> Organisation | None:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(organisations).where(organisations.c.name == name)).first()
        return orgs.from_row(row) if row is not None else None

    def set_default_organisation(self, organisation_id: int) -> None:
        """Move the default to ``organisation_id``.

        Raises:
            LookupError: If it does not exist.
        """
        with self._engine.begin() as conn:
            if not orgs.set_default(conn, organisation_id):
                raise LookupError(f"no organisation {organisation_id}")

    def organisations(self) -> list[Organisation]:
        """Every organisation, earliest created first."""
        with self._engine.connect() as conn:
            return orgs.all_organisations(conn)

    def get_organisation(self, organisation_id: int) -> Organisation | None:
        """One organisation, or None."""
        with self._engine.connect() as conn:
            return orgs.by_id(conn, organisation_id)

    def organisation_for(self, country: str | None) -> Organisation:
        """Where a case from ``country`` goes: the earliest serving it, else the default.

        Raises:
            NoOrganisation: If no organisation exists.
        """
        with self._engine.connect() as conn:
            return orgs.route(conn, country)

    # -- opening and the handoff state -----------------------------------------------------

    def open_case(
        self,
        *,
        conversation_id: str,
        channel: str,
        language: str,
        country: str | None,
        city: str | None,
        problem: str | None,
        risk: str,
        consent_version: str,
        consent_at: float,
        summary: str | None,
        transcript: Sequence[tuple[str, str, float]] = (),
    ) -> Case:
        """Open a case after consent, or return the conversation's open one (idempotent).

        Routed to :meth:`organisation_for` ``country``; ``transcript`` is the conversation so
        far as ``(author, text, unix time)``. Writes the audit row ``case_opened``.

        Raises:
            NoOrganisation: If no organisation exists.
            ValueError: If ``risk`` or an author is unknown.
        """
        existing = self.active_case(conversation_id)
        if existing is not None:
            return existing
        if risk not in RISKS:
            raise ValueError(f"risk must be one of {RISKS}")
        for author, _body, _at in transcript:
            _check_author(author)
        organisation = self.organisation_for(country)
        now = self._clock()
        try:
            with self._engine.begin() as conn:
                result = conn.execute(
                    sa.insert(cases).values(
                        ref=secrets.token_urlsafe(12),
                        conversation_id=conversation_id,
                        channel=channel,
                        language=language,
                        country=country.upper() if country else None,
                        city=city,
                        problem=problem,
                        risk=risk,
                        status=WAITING,
                        organisation_id=organisation.id,
                        consent_version=consent_version,
                        consent_at=consent_at,
                        summary=self._cipher.encrypt(summary) if summary else None,
                        created_at=now,
                        updated_at=now,
                        version=0,
                    )
                )
                case_id = int(result.inserted_primary_key[0])
                for author, body, at in transcript:
                    self._insert_message(conn, case_id, author, body, at=at)
                journal.write_audit(
                    conn,
                    at=now,
                    actor="person",
                    action="case_opened",
                    case_id=case_id,
                    organisation_id=organisation.id,
                )
                journal.record_change(conn, case_id, "opened", now)
        except IntegrityError:
            # Another process opened one for this conversation at the same moment.
            existing = self.active_case(conversation_id)
            if existing is not None:
                return existing
            raise
        return self._require(case_id)

    def active_case(self, conversation_id: str) -> Case | None:
        """The conversation's waiting or claimed case: THE handoff state (one indexed query)."""
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(cases).where(
                    cases.c.conversation_id == conversation_id,
                    cases.c.status.in_(OPEN_STATUSES),
                )
            ).first()
        return self._case(row) if row is not None else None

    # -- transcript ------------------------------------------------------------------------

    def _queue_message(
        self,
        conn: Connection,
        row: Row[Any],
        author: str,
        body: str,
        *,
        now: float,
        client_token: str,
        staff_id: int | None = None,
    ) -> int:
        """Store a message for the person in the transcript and queue it in the outbox."""
        message_id = self._insert_message(
            conn, int(row.id), author, body, at=now, staff_id=staff_id, delivery_status=QUEUED
        )
        enqueue(
            conn,
            self._cipher,
            case_id=int(row.id),
            message_id=message_id,
            conversation_id=row.conversation_id,
            channel=row.channel,
            body=body,
            now=now,
            client_token=client_token,
        )
        return message_id

    def _insert_message(
        self,
        conn: Connection,
        case_id: int,
        author: str,
        body: str,
        *,
        at: float,
        staff_id: int | None = None,
        delivery_status: str | None = None,
        source_key: str | None = None,
    ) -> int:
        result = conn.execute(
            sa.insert(case_messages).values(
                case_id=case_id,
                author=author,
                staff_id=staff_id,
                body=self._cipher.encrypt(body),
                at=at,
                delivery_status=delivery_status,
                source_key=source_key,
            )
        )
        return int(result.inserted_primary_key[0])

    def add_message(
        self,
        case_id: int,
        author: str,
        body: str,
        *,
        staff_id: int | None = None,
        source_key: str | None = None,
    ) -> int:
        """Append a message to an open case's transcript; return its id.

        Args:
            case_id: The case.
            author: ``person``, ``assistant``, ``caseworker`` or ``system``.
            body: The text (stored encrypted).
            staff_id: The caseworker, for their messages.
            source_key: The inbox dedup key of a person's message: a redelivered message
                (a crash before the inbox row was completed) is stored once.

        Raises:
            CaseNotFound: If there is no such case.
            CaseClosed: If it is closed: the message belongs to the assistant again.
        """
        _check_author(author)
        now = self._clock()
        with self._engine.begin() as conn:
            row = self._lock(conn, case_id, now)
            if row.status == CLOSED:
                raise CaseClosed(f"case {case_id} is closed")
            if source_key is not None:
                known = conn.execute(
                    sa.select(case_messages.c.id).where(
                        case_messages.c.case_id == case_id,
                        case_messages.c.source_key == source_key,
                    )
                ).scalar()
                if known is not None:
                    return int(known)
            message_id = self._insert_message(
                conn, case_id, author, body, at=now, staff_id=staff_id, source_key=source_key
            )
            journal.record_change(conn, case_id, "message", now)
        return message_id

    def transcript(self, case_id: int) -> list[CaseMessage]:
        """The case's messages, oldest first, decrypted (empty bodies once deleted)."""
        t = case_messages
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(t).where(t.c.case_id == case_id).order_by(t.c.id))
            return [
                CaseMessage(
                    id=int(r.id),
                    case_id=int(r.case_id),
                    author=str(r.author),
                    staff_id=r.staff_id,
                    body=self._decrypt(r.body),
                    at=float(r.at),
                    delivery_status=r.delivery_status,
                )
                for r in rows
            ]

    def mark_urgent(self, case_id: int) -> Case:
        """Flag a case urgent (a danger phrase during the handoff); idempotent.

        Raises:
            CaseNotFound: If there is no such case.
        """
        now = self._clock()
        with self._engine.begin() as conn:
            row = self._lock(conn, case_id, now)
            if row.risk != "urgent":
                conn.execute(sa.update(cases).where(cases.c.id == case_id).values(risk="urgent"))
                self._audit(conn, "system", "marked_urgent", row, now)
                journal.record_change(conn, case_id, "urgent", now)
        return self._require(case_id)

    # -- claiming and closing --------------------------------------------------------------

    def claim(self, case_id: int, staff_id: int) -> Case:
        """Take a waiting case; claiming again one's own claim is fine.

        Raises:
            AlreadyClaimed: If another staff member holds it (the console answers 409).
            CaseClosed: If it is closed.
            CaseNotFound: If there is no such case.
        """
        now = self._clock()
        c = cases
        refusal: Exception | None = None
        with self._engine.begin() as conn:
            # The conditional UPDATE is the claim: of two racing claims only one matches.
            result = conn.execute(
                sa.update(c)
                .where(
                    c.c.id == case_id,
                    sa.or_(
                        c.c.status == WAITING,
                        sa.and_(c.c.status == CLAIMED, c.c.assignee_id == staff_id),
                    ),
                )
                .values(
                    status=CLAIMED,
                    assignee_id=staff_id,
                    claimed_at=sa.case((c.c.status == WAITING, now), else_=c.c.claimed_at),
                    updated_at=now,
                )
            )
            row = conn.execute(sa.select(c).where(c.c.id == case_id)).first()
            if row is None:
                raise CaseNotFound(f"no case {case_id}")
            if result.rowcount == 1:
                self._audit(conn, staff_actor(staff_id), "claim", row, now)
                journal.record_change(conn, case_id, "claimed", now)
            else:
                self._audit(conn, staff_actor(staff_id), "claim", row, now, outcome="denied")
                closed = row.status == CLOSED
                refusal = CaseClosed(f"case {case_id} is closed") if closed else None
                refusal = refusal or AlreadyClaimed(row.assignee_id)
        if refusal is not None:
            raise refusal
        return self._require(case_id)

    def release(self, case_id: int, staff_id: int) -> Case:
        """Give one's claim back to the queue.

        Raises:
            NotAssignee: If ``staff_id`` does not hold the case.
            CaseClosed: If it is closed.
            CaseNotFound: If there is no such case.
        """

        def change(conn: Connection, row: Row[Any], now: float) -> str:
            if row.status != CLAIMED or row.assignee_id != staff_id:
                raise NotAssignee(f"staff {staff_id} does not hold case {case_id}")
            conn.execute(
                sa.update(cases)
                .where(cases.c.id == case_id)
                .values(status=WAITING, assignee_id=None, claimed_at=None)
            )
            return "released"

        return self._transition(case_id, staff_id, "release", change)

    def reassign(self, case_id: int, staff_id: int, to_staff_id: int) -> Case:
        """Hand a case to another staff member (a supervisor's action; roles are the console's).

        Raises:
            CaseClosed: If it is closed.
            CaseNotFound: If there is no such case.
        """

        def change(conn: Connection, row: Row[Any], now: float) -> str:
            conn.execute(
                sa.update(cases)
                .where(cases.c.id == case_id)
                .values(status=CLAIMED, assignee_id=to_staff_id, claimed_at=now)
            )
            return "reassigned"

        return self._transition(case_id, staff_id, "reassign", change)

    def close(self, case_id: int, staff_id: int, reason: str = "closed") -> Case:
        """Close a case; the assistant answers the person again (reason ``closed`` or ``left``).

        Raises:
            ValueError: If ``reason`` is not one of :data:`~bot.cases.models.CLOSED_REASONS`.
            CaseClosed: If it is closed already.
            CaseNotFound: If there is no such case.
        """
        if reason not in CLOSED_REASONS:
            raise ValueError(f"reason must be one of {CLOSED_REASONS}")

        def change(conn: Connection, row: Row[Any], now: float) -> str:
            conn.execute(
                sa.update(cases)
                .where(cases.c.id == case_id)
                .values(status=CLOSED, closed_at=now, closed_reason=reason)
            )
            return "closed"

        return self._transition(case_id, staff_id, "close", change)

    def return_to_assistant(self, case_id: int, staff_id: int) -> Case:
        """Close with reason ``returned`` and queue the one short resume message.

        The message (``handoff_returned`` in the case's language) is stored in the transcript
        and queued in the outbox in the same transaction as the status change.

        Raises:
            CaseClosed: If it is closed already (so the resume message goes out once).
            CaseNotFound: If there is no such case.
        """

        def change(conn: Connection, row: Row[Any], now: float) -> str:
            conn.execute(
                sa.update(cases)
                .where(cases.c.id == case_id)
                .values(status=CLOSED, closed_at=now, closed_reason="returned")
            )
            body = text(RETURNED_TEXT_KEY, row.language)
            self._queue_message(conn, row, "assistant", body, now=now, client_token=RETURN_TOKEN)
            return "closed"

        return self._transition(case_id, staff_id, "return_to_assistant", change)

    def person_left(self, case_id: int) -> bool:
        """The person used the safe word: close (``left``), tell the caseworker, send nothing.

        Unsent replies are cancelled; the transcript gets a system line the caseworker sees.
        Returns False if the case was closed already.
        """
        now = self._clock()
        with self._engine.begin() as conn:
            row = self._lock(conn, case_id, now)
            if row.status == CLOSED:
                return False
            conn.execute(
                sa.update(cases)
                .where(cases.c.id == case_id)
                .values(status=CLOSED, closed_at=now, closed_reason="left")
            )
            conn.execute(
                sa.update(outbox)
                .where(outbox.c.case_id == case_id, outbox.c.status.in_((QUEUED, SENDING)))
                .values(status=FAILED, last_error="person_left", lease_until=None)
            )
            self._insert_message(conn, case_id, "system", PERSON_LEFT_NOTICE, at=now)
            self._audit(conn, "person", "person_left", row, now)
            journal.record_change(conn, case_id, "closed", now)
        return True

    def _transition(
        self,
        case_id: int,
        staff_id: int,
        action: str,
        change: Callable[[Connection, Row[Any], float], str],
    ) -> Case:
        now = self._clock()
        refusal: Exception | None = None
        with self._engine.begin() as conn:
            row = self._lock(conn, case_id, now)
            try:
                if row.status == CLOSED:
                    raise CaseClosed(f"case {case_id} is closed")
                kind = change(conn, row, now)
            except (CaseClosed, NotAssignee) as exc:
                refusal = exc
                self._audit(conn, staff_actor(staff_id), action, row, now, outcome="denied")
            else:
                self._audit(conn, staff_actor(staff_id), action, row, now)
                journal.record_change(conn, case_id, kind, now)
        if refusal is not None:
            raise refusal
        return self._require(case_id)

    # -- the console's views ---------------------------------------------------------------

    def queue(
        self,
        organisation_id: int,
        *,
        status: str | None = None,
        risk: str | None = None,
        country: str | None = None,
        language: str | None = None,
        limit: int = 200,
    ) -> list[Case]:
        """An organisation's cases, urgent first, then longest waiting.

        Args:
            organisation_id: Whose queue.
            status: ``waiting``, ``claimed`` or ``closed``; None: waiting and claimed.
            risk: ``normal`` or ``urgent``, or None for both.
            country: ISO2 code, or None for all.
            language: Language code, or None for all.
            limit: Most cases returned.
        """
        c = cases
        query = sa.select(c).where(c.c.organisation_id == organisation_id)
        query = query.where(c.c.status == status if status else c.c.status.in_(OPEN_STATUSES))
        if risk:
            query = query.where(c.c.risk == risk)
        if country:
            query = query.where(c.c.country == country.upper())
        if language:
            query = query.where(c.c.language == language)
        urgent_first = sa.case((c.c.risk == "urgent", 0), else_=1)
        query = query.order_by(urgent_first, c.c.created_at, c.c.id).limit(limit)
        with self._engine.connect() as conn:
            return [self._case(r) for r in conn.execute(query)]

    def count(self, organisation_id: int, status: str) -> int:
        """How many of the organisation's cases have ``status`` (one SQL count, no decryption)."""
        query = sa.select(sa.func.count()).where(
            cases.c.organisation_id == organisation_id, cases.c.status == status
        )
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def get(self, case_ref_or_id: str | int, organisation_id: int) -> Case | None:
        """One case of ``organisation_id`` by public ref (str) or id (int); None otherwise.

        Another organisation's case is None, exactly like a case that does not exist.
        """
        c = cases
        key = (
            c.c.id == case_ref_or_id
            if isinstance(case_ref_or_id, int)
            else c.c.ref == str(case_ref_or_id)
        )
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(c).where(key, c.c.organisation_id == organisation_id)
            ).first()
        return self._case(row) if row is not None else None

    def cases_of(self, organisation_id: int, *, limit: int = 1000) -> list[Case]:
        """All of an organisation's cases, newest first (supervisors)."""
        c = cases
        query = (
            sa.select(c)
            .where(c.c.organisation_id == organisation_id)
            .order_by(c.c.created_at.desc(), c.c.id.desc())
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [self._case(r) for r in conn.execute(query)]

    def changes_since(
        self, organisation_id: int, version: int, *, limit: int = 500
    ) -> list[Change]:
        """What changed in an organisation's cases after ``version`` (stream by polling)."""
        with self._engine.connect() as conn:
            return journal.changes_since(conn, organisation_id, version, limit=limit)

    def current_version(self) -> int:
        """The newest change version (where a new console stream starts)."""
        with self._engine.connect() as conn:
            return journal.current_version(conn)

    # -- safe contact ----------------------------------------------------------------------

    def set_contact(self, case_id: int, preference: ContactPreference) -> bool:
        """Record the person's answer: may a caseworker write first, and when.

        Only once per case, while it is open: True if recorded now, False if the case had
        an answer already (a redelivered message) or is closed. Audit ``contact_preference``
        (by the person, no content); the change feed says ``contact``.

        Raises:
            CaseNotFound: If there is no such case.
        """
        now = self._clock()
        with self._engine.begin() as conn:
            row = self._lock(conn, case_id, now)
            if row.status == CLOSED or row.contact_ok is not None:
                return False
            conn.execute(
                sa.update(cases)
                .where(cases.c.id == case_id)
                .values(
                    contact_ok=preference.agreed,
                    contact_from=preference.start,
                    contact_until=preference.end,
                    contact_at=now,
                )
            )
            self._audit(conn, "person", "contact_preference", row, now)
            journal.record_change(conn, case_id, "contact", now)
        return True

    def person_time_zone(self, case: Case) -> str:
        """The person's IANA time zone: their country's, else their organisation's hours'."""
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(cases).where(cases.c.id == case.id)).first()
            if row is None:
                raise CaseNotFound(f"no case {case.id}")
            return self._time_zone(conn, row)

    def contact_check(self, case_id: int) -> ContactCheck:
        """Would a caseworker message now write first, and would safe contact allow it?

        Raises:
            CaseNotFound: If there is no such case.
        """
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(cases).where(cases.c.id == case_id)).first()
            if row is None:
                raise CaseNotFound(f"no case {case_id}")
            return self._contact_check(conn, row, self._clock())

    def _time_zone(self, conn: Connection, row: Row[Any]) -> str:
        zone = places().time_zone(row.country)
        if zone is not None:
            return zone
        # No country, or one outside the directory: the organisation's office-hours zone
        # (the default organisation's, Asia/Jakarta, when it states none).
        organisation = orgs.by_id(conn, int(row.organisation_id))
        hours = organisation.office_hours if organisation is not None else None
        return (hours or OfficeHours()).tz

    def _contact_check(self, conn: Connection, row: Row[Any], now: float) -> ContactCheck:
        case_id = int(row.id)
        preference = _preference(row)
        zone = self._time_zone(conn, row)
        local = local_time(now, zone)
        writes_first = not person_wrote_last(conn, case_id)
        if writes_first:
            person_at = conn.execute(
                sa.select(sa.func.max(case_messages.c.at)).where(
                    case_messages.c.case_id == case_id, case_messages.c.author == "person"
                )
            ).scalar()
            writes_first = person_at is None or now - float(person_at) > ANSWER_GRACE_SECONDS
        refusal: str | None = None
        if writes_first:
            if preference is None or not preference.agreed:
                refusal = "not_agreed"
            elif not preference.allows(local):
                refusal = "outside_hours"
        return ContactCheck(preference, zone, local, writes_first, refusal)

    # -- replies, notes, referrals ---------------------------------------------------------

    def send_reply(
        self,
        case_id: int,
        staff_id: int,
        body: str,
        *,
        client_token: str,
        safe_contact: bool = False,
    ) -> int:
        """Queue a caseworker's reply for delivery; return the case message id.

        The case message (delivery status ``queued``) and the outbox row are written in one
        transaction. The same ``client_token`` again (a double click) returns the first
        message's id and queues nothing.

        With ``safe_contact`` (the console), a message that writes first is refused unless
        the person agreed to it and it is inside their hours (:meth:`contact_check`, decided
        in the same transaction); a reply to the person's message always goes.

        Raises:
            ReplyRefused: ``empty``, ``too_long`` (over 2000 characters), ``closed``,
                ``deleted``, ``not_claimed``, ``claimed_by_other``, ``not_agreed`` or
                ``outside_hours``; nothing is stored but the denied audit row (action
                ``reply``, or ``reply_writes_first`` for the last two).
            CaseNotFound: If there is no such case.
        """
        clean = body.strip()
        token = str(client_token)[:64]
        now = self._clock()
        refusal: str | None = None
        message_id = 0
        if not clean:
            refusal = "empty"
        elif len(clean) > MAX_REPLY_CHARS:
            refusal = "too_long"
        with self._engine.begin() as conn:
            row = self._lock(conn, case_id, now)
            known = conn.execute(
                sa.select(outbox.c.message_id).where(
                    outbox.c.case_id == case_id, outbox.c.client_token == token
                )
            ).first()
            if known is not None and known[0] is not None:
                return int(known[0])
            refusal = refusal or _reply_refusal(row, staff_id)
            action = "reply"
            if refusal is None and safe_contact:
                refusal = self._contact_check(conn, row, now).refusal
                action = "reply_writes_first"
            if refusal is not None:
                self._audit(conn, staff_actor(staff_id), action, row, now, outcome="denied")
            else:
                message_id = self._queue_message(
                    conn, row, "caseworker", clean, now=now, client_token=token, staff_id=staff_id
                )
                conn.execute(
                    sa.update(cases)
                    .where(cases.c.id == case_id)
                    .values(
                        first_reply_at=sa.func.coalesce(cases.c.first_reply_at, now),
                        last_reply_at=now,
                    )
                )
                self._audit(conn, staff_actor(staff_id), "reply", row, now)
                journal.record_change(conn, case_id, "reply", now)
        if refusal is not None:
            raise ReplyRefused(refusal)
        return message_id

    def add_note(self, case_id: int, staff_id: int, body: str) -> int:
        """Add an internal note (never delivered); return its id.

        Raises:
            ReplyRefused: ``empty``, ``too_long`` (over 5000 characters) or ``deleted``.
            CaseNotFound: If there is no such case.
        """
        clean = body.strip()
        if not clean:
            raise ReplyRefused("empty")
        if len(clean) > MAX_NOTE_CHARS:
            raise ReplyRefused("too_long")
        now = self._clock()
        with self._engine.begin() as conn:
            row = self._lock(conn, case_id, now)
            if row.closed_reason == "deleted":
                raise ReplyRefused("deleted")
            result = conn.execute(
                sa.insert(case_notes).values(
                    case_id=case_id, staff_id=staff_id, body=self._cipher.encrypt(clean), at=now
                )
            )
            self._audit(conn, staff_actor(staff_id), "note", row, now)
            journal.record_change(conn, case_id, "note", now)
        return int(result.inserted_primary_key[0])

    def notes(self, case_id: int) -> list[Note]:
        """A case's internal notes, oldest first."""
        t = case_notes
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(t).where(t.c.case_id == case_id).order_by(t.c.id))
            return [
                Note(int(r.id), int(r.case_id), int(r.staff_id), self._decrypt(r.body), float(r.at))
                for r in rows
            ]

    def add_referral(self, case_id: int, staff_id: int, entry_id: str) -> int:
        """Record that the person was referred to a directory entry; return its id.

        Raises:
            CaseNotFound: If there is no such case.
        """
        now = self._clock()
        with self._engine.begin() as conn:
            row = self._lock(conn, case_id, now)
            result = conn.execute(
                sa.insert(case_referrals).values(
                    case_id=case_id, entry_id=str(entry_id)[:120], staff_id=staff_id, at=now
                )
            )
            self._audit(conn, staff_actor(staff_id), "referral", row, now)
            journal.record_change(conn, case_id, "referral", now)
        return int(result.inserted_primary_key[0])

    def referrals(self, case_id: int) -> list[Referral]:
        """A case's referrals, oldest first."""
        t = case_referrals
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(t).where(t.c.case_id == case_id).order_by(t.c.id))
            return [
                Referral(int(r.id), int(r.case_id), str(r.entry_id), int(r.staff_id), float(r.at))
                for r in rows
            ]

    # -- audit -----------------------------------------------------------------------------

    def audit(
        self,
        actor: str,
        action: str,
        *,
        case_id: int | None = None,
        organisation_id: int | None = None,
        outcome: str = "ok",
    ) -> None:
        """Append an audit row (views, logins, refused accesses); never pass content.

        Args:
            actor: ``staff:12``, ``person`` or ``system``.
            action: What was done, e.g. ``view_case``, ``login``.
            case_id: The case concerned, if any.
            organisation_id: The organisation (taken from the case when omitted).
            outcome: ``ok`` or ``denied``.
        """
        with self._engine.begin() as conn:
            if case_id is not None and organisation_id is None:
                organisation_id = conn.execute(
                    sa.select(cases.c.organisation_id).where(cases.c.id == case_id)
                ).scalar()
            journal.write_audit(
                conn,
                at=self._clock(),
                actor=actor,
                action=action,
                case_id=case_id,
                organisation_id=organisation_id,
                outcome=outcome,
            )

    def audit_rows(
        self,
        *,
        case_id: int | None = None,
        organisation_id: int | None = None,
        action: str | None = None,
        limit: int = 1000,
    ) -> list[AuditRow]:
        """Audit rows, oldest first (tests, the admin's view)."""
        with self._engine.connect() as conn:
            return journal.read_audit(
                conn, case_id=case_id, organisation_id=organisation_id, action=action, limit=limit
            )

    # -- housekeeping ----------------------------------------------------------------------

    def stale_claims(self, older_than_seconds: float) -> list[Case]:
        """Claims older than ``older_than_seconds`` with no reply since they were taken."""
        c = cases
        cutoff = self._clock() - older_than_seconds
        query = (
            sa.select(c)
            .where(
                c.c.status == CLAIMED,
                c.c.claimed_at < cutoff,
                sa.or_(c.c.last_reply_at.is_(None), c.c.last_reply_at < c.c.claimed_at),
            )
            .order_by(c.c.claimed_at)
        )
        with self._engine.connect() as conn:
            return [self._case(r) for r in conn.execute(query)]

    def requeue_stale(self, older_than_seconds: float) -> list[Case]:
        """Return stale claims to the queue (audit ``claim_expired``; the feed alerts)."""
        requeued: list[Case] = []
        for stale in self.stale_claims(older_than_seconds):
            now = self._clock()
            with self._engine.begin() as conn:
                row = self._lock(conn, stale.id, now)
                still = (
                    row.status == CLAIMED
                    and row.assignee_id == stale.assignee_id
                    and row.claimed_at == stale.claimed_at
                )
                if not still:
                    continue
                conn.execute(
                    sa.update(cases)
                    .where(cases.c.id == stale.id)
                    .values(status=WAITING, assignee_id=None, claimed_at=None)
                )
                self._audit(conn, "system", "claim_expired", row, now)
                journal.record_change(conn, stale.id, "claim_expired", now)
            requeued.append(self._require(stale.id))
        return requeued

    def forget_conversation(self, conversation_id: str) -> int:
        """Delete what a person wrote, at their request; return the number of cases touched.

        Every case of the conversation becomes a content-free tombstone: summary, city,
        the safe-contact answer, messages, notes and unsent replies blanked, status
        ``closed``, reason ``deleted``, the link to the conversation cut. The audit rows
        (content-free) stay.
        """
        with self._engine.connect() as conn:
            ids = [
                int(i)
                for (i,) in conn.execute(
                    sa.select(cases.c.id).where(cases.c.conversation_id == conversation_id)
                )
            ]
        if not ids:
            return 0
        now = self._clock()
        with self._engine.begin() as conn:
            rows = [self._lock(conn, case_id, now) for case_id in sorted(ids)]
            conn.execute(
                sa.update(case_messages).where(case_messages.c.case_id.in_(ids)).values(body=None)
            )
            conn.execute(
                sa.update(case_notes).where(case_notes.c.case_id.in_(ids)).values(body=None)
            )
            conn.execute(
                sa.update(outbox)
                .where(outbox.c.case_id.in_(ids), outbox.c.status.in_((QUEUED, SENDING)))
                .values(status=FAILED, last_error="deleted", lease_until=None)
            )
            conn.execute(
                sa.update(outbox)
                .where(outbox.c.case_id.in_(ids))
                .values(body=None, conversation_id=DELETED_CONVERSATION)
            )
            conn.execute(
                sa.update(cases)
                .where(cases.c.id.in_(ids))
                .values(
                    summary=None,
                    city=None,
                    **NO_CONTACT,
                    conversation_id=DELETED_CONVERSATION,
                    status=CLOSED,
                    closed_reason="deleted",
                    closed_at=sa.func.coalesce(cases.c.closed_at, now),
                )
            )
            for row in rows:
                self._audit(conn, "person", "deleted_at_persons_request", row, now)
                journal.record_change(conn, int(row.id), "deleted", now)
        return len(ids)

    def purge_closed(self, closed_before: float) -> int:
        """Retention: blank the content of cases closed before ``closed_before``.

        Messages, notes, summary, city and the safe-contact answer go; the case row stays as
        a content-free record (counts for the dashboard, the audit trail). Returns the
        number of cases purged.
        """
        with self._engine.connect() as conn:
            ids = [
                int(i)
                for (i,) in conn.execute(
                    sa.select(cases.c.id).where(
                        cases.c.status == CLOSED,
                        cases.c.closed_at < closed_before,
                        sa.or_(
                            cases.c.summary.is_not(None),
                            cases.c.city.is_not(None),
                            cases.c.contact_ok.is_not(None),
                        )
                        | cases.c.id.in_(
                            sa.select(case_messages.c.case_id).where(
                                case_messages.c.body.is_not(None)
                            )
                        ),
                    )
                )
            ]
        if not ids:
            return 0
        now = self._clock()
        with self._engine.begin() as conn:
            rows = [self._lock(conn, case_id, now) for case_id in sorted(ids)]
            conn.execute(
                sa.update(case_messages).where(case_messages.c.case_id.in_(ids)).values(body=None)
            )
            conn.execute(
                sa.update(case_notes).where(case_notes.c.case_id.in_(ids)).values(body=None)
            )
            conn.execute(sa.update(outbox).where(outbox.c.case_id.in_(ids)).values(body=None))
            conn.execute(
                sa.update(cases)
                .where(cases.c.id.in_(ids))
                .values(summary=None, city=None, **NO_CONTACT)
            )
            for row in rows:
                self._audit(conn, "system", "retention_purge", row, now)
        return len(ids)

    # -- helpers ---------------------------------------------------------------------------

    def _lock(self, conn: Connection, case_id: int, now: float) -> Row[Any]:
        if not journal.lock_case(conn, case_id, now):
            raise CaseNotFound(f"no case {case_id}")
        return conn.execute(sa.select(cases).where(cases.c.id == case_id)).one()

    def _audit(
        self,
        conn: Connection,
        actor: str,
        action: str,
        row: Row[Any],
        now: float,
        *,
        outcome: str = "ok",
    ) -> None:
        journal.write_audit(
            conn,
            at=now,
            actor=actor,
            action=action,
            case_id=int(row.id),
            organisation_id=int(row.organisation_id),
            outcome=outcome,
        )

    def _require(self, case_id: int) -> Case:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(cases).where(cases.c.id == case_id)).first()
        if row is None:
            raise CaseNotFound(f"no case {case_id}")
        return self._case(row)

    def _decrypt(self, value: str | None) -> str:
        return self._cipher.decrypt(value) if value else ""

    def _case(self, row: Row[Any]) -> Case:
        return Case(
            id=int(row.id),
            ref=str(row.ref),
            conversation_id=str(row.conversation_id),
            channel=str(row.channel),
            language=str(row.language),
            country=row.country,
            city=row.city,
            problem=row.problem,
            risk=str(row.risk),
            status=str(row.status),
            assignee_id=row.assignee_id,
            organisation_id=int(row.organisation_id),
            consent_version=str(row.consent_version),
            consent_at=float(row.consent_at),
            summary=self._cipher.decrypt(row.summary) if row.summary else None,
            created_at=float(row.created_at),
            updated_at=float(row.updated_at),
            claimed_at=row.claimed_at,
            first_reply_at=row.first_reply_at,
            last_reply_at=row.last_reply_at,
            closed_at=row.closed_at,
            closed_reason=row.closed_reason,
            version=int(row.version or 0),
            contact=_preference(row),
            contact_at=row.contact_at,
        )


def _check_author(author: str) -> None:
    if author not in AUTHORS:
        raise ValueError(f"author must be one of {AUTHORS}")


def _preference(row: Row[Any]) -> ContactPreference | None:
    """The safe-contact answer stored on a case row (None: not answered)."""
    if row.contact_ok is None:
        return None
    if not row.contact_ok or row.contact_from is None or row.contact_until is None:
        return ContactPreference(bool(row.contact_ok))
    return ContactPreference(True, str(row.contact_from), str(row.contact_until))


def _reply_refusal(row: Row[Any], staff_id: int) -> str | None:
    if row.status == CLOSED:
        return "deleted" if row.closed_reason == "deleted" else "closed"
    if row.status == WAITING:
        return "not_claimed"
    if row.assignee_id != staff_id:
        return "claimed_by_other"
    return None
