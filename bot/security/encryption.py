"""Encryption of data at rest (chat addresses, queued inbound messages).

Keys come from ``LENTERA_ENCRYPTION_KEYS``: comma-separated Fernet keys, the first one
encrypts and all of them decrypt, so a key can be rotated by prepending a new one.
Generate one with ``Fernet.generate_key()`` from ``cryptography.fernet``.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.settings import SettingsError

__all__ = ["Cipher", "InvalidToken"]


class Cipher:
    """Authenticated symmetric encryption of short strings with key rotation."""

    def __init__(self, keys: Sequence[str]) -> None:
        """Build the cipher.

        Args:
            keys: Fernet keys (urlsafe base64, 32 bytes), newest first.

        Raises:
            SettingsError: If no key is given or a key is malformed.
        """
        if not keys:
            raise SettingsError("LENTERA_ENCRYPTION_KEYS is empty")
        try:
            fernets = [Fernet(key.encode("ascii")) for key in keys]
        except (ValueError, UnicodeEncodeError) as exc:
            raise SettingsError(
                "LENTERA_ENCRYPTION_KEYS must be comma-separated Fernet keys"
            ) from exc
        self._fernet = MultiFernet(fernets)

    def encrypt(self, plaintext: str) -> str:
        """Encrypt a string; the result is ASCII and safe to store in a text column."""
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Decrypt a value made by :meth:`encrypt` with any configured key.

        Raises:
            InvalidToken: If the value was not made with one of the keys or was altered.
        """
        return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")

    def rotate(self, token: str) -> str:
        """Re-encrypt a value under the newest key."""
        return self._fernet.rotate(token.encode("ascii")).decode("ascii")
