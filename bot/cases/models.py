"""What the case store hands out: frozen records and the errors it raises."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

AUTHORS = ("person", "assistant", "caseworker", "system")
RISKS = ("normal", "urgent")
CLOSED_REASONS = ("returned", "closed", "deleted", "left")
MAX_REPLY_CHARS = 2000


class CaseError(Exception):
    """Base of the case store's refusals (messages carry no content)."""


class CaseNotFound(CaseError, LookupError):
    """No case with this id."""


class NoOrganisation(CaseError, LookupError):
    """No organisation exists yet: a case has nowhere to go (``make run`` seeds one)."""


class OrganisationExists(CaseError, ValueError):
    """An organisation with this name exists already."""


class AlreadyClaimed(CaseError):
    """Another staff member holds the case (the console answers 409).

    Attributes:
        assignee_id: Who holds it.
    """

    def __init__(self, assignee_id: int | None) -> None:
        super().__init__(f"case is claimed by staff {assignee_id}")
        self.assignee_id = assignee_id


class CaseClosed(CaseError):
    """The case is closed (or deleted): nothing more can happen to it."""


class NotAssignee(CaseError):
    """Only the staff member holding the case may do this."""


class ReplyRefused(CaseError):
    """A caseworker reply was not queued.

    Attributes:
        reason: ``empty``, ``too_long``, ``closed``, ``deleted``, ``not_claimed``,
            ``claimed_by_other``, or for a message that writes first (safe contact)
            ``not_agreed`` or ``outside_hours`` (the console turns it into a clear message).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"reply refused: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class OfficeHours:
    """When an organisation's caseworkers answer.

    Attributes:
        tz: IANA time zone, e.g. ``Asia/Jakarta``.
        days: Weekdays served, Monday = 0.
        start: Opening time ``HH:MM``.
        end: Closing time ``HH:MM``.
    """

    tz: str = "Asia/Jakarta"
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    start: str = "09:00"
    end: str = "17:00"

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape stored in ``organisations.office_hours``."""
        return {"tz": self.tz, "days": list(self.days), "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OfficeHours:
        """Read the stored JSON shape (missing keys take the defaults)."""
        default = cls()
        return cls(
            tz=str(data.get("tz", default.tz)),
            days=tuple(int(d) for d in data.get("days", default.days)),
            start=str(data.get("start", default.start)),
            end=str(data.get("end", default.end)),
        )


HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")


def local_time(when: float, tz: str) -> str:
    """``when`` (Unix seconds) as ``HH:MM`` in the IANA zone ``tz``.

    An unknown zone falls back to UTC+7 (WIB), like the office hours of the default
    organisation.
    """
    try:
        zone: dt.tzinfo = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone = dt.timezone(dt.timedelta(hours=7))
    return dt.datetime.fromtimestamp(when, zone).strftime("%H:%M")


@dataclass(frozen=True)
class ContactPreference:
    """Whether, and when, a caseworker may write to the person first (safe contact).

    Times are the person's local time. A window whose end is before its start crosses
    midnight (``22:00``-``01:00``); ``24:00`` is midnight as an end.

    Attributes:
        agreed: The person said a caseworker may write first.
        start: ``HH:MM`` the window opens, or None: any time (only when agreed).
        end: ``HH:MM`` it closes (exclusive), or None with ``start``.
    """

    agreed: bool
    start: str | None = None
    end: str | None = None

    def __post_init__(self) -> None:
        """Refuse a window that is half given, empty, or given with a refusal."""
        if (self.start is None) != (self.end is None):
            raise ValueError("a contact window needs both its start and its end")
        if self.start is not None and self.end is not None:
            if not self.agreed:
                raise ValueError("a refusal has no hours")
            if not (HHMM.match(self.start) and HHMM.match(self.end)) or self.start == "24:00":
                raise ValueError("contact hours are HH:MM")
            if self.start == self.end:
                raise ValueError("an empty contact window")

    @property
    def any_time(self) -> bool:
        """Agreed without hours."""
        return self.agreed and self.start is None

    def window(self) -> str:
        """``19:00–21:00``; empty when there are no hours."""
        return f"{self.start}–{self.end}" if self.start is not None else ""

    def allows(self, local: str) -> bool:
        """True when a caseworker may write first at local time ``local`` (``HH:MM``)."""
        if not self.agreed:
            return False
        if self.start is None or self.end is None:
            return True
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


@dataclass(frozen=True)
class ContactCheck:
    """What safe contact says about a case now (the case page, a refused reply).

    Attributes:
        preference: What the person said, or None: not answered (the answer is no).
        time_zone: The person's IANA time zone (their country's, else the organisation's).
        local: The person's local time now, ``HH:MM``.
        writes_first: A message now would write first: the person has not written since
            the case's last outbound message, nor in the last few minutes.
        refusal: ``not_agreed``, ``outside_hours`` or None: a message now may go.
    """

    preference: ContactPreference | None
    time_zone: str
    local: str
    writes_first: bool
    refusal: str | None


@dataclass(frozen=True)
class Organisation:
    """An NGO team receiving cases.

    Attributes:
        id: Row id.
        name: Unique name.
        countries: ISO2 codes of the countries it serves (empty: only as the default).
        languages: Languages its caseworkers write.
        office_hours: When it answers, or None if not stated.
        is_default: Receives the cases of countries no organisation serves.
        created_at: Unix time (routing prefers the earliest).
    """

    id: int
    name: str
    countries: tuple[str, ...]
    languages: tuple[str, ...]
    office_hours: OfficeHours | None
    is_default: bool
    created_at: float


@dataclass(frozen=True)
class Case:
    """A person's request for a human, and where it stands.

    ``summary`` is decrypted; ``conversation_id`` is the pseudonymous Rasa sender id (never a
    chat id or a phone number). ``version`` is the last change of the case in the feed of
    :meth:`bot.cases.store.CaseStore.changes_since`. ``contact`` is the person's safe-contact
    answer (None: not answered, so no caseworker may write first), recorded at ``contact_at``.
    """

    id: int
    ref: str
    conversation_id: str
    channel: str
    language: str
    country: str | None
    city: str | None
    problem: str | None
    risk: str
    status: str
    assignee_id: int | None
    organisation_id: int
    consent_version: str
    consent_at: float
    summary: str | None
    created_at: float
    updated_at: float
    claimed_at: float | None
    first_reply_at: float | None
    last_reply_at: float | None
    closed_at: float | None
    closed_reason: str | None
    version: int
    contact: ContactPreference | None = None
    contact_at: float | None = None

    @property
    def is_open(self) -> bool:
        """True while waiting or claimed: the assistant stays silent."""
        return self.status in ("waiting", "claimed")


@dataclass(frozen=True)
class CaseMessage:
    """One message of a case's transcript (decrypted; empty once deleted)."""

    id: int
    case_id: int
    author: str
    staff_id: int | None
    body: str
    at: float
    delivery_status: str | None = None


@dataclass(frozen=True)
class Note:
    """An internal note: never delivered to the person."""

    id: int
    case_id: int
    staff_id: int
    body: str
    at: float


@dataclass(frozen=True)
class Referral:
    """A directory entry a caseworker referred the person to."""

    id: int
    case_id: int
    entry_id: str
    staff_id: int
    at: float


@dataclass(frozen=True)
class AuditRow:
    """Who did what to which case, when, and whether it was allowed. Never content."""

    id: int
    at: float
    actor: str
    action: str
    case_id: int | None
    organisation_id: int | None
    outcome: str


@dataclass(frozen=True)
class Change:
    """One entry of the change feed.

    Attributes:
        version: Monotonic across the whole database; poll with ``changes_since``.
        case_id: The case that changed.
        case_ref: Its public reference.
        kind: ``opened``, ``message``, ``urgent``, ``claimed``, ``released``,
            ``reassigned``, ``closed``, ``reply``, ``delivery``, ``note``, ``referral``,
            ``claim_expired``, ``contact`` or ``deleted``.
        at: Unix time.
    """

    version: int
    case_id: int
    case_ref: str
    kind: str
    at: float


@dataclass(frozen=True)
class OutboxItem:
    """A message leased for delivery by one process.

    Attributes:
        id: Outbox row id.
        case_id: The case it belongs to.
        message_id: The case message whose delivery status it drives, if any.
        conversation_id: Pseudonymous recipient.
        channel: ``telegram`` or ``whatsapp``.
        body: Decrypted text.
        attempts: Attempts before this one.
        answers_person: The person wrote since the case's last outbound message before
            this one: it answers them, so it may ring. Otherwise Lentera writes first (a
            follow-up, the first reply after a silence, a second message in a row) and it
            is sent silently, because someone else may hold the phone.
    """

    id: int
    case_id: int
    message_id: int | None
    conversation_id: str
    channel: str
    body: str
    attempts: int
    answers_person: bool = False
