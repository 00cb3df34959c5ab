"""Local secrets for `make run`: taken from the environment, else generated once into var/."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from cryptography.fernet import Fernet

from bot.stack.paths import VAR

SECRETS_FILE = VAR / "secrets.env"
GENERATED: dict[str, Callable[[], str]] = {
    "LENTERA_SECRET_KEY": lambda: secrets.token_urlsafe(32),
    "LENTERA_ENCRYPTION_KEYS": lambda: Fernet.generate_key().decode(),
    "LENTERA_API_TOKEN": lambda: secrets.token_urlsafe(24),
}


def read_env_file(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines."""
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def local_secrets(path: Path = SECRETS_FILE) -> dict[str, str]:
    """Secrets for this checkout: the environment wins, then var/secrets.env, else new ones.

    New values are written to `path` (mode 600) so they stay the same across runs.
    """
    stored = read_env_file(path)
    missing = {name: make() for name, make in GENERATED.items() if name not in stored}
    if missing:
        stored.update(missing)
        path.parent.mkdir(exist_ok=True)
        path.touch(mode=0o600)
        path.write_text("".join(f"{key}={value}\n" for key, value in sorted(stored.items())))
    return {name: os.environ.get(name) or stored[name] for name in GENERATED}


def remembered_secret(
    name: str, make: Callable[[], str], path: Path = SECRETS_FILE
) -> tuple[str, bool]:
    """One more secret kept in ``path``: the environment wins, then the file, else a new one.

    Returns:
        The value, and whether it was made just now (so the caller may show it once).
    """
    if os.environ.get(name):
        return os.environ[name], False
    stored = read_env_file(path)
    if stored.get(name):
        return stored[name], False
    stored[name] = make()
    path.parent.mkdir(exist_ok=True)
    path.touch(mode=0o600)
    path.write_text("".join(f"{key}={value}\n" for key, value in sorted(stored.items())))
    return stored[name], True
