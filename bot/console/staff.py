"""Staff accounts and logging in: argon2id, rehash on login, lockout after failures.

Lockout: five wrong passwords within 15 minutes lock the account for 15 minutes. While it
is locked even the right password is refused (with a message saying so), so guessing gains
nothing; a successful login clears the count.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import IntegrityError

from bot.console.passwords import check_strength, hash_password, verify_password
from bot.console.tables import ROLES, canned_replies, staff
from bot.privacy.previews import alarming_words

MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60
MAX_EMAIL_CHARS = 254
MAX_CANNED_TITLE = 120
MAX_CANNED_BODY = 2000


class StaffError(ValueError):
    """A staff or canned-reply change was refused (the message says why, no secrets)."""


@dataclass(frozen=True)
class StaffMember:
    """A console account (without its password hash)."""

    id: int
    organisation_id: int
    email: str
    role: str
    disabled: bool
    locked_until: float | None
    created_at: float


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a login attempt.

    Attributes:
        staff: The account, when the password was right and it may log in.
        reason: ``None`` on success, else ``wrong`` (unknown e-mail, wrong password or a
            disabled account: one answer for all) or ``locked``.
        known_staff_id: The account the e-mail names, even on failure (for the audit row).
        locked_now: This attempt was the one that locked the account.
        locked_until: Until when it is locked.
    """

    staff: StaffMember | None
    reason: str | None
    known_staff_id: int | None = None
    locked_now: bool = False
    locked_until: float | None = None


@dataclass(frozen=True)
class CannedReply:
    """A ready-made reply of an organisation, in one language."""

    id: int
    organisation_id: int
    language: str
    title: str
    body: str


def normalise_email(email: str) -> str:
    """Trim and lower-case an e-mail address.

    Raises:
        StaffError: If it does not look like an address.
    """
    clean = email.strip().lower()
    local, _, domain = clean.partition("@")
    if not local or not domain or len(clean) > MAX_EMAIL_CHARS or any(c.isspace() for c in clean):
        raise StaffError("not an e-mail address")
    return clean


def _member(row: Row[Any]) -> StaffMember:
    return StaffMember(
        id=int(row.id),
        organisation_id=int(row.organisation_id),
        email=str(row.email),
        role=str(row.role),
        disabled=bool(row.disabled),
        locked_until=row.locked_until,
        created_at=float(row.created_at),
    )


