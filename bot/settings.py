"""Typed settings for the channel connectors, read from the environment.

Nothing is read at import time: call :func:`load_settings` (usually once, from a
connector's ``from_credentials``). The environment variable names are a contract: they are
listed in docs/channels.md and the README, and ../shared/spec/ fixes the console's and the
privacy settings' names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rasa.shared.exceptions import RasaException

DEFAULT_DATABASE_URL = "sqlite:///var/lentera.db"
DEFAULT_TELEGRAM_API_BASE_URL = "https://api.telegram.org"
DEFAULT_WHATSAPP_API_BASE_URL = "https://graph.facebook.com"
DEFAULT_WHATSAPP_API_VERSION = "v21.0"
DEFAULT_CONSOLE_HOST = "127.0.0.1"
# The one definition of each port (each can be changed by its variable).
DEFAULT_RASA_PORT = 5005  # LENTERA_RASA_PORT
DEFAULT_ACTIONS_PORT = 5055  # LENTERA_ACTIONS_PORT
DEFAULT_CONSOLE_PORT = 8080  # LENTERA_CONSOLE_PORT
DEFAULT_CLAIM_TIMEOUT_MINUTES = 30.0
DEFAULT_RATE_LIMIT_PER_MINUTE = 20  # LENTERA_RATE_LIMIT_PER_MINUTE (bot/channels/rate_limit.py)


class SettingsError(RasaException):
    """A required setting is missing or malformed (printed by Rasa as one line)."""


@dataclass(frozen=True)
class TelegramSettings:
    """Telegram Bot API settings.

    Attributes:
        bot_token: Token from @BotFather.
        webhook_secret: Value Telegram echoes in ``X-Telegram-Bot-Api-Secret-Token``.
        api_base_url: Bot API server root, e.g. ``https://api.telegram.org``.
    """

    bot_token: str
    webhook_secret: str
    api_base_url: str = DEFAULT_TELEGRAM_API_BASE_URL


@dataclass(frozen=True)
class WhatsAppSettings:
    """WhatsApp Business Cloud API settings.

    Attributes:
        access_token: Graph API bearer token.
        app_secret: App secret used to sign webhook bodies (``X-Hub-Signature-256``).
        verify_token: Token echoed in the GET verification handshake.
        phone_number_id: Business phone number id that sends and receives.
        api_base_url: Graph API root, e.g. ``https://graph.facebook.com``.
        api_version: Graph API version, e.g. ``v21.0``.
        template_name: Approved template sent outside the 24-hour window (optional).
        template_language: Language code of that template.
    """

    access_token: str
    app_secret: str
    verify_token: str
    phone_number_id: str
    api_base_url: str = DEFAULT_WHATSAPP_API_BASE_URL
    api_version: str = DEFAULT_WHATSAPP_API_VERSION
    template_name: str | None = None
    template_language: str = "id"

    @property
    def messages_url(self) -> str:
        """URL of the ``/messages`` edge for this phone number."""
        return f"{self.api_base_url}/{self.api_version}/{self.phone_number_id}/messages"


@dataclass(frozen=True)
class Settings:
    """All connector settings.

    Attributes:
        secret_key: ``LENTERA_SECRET_KEY`` (pseudonyms, dedup keys); None in bare dev mode.
        encryption_keys: ``LENTERA_ENCRYPTION_KEYS``, comma-separated Fernet keys,
            newest first; empty in bare dev mode.
        database_url: SQLAlchemy URL of the connector database.
        telegram: Telegram settings, or None when the channel is disabled.
        whatsapp: WhatsApp settings, or None when the channel is disabled.
        inbox_lease_seconds: How long a claimed inbound message is owned before another
            process may take it over.
        rate_limit_per_minute: ``LENTERA_RATE_LIMIT_PER_MINUTE``, messages of one person
            answered per rolling minute on Telegram and WhatsApp (0: no limit).
        redis_url: ``LENTERA_REDIS_URL``; when set, the rate limit's counts are shared by
            every Rasa instance through it (else counted in this process).
    """

    secret_key: str | None
    encryption_keys: tuple[str, ...]
    database_url: str = DEFAULT_DATABASE_URL
    telegram: TelegramSettings | None = None
    whatsapp: WhatsAppSettings | None = None
    inbox_lease_seconds: float = 120.0
    rate_limit_per_minute: int = DEFAULT_RATE_LIMIT_PER_MINUTE
    redis_url: str | None = None

    def require_secrets(self, channel: str) -> tuple[str, tuple[str, ...]]:
        """Return the secret key and encryption keys, or fail loudly.

        Args:
            channel: Name of the channel that needs them (for the message).

        Raises:
            SettingsError: If either secret is absent.
        """
        if not self.secret_key or not self.encryption_keys:
            raise SettingsError(
                f"{channel} is enabled but LENTERA_SECRET_KEY and LENTERA_ENCRYPTION_KEYS "
                "must both be set (make run writes them to var/secrets.env)"
            )
        return self.secret_key, self.encryption_keys


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def encryption_keys(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """``LENTERA_ENCRYPTION_KEYS``: comma-separated Fernet keys, newest first (may be empty)."""
    env = os.environ if env is None else env
    return tuple(
        k.strip() for k in (_get(env, "LENTERA_ENCRYPTION_KEYS") or "").split(",") if k.strip()
    )


def _telegram(env: Mapping[str, str]) -> TelegramSettings | None:
    token = _get(env, "TELEGRAM_BOT_TOKEN")
    if token is None:
        return None
    secret = _get(env, "TELEGRAM_WEBHOOK_SECRET")
    if secret is None:
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN is set but TELEGRAM_WEBHOOK_SECRET is not: refusing to "
            "accept unauthenticated Telegram webhooks"
        )
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    if not 1 <= len(secret) <= 256 or not set(secret) <= allowed:
        raise SettingsError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ -")
    base = (_get(env, "TELEGRAM_API_BASE_URL") or DEFAULT_TELEGRAM_API_BASE_URL).rstrip("/")
    return TelegramSettings(bot_token=token, webhook_secret=secret, api_base_url=base)


def _whatsapp(env: Mapping[str, str]) -> WhatsAppSettings | None:
    names = (
        "WHATSAPP_ACCESS_TOKEN",
        "WHATSAPP_APP_SECRET",
        "WHATSAPP_VERIFY_TOKEN",
        "WHATSAPP_PHONE_NUMBER_ID",
    )
    values = {name: _get(env, name) for name in names}
    present = [name for name, value in values.items() if value]
    if not present:
        return None
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise SettingsError("WhatsApp is partly configured; also set " + ", ".join(missing))
    base = (_get(env, "WHATSAPP_API_BASE_URL") or DEFAULT_WHATSAPP_API_BASE_URL).rstrip("/")
    return WhatsAppSettings(
        access_token=values["WHATSAPP_ACCESS_TOKEN"] or "",
        app_secret=values["WHATSAPP_APP_SECRET"] or "",
        verify_token=values["WHATSAPP_VERIFY_TOKEN"] or "",
        phone_number_id=values["WHATSAPP_PHONE_NUMBER_ID"] or "",
        api_base_url=base,
        api_version=_get(env, "WHATSAPP_API_VERSION") or DEFAULT_WHATSAPP_API_VERSION,
        template_name=_get(env, "WHATSAPP_TEMPLATE_NAME"),
        template_language=_get(env, "WHATSAPP_TEMPLATE_LANGUAGE") or "id",
    )


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from the environment.

    Args:
        env: Mapping to read instead of ``os.environ`` (tests).

    Returns:
        The settings; a channel whose variables are all absent is ``None``.

    Raises:
        SettingsError: If a channel is partly configured or a value is malformed.
    """
    env = os.environ if env is None else env
    keys = encryption_keys(env)
    lease = _get(env, "LENTERA_INBOX_LEASE_SECONDS")
    try:
        lease_seconds = float(lease) if lease else 120.0
    except ValueError as exc:
        raise SettingsError("LENTERA_INBOX_LEASE_SECONDS must be a number") from exc
    limit_text = _get(env, "LENTERA_RATE_LIMIT_PER_MINUTE")
    try:
        rate_limit = int(limit_text) if limit_text else DEFAULT_RATE_LIMIT_PER_MINUTE
    except ValueError:
        rate_limit = -1
    if rate_limit < 0:
        raise SettingsError(
            "LENTERA_RATE_LIMIT_PER_MINUTE must be a whole number of messages (0 turns it off)"
        )
    return Settings(
        secret_key=_get(env, "LENTERA_SECRET_KEY"),
        encryption_keys=keys,
        database_url=_get(env, "LENTERA_DATABASE_URL") or DEFAULT_DATABASE_URL,
        telegram=_telegram(env),
        whatsapp=_whatsapp(env),
        inbox_lease_seconds=lease_seconds,
        rate_limit_per_minute=rate_limit,
        redis_url=_get(env, "LENTERA_REDIS_URL"),
    )


