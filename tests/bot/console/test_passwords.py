"""argon2id hashing, strength limits, rehash verdicts."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from bot.console.passwords import (
    MAX_LENGTH,
    WeakPassword,
    check_strength,
    hash_password,
    verify_password,
)
from tests.bot.console.conftest import FAST_HASHER


def test_hashes_are_argon2id_with_a_salt() -> None:
    first, second = (
        hash_password("x" * 12, hasher=FAST_HASHER),
        hash_password("x" * 12, hasher=FAST_HASHER),
    )
    assert first.startswith("$argon2id$") and first != second


def test_the_default_hasher_is_argon2id() -> None:
    assert hash_password("a long enough passphrase").startswith("$argon2id$v=19$m=65536")


def test_verify_right_wrong_and_unknown() -> None:
    stored = hash_password("a long enough passphrase", hasher=FAST_HASHER)
    assert verify_password(stored, "a long enough passphrase", hasher=FAST_HASHER).ok
    assert not verify_password(stored, "another passphrase!!", hasher=FAST_HASHER).ok
    assert not verify_password(None, "a long enough passphrase", hasher=FAST_HASHER).ok
    assert not verify_password("not a hash", "a long enough passphrase", hasher=FAST_HASHER).ok
    assert not verify_password(stored, "x" * (MAX_LENGTH + 1), hasher=FAST_HASHER).ok


def test_a_hash_with_older_parameters_gets_a_new_one() -> None:
    stored = hash_password("a long enough passphrase", hasher=FAST_HASHER)
    current = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    verdict = verify_password(stored, "a long enough passphrase", hasher=current)
    assert verdict.ok and verdict.new_hash and not current.check_needs_rehash(verdict.new_hash)
    again = verify_password(verdict.new_hash, "a long enough passphrase", hasher=current)
    assert again.ok and again.new_hash is None


@pytest.mark.parametrize("password", ["", "short", "x" * 11, "x" * (MAX_LENGTH + 1)])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_strength(password)
