"""Encryption at rest: round trip, key rotation, and loud errors for bad keys."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from bot.security.encryption import Cipher, InvalidToken
from bot.settings import SettingsError


def test_cipher_round_trip_and_rotation():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = Cipher([old]).encrypt("555000111")
    rotated = Cipher([new, old])
    assert rotated.decrypt(token) == "555000111"
    assert Cipher([new]).decrypt(rotated.rotate(token)) == "555000111"
    with pytest.raises(InvalidToken):
        Cipher([Fernet.generate_key().decode()]).decrypt(token)


def test_cipher_rejects_malformed_keys():
    with pytest.raises(SettingsError):
        Cipher(["not-a-key"])