@dataclass(frozen=True)
class PrivacySettings:
    """Settings of survivor privacy (names fixed by ../shared/spec/privacy.md).

    Attributes:
        preview_denylist: ``LENTERA_PREVIEW_DENYLIST``, the path of a file of alarming
            words kept out of a message's first line (one a line, ``#`` comments); None
            for the list shipped with Lentera (``bot/privacy/preview_denylist.txt``).
    """

    preview_denylist: Path | None = None


def load_privacy_settings(env: Mapping[str, str] | None = None) -> PrivacySettings:
    """Read the privacy settings from the environment.

    Args:
        env: Mapping to read instead of ``os.environ`` (tests).

    Raises:
        SettingsError: If LENTERA_PREVIEW_DENYLIST names no readable file (a typo must not
            silently drop the check).
    """
    env = os.environ if env is None else env
    denylist = _get(env, "LENTERA_PREVIEW_DENYLIST")
    path = Path(denylist).expanduser() if denylist else None
    if path is not None and not path.is_file():
        raise SettingsError(
            "LENTERA_PREVIEW_DENYLIST must be the path of a file of words, one a line"
        )
    return PrivacySettings(preview_denylist=path)


@dataclass(frozen=True)
class ConsoleSettings:
    """Settings of the caseworker console (``python -m bot.console serve``).

    Attributes:
        host: ``LENTERA_CONSOLE_HOST``, the address to bind (default ``127.0.0.1``).
        port: ``LENTERA_CONSOLE_PORT`` (default 8080).
        database_url: ``LENTERA_DATABASE_URL``, the same database as the channels.
        encryption_keys: ``LENTERA_ENCRYPTION_KEYS`` (case messages are encrypted at rest).
        https: ``LENTERA_CONSOLE_HTTPS``: the console is reached over HTTPS (through a TLS
            proxy), so cookies are ``Secure`` with the ``__Host-`` prefix even when the
            request reaches uvicorn as plain HTTP.
        claim_timeout_minutes: ``LENTERA_CLAIM_TIMEOUT_MINUTES`` (default 30): a claimed case
            with no reply for this long returns to the queue and the supervisors are alerted.
        admin_password: ``LENTERA_CONSOLE_ADMIN_PASSWORD``, the demo admin's password
            (``seed-demo`` only); None to generate one.
    """

    database_url: str = DEFAULT_DATABASE_URL
    encryption_keys: tuple[str, ...] = ()
    host: str = DEFAULT_CONSOLE_HOST
    port: int = DEFAULT_CONSOLE_PORT
    https: bool = False
    claim_timeout_minutes: float = DEFAULT_CLAIM_TIMEOUT_MINUTES
    admin_password: str | None = None


