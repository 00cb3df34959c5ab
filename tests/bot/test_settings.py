"""Unit tests: settings, crypto, pseudonyms, geo, texts, pacing and retries."""

from __future__ import annotations

import asyncio

import pytest
from cryptography.fernet import Fernet

from bot.delivery.pacing import Pacer, TokenBucket
from bot.delivery.retries import Retry, RetryPolicy, send_with_retry
from bot.languages import normalise_language
from bot.places.coordinates import country_at
from bot.security.encryption import Cipher, InvalidToken
from bot.security.pseudonyms import delivery_key, pseudonym
from bot.settings import SettingsError, load_settings
from bot.texts import split_text, text


def test_settings_without_channel_variables_disable_both_channels():
    settings = load_settings({})
    assert settings.telegram is None and settings.whatsapp is None
    assert settings.database_url == "sqlite:///var/lentera.db"


def test_settings_telegram_token_without_secret_fails_loudly():
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET"):
        load_settings({"TELEGRAM_BOT_TOKEN": "1:x"})


def test_settings_telegram_secret_with_bad_characters_is_rejected():
    with pytest.raises(SettingsError):
        load_settings({"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_SECRET": "no spaces!"})


def test_settings_whatsapp_partly_configured_names_the_missing_variables():
    with pytest.raises(SettingsError, match="WHATSAPP_APP_SECRET"):
        load_settings({"WHATSAPP_ACCESS_TOKEN": "t", "WHATSAPP_VERIFY_TOKEN": "v"})


def test_settings_read_base_urls_and_version():
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": "1:x",
            "TELEGRAM_WEBHOOK_SECRET": "s",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/",
            "WHATSAPP_ACCESS_TOKEN": "t",
            "WHATSAPP_APP_SECRET": "a",
            "WHATSAPP_VERIFY_TOKEN": "v",
            "WHATSAPP_PHONE_NUMBER_ID": "42",
            "WHATSAPP_API_BASE_URL": "http://127.0.0.1:8",
            "WHATSAPP_API_VERSION": "v99.0",
        }
    )
    assert settings.telegram and settings.telegram.api_base_url == "http://127.0.0.1:9"
    assert (
        settings.whatsapp
        and settings.whatsapp.messages_url == "http://127.0.0.1:8/v99.0/42/messages"
    )


def test_enabled_channel_without_lentera_secrets_fails_with_one_line():
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_SECRET": "s"})
    with pytest.raises(SettingsError) as info:
        settings.require_secrets("Telegram")
    assert "\n" not in str(info.value) and "LENTERA_SECRET_KEY" in str(info.value)


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


def test_pseudonym_is_stable_prefixed_and_hides_the_id():
    a = pseudonym("secret", "telegram", 555000111)
    assert a == pseudonym("secret", "telegram", "555000111")
    assert a.startswith("tg_") and len(a) == 35 and "555000111" not in a
    assert pseudonym("other", "telegram", 555000111) != a
    assert pseudonym("secret", "whatsapp", "6281234").startswith("wa_")
    assert delivery_key("secret", "whatsapp", "wamid.X") != delivery_key(
        "secret", "telegram", "wamid.X"
    )


@pytest.mark.parametrize(
    ("lat", "lon", "iso2"),
    [
        (24.71, 46.68, "SA"),  # Riyadh
        (21.49, 39.19, "SA"),  # Jeddah
        (3.14, 101.69, "MY"),  # Kuala Lumpur
        (1.35, 103.82, "SG"),
        (22.32, 114.17, "HK"),
        (25.03, 121.56, "TW"),  # Taipei
        (25.20, 55.27, "AE"),  # Dubai
        (25.29, 51.53, "QA"),
        (29.37, 47.98, "KW"),
        (23.59, 58.41, "OM"),  # Muscat
        (26.23, 50.59, "BH"),
        (4.90, 114.94, "BN"),
        (37.57, 126.98, "KR"),
        (35.68, 139.69, "JP"),
        (31.95, 35.93, "JO"),
        (11.56, 104.92, "KH"),
        (-6.21, 106.85, "ID"),  # Jakarta
        (48.85, 2.35, None),  # Paris
    ],
)
def test_country_at_known_cities(lat, lon, iso2):
    assert country_at(lat, lon) == iso2


def test_split_text_keeps_limit_and_content():
    body = ("kata " * 3000).strip()
    parts = split_text(body, 4096)
    assert all(len(p) <= 4096 for p in parts)
    assert " ".join(parts).split() == body.split()
    assert split_text("", 10) == [""]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_language_helpers():
    assert normalise_language("en-US") == "en"
    assert normalise_language("id") == "id"
    assert normalise_language("ms") == "id"
    assert normalise_language("es") is None
    assert text("unsupported", None) == text("unsupported", "id")
    assert text("unsupported", "en").startswith("Sorry")


def test_token_bucket_paces_after_burst():
    now = [0.0]
    bucket = TokenBucket(rate=1.0, capacity=3, clock=lambda: now[0])
    assert [bucket.reserve() for _ in range(3)] == [0, 0, 0]
    assert bucket.reserve() == pytest.approx(1.0)
    assert bucket.reserve() == pytest.approx(2.0)
    now[0] = 10.0
    assert bucket.reserve() == 0


def test_pacer_applies_global_and_per_chat_limits():
    now = [0.0]
    pacer = Pacer(
        global_rate=30, global_burst=30, per_key_rate=1, per_key_burst=1, clock=lambda: now[0]
    )
    assert pacer.reserve("a") == 0
    assert pacer.reserve("a") == pytest.approx(1.0)  # 1 msg/s per chat
    waits = [pacer.reserve(f"chat{i}") for i in range(40)]
    assert max(waits) > 0.3  # beyond 30 msg/s overall


async def test_send_with_retry_honours_retry_after_and_stops_on_permanent():
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    attempts = {"n": 0}

    async def flaky() -> str:
        attempts["n"] += 1
        if attempts["n"] < 3:
            raise TimeoutError
        return "ok"

    def classify(exc: BaseException) -> Retry | None:
        return Retry(after=2.0) if isinstance(exc, TimeoutError) else None

    assert await send_with_retry(flaky, classify, sleep=fake_sleep) == "ok"
    assert sleeps == [2.0, 2.0]

    async def broken() -> str:
        raise ValueError("permanent")

    with pytest.raises(ValueError):
        await send_with_retry(broken, classify, sleep=fake_sleep)

    async def always_timeout() -> str:
        raise TimeoutError

    with pytest.raises(TimeoutError):
        await send_with_retry(
            always_timeout, lambda e: Retry(), policy=RetryPolicy(max_attempts=3), sleep=fake_sleep
        )


async def test_pacer_wait_sleeps_for_reserved_delay():
    pacer = Pacer(global_rate=100, global_burst=100, per_key_rate=20, per_key_burst=1)
    loop = asyncio.get_running_loop()
    start = loop.time()
    await pacer.wait("x")
    await pacer.wait("x")
    assert loop.time() - start >= 0.04
