"""Password hashing for staff: argon2id, rehashed on login when the parameters change."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 would take longer ones, but nobody types them: refuse floods

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile (t=3, m=64 MiB, p=4).
_HASHER = PasswordHasher()
# Verified against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong
# password and the answer time does not tell which accounts exist.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


class WeakPassword(ValueError):
    """The password is too short or too long (the message says which)."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of a password check.

    Attributes:
        ok: The password matches.
        new_hash: A fresh hash to store when the stored one used older parameters.
    """

    ok: bool
    new_hash: str | None = None


def check_strength(password: str) -> None:
    """Refuse passwords shorter than 12 or longer than 1024 characters.

    Raises:
        WeakPassword: With a message saying what is wrong.
    """
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password must have at most {MAX_LENGTH} characters")


def hash_password(password: str, *, hasher: PasswordHasher = _HASHER) -> str:
    """Hash a password with argon2id (the encoded hash carries salt and parameters)."""
    return hasher.hash(password)


def verify_password(
    stored_hash: str | None, password: str, *, hasher: PasswordHasher = _HASHER
) -> Verdict:
    """Check a password against a stored hash, and say whether to store a new hash.

    Args:
        stored_hash: The staff member's hash, or None for an unknown e-mail (a dummy hash
            is checked instead so that both take as long).
        password: What was typed.
        hasher: The hasher whose parameters are current (tests pass a cheaper one).

    Returns:
        ``ok`` and, when the stored hash used other parameters, ``new_hash``.
    """
    if len(password) > MAX_LENGTH:
        return Verdict(ok=False)
    try:
        hasher.verify(stored_hash or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return Verdict(ok=False)
    if stored_hash is None:
        return Verdict(ok=False)
    if hasher.check_needs_rehash(stored_hash):
        return Verdict(ok=True, new_hash=hasher.hash(password))
    return Verdict(ok=True)