class StaffStore:
    """Staff rows, logins and canned replies."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], float] = time.time,
        hasher: PasswordHasher | None = None,
    ) -> None:
        """Create the store.

        Args:
            engine: Lentera's database (revision ``0003_console``).
            clock: Time source (tests).
            hasher: Current argon2id parameters (default: argon2-cffi's); a stored hash made
                with other parameters is replaced at the next successful login.
        """
        self._engine = engine
        self._clock = clock
        self._hasher = hasher or PasswordHasher()

    # -- accounts --------------------------------------------------------------------------

    def create(self, email: str, organisation_id: int, role: str, password: str) -> StaffMember:
        """Create an account.

        Raises:
            StaffError: If the e-mail is taken or malformed, or the role unknown.
            bot.console.passwords.WeakPassword: If the password is too short or long.
        """
        address = normalise_email(email)
        if role not in ROLES:
            raise StaffError(f"the role must be one of {', '.join(ROLES)}")
        check_strength(password)
        try:
            with self._engine.begin() as conn:
                result = conn.execute(
                    sa.insert(staff).values(
                        organisation_id=organisation_id,
                        email=address,
                        role=role,
                        password_hash=hash_password(password, hasher=self._hasher),
                        disabled=False,
                        failed_logins=0,
                        created_at=self._clock(),
                    )
                )
        except IntegrityError:
            raise StaffError("an account with this e-mail exists already") from None
        member = self.get(int(result.inserted_primary_key[0]))
        assert member is not None
        return member

    def get(self, staff_id: int) -> StaffMember | None:
        """One account, or None."""
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(staff).where(staff.c.id == staff_id)).first()
        return _member(row) if row is not None else None

    def by_email(self, email: str) -> StaffMember | None:
        """The account with this e-mail, or None."""
        try:
            address = normalise_email(email)
        except StaffError:
            return None
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(staff).where(staff.c.email == address)).first()
        return _member(row) if row is not None else None

    def of_organisation(self, organisation_id: int) -> list[StaffMember]:
        """An organisation's accounts, by e-mail."""
        query = (
            sa.select(staff)
            .where(staff.c.organisation_id == organisation_id)
            .order_by(staff.c.email)
        )
        with self._engine.connect() as conn:
            return [_member(r) for r in conn.execute(query)]

    def set_disabled(self, staff_id: int, disabled: bool) -> None:
        """Disable (or enable again) an account; the caller revokes its sessions."""
        with self._engine.begin() as conn:
            conn.execute(sa.update(staff).where(staff.c.id == staff_id).values(disabled=disabled))

    def set_role(self, staff_id: int, role: str) -> None:
        """Change an account's role.

        Raises:
            StaffError: If the role is unknown.
        """
        if role not in ROLES:
            raise StaffError(f"the role must be one of {', '.join(ROLES)}")
        with self._engine.begin() as conn:
            conn.execute(sa.update(staff).where(staff.c.id == staff_id).values(role=role))

    # -- logging in ------------------------------------------------------------------------

    def login(self, email: str, password: str) -> LoginResult:
        """Check an e-mail and password, with lockout and rehash.

        An unknown e-mail costs one argon2 verification too, so timing tells nothing.
        """
        now = self._clock()
        try:
            address = normalise_email(email)
        except StaffError:
            address = ""
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(staff).where(staff.c.email == address)).first()
        if row is None:
            verify_password(None, password, hasher=self._hasher)
            return LoginResult(staff=None, reason="wrong")
        staff_id = int(row.id)
        if row.locked_until is not None and row.locked_until > now:
            return LoginResult(None, "locked", staff_id, locked_until=float(row.locked_until))
        verdict = verify_password(row.password_hash, password, hasher=self._hasher)
        if not verdict.ok or row.disabled:
            if not verdict.ok:
                return self._failed(staff_id, now)
            return LoginResult(None, "wrong", staff_id)
        values: dict[str, object] = {
            "failed_logins": 0,
            "first_failed_at": None,
            "locked_until": None,
        }
        if verdict.new_hash:
            values["password_hash"] = verdict.new_hash
        with self._engine.begin() as conn:
            conn.execute(sa.update(staff).where(staff.c.id == staff_id).values(**values))
        member = self.get(staff_id)
        return LoginResult(member, None, staff_id)

    def _failed(self, staff_id: int, now: float) -> LoginResult:
        t = staff
        window_open = sa.and_(
            t.c.first_failed_at.is_not(None), t.c.first_failed_at > now - FAILURE_WINDOW_SECONDS
        )
        with self._engine.begin() as conn:
            # One UPDATE counts the failure, so racing attempts cannot both read the old count
            # (the row stays locked until this transaction ends).
            conn.execute(
                sa.update(t)
                .where(t.c.id == staff_id)
                .values(
                    failed_logins=sa.case((window_open, t.c.failed_logins + 1), else_=1),
                    first_failed_at=sa.case((window_open, t.c.first_failed_at), else_=now),
                )
            )
            failures = conn.execute(sa.select(t.c.failed_logins).where(t.c.id == staff_id)).scalar()
            locked_until = now + LOCK_SECONDS if int(failures or 0) >= MAX_FAILURES else None
            if locked_until is not None:
                conn.execute(
                    sa.update(t)
                    .where(t.c.id == staff_id)
                    .values(failed_logins=0, first_failed_at=None, locked_until=locked_until)
                )
        return LoginResult(
            None, "wrong", staff_id, locked_now=locked_until is not None, locked_until=locked_until
        )

    def change_password(self, staff_id: int, password: str) -> None:
        """Set a new password (the caller revokes the account's sessions).

        Raises:
            bot.console.passwords.WeakPassword: If it is too short or too long.
        """
        check_strength(password)
        with self._engine.begin() as conn:
            conn.execute(
                sa.update(staff)
                .where(staff.c.id == staff_id)
                .values(password_hash=hash_password(password, hasher=self._hasher))
            )

    # -- canned replies --------------------------------------------------------------------

    def canned(self, organisation_id: int, language: str | None = None) -> list[CannedReply]:
        """An organisation's canned replies, in one language or all, by title."""
        t = canned_replies
        query = sa.select(t).where(t.c.organisation_id == organisation_id)
        if language:
            query = query.where(t.c.language == language)
        with self._engine.connect() as conn:
            rows = conn.execute(query.order_by(t.c.language, t.c.title, t.c.id))
            return [
                CannedReply(int(r.id), int(r.organisation_id), str(r.language), r.title, r.body)
                for r in rows
            ]

    def add_canned(self, organisation_id: int, language: str, title: str, body: str) -> int:
        """Add a canned reply; return its id.

        Raises:
            StaffError: If a field is empty or too long, or the text's first line holds a
                word of the preview denylist (it would show on the lock screen).
        """
        clean_title, clean_body, lang = title.strip(), body.strip(), language.strip().lower()
        if not clean_title or not clean_body or not lang:
            raise StaffError("a canned reply needs a language, a title and a text")
        alarming = alarming_words(clean_body)
        if alarming:
            raise StaffError(
                "the first line of the text shows in the person's lock-screen notification "
                f"and holds {', '.join(repr(w) for w in alarming)}: start with a neutral line "
                "and put that word further down"
            )
        if (
            len(clean_title) > MAX_CANNED_TITLE
            or len(clean_body) > MAX_CANNED_BODY
            or len(lang) > 8
        ):
            raise StaffError(
                f"the title may have {MAX_CANNED_TITLE} characters, the text {MAX_CANNED_BODY}"
            )
        with self._engine.begin() as conn:
            result = conn.execute(
                sa.insert(canned_replies).values(
                    organisation_id=organisation_id,
                    language=lang,
                    title=clean_title,
                    body=clean_body,
                    created_at=self._clock(),
                )
            )
        return int(result.inserted_primary_key[0])

    def delete_canned(self, organisation_id: int, canned_id: int) -> bool:
        """Delete one of the organisation's canned replies; False if it has no such one."""
        t = canned_replies
        with self._engine.begin() as conn:
            result = conn.execute(
                sa.delete(t).where(t.c.id == canned_id, t.c.organisation_id == organisation_id)
            )
        return bool(result.rowcount)