def load_console_settings(env: Mapping[str, str] | None = None) -> ConsoleSettings:
    """Read the console's settings from the environment.

    Args:
        env: Mapping to read instead of ``os.environ`` (tests).

    Raises:
        SettingsError: If the port is not a port number or LENTERA_CONSOLE_HTTPS is not
            a yes/no value.
    """
    env = os.environ if env is None else env
    port_text = _get(env, "LENTERA_CONSOLE_PORT")
    try:
        port = int(port_text) if port_text else DEFAULT_CONSOLE_PORT
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise SettingsError("LENTERA_CONSOLE_PORT must be a port number (1-65535)")
    https_text = (_get(env, "LENTERA_CONSOLE_HTTPS") or "0").lower()
    if https_text not in ("0", "1", "true", "false", "yes", "no"):
        raise SettingsError("LENTERA_CONSOLE_HTTPS must be 1 or 0")
    keys = encryption_keys(env)
    timeout_text = _get(env, "LENTERA_CLAIM_TIMEOUT_MINUTES")
    try:
        claim_timeout = float(timeout_text) if timeout_text else DEFAULT_CLAIM_TIMEOUT_MINUTES
    except ValueError:
        claim_timeout = -1.0
    if claim_timeout <= 0:
        raise SettingsError("LENTERA_CLAIM_TIMEOUT_MINUTES must be a positive number")
    return ConsoleSettings(
        claim_timeout_minutes=claim_timeout,
        database_url=_get(env, "LENTERA_DATABASE_URL") or DEFAULT_DATABASE_URL,
        encryption_keys=keys,
        host=_get(env, "LENTERA_CONSOLE_HOST") or DEFAULT_CONSOLE_HOST,
        port=port,
        https=https_text in ("1", "true", "yes"),
        admin_password=_get(env, "LENTERA_CONSOLE_ADMIN_PASSWORD"),
    )
