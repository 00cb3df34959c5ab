"""Settings from the environment: channels off by default, loud errors that name the variable."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_privacy_settings, load_settings


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


def test_console_settings_defaults_and_values():
    from bot.settings import DEFAULT_DATABASE_URL, load_console_settings

    default = load_console_settings({})
    assert (default.host, default.port, default.https) == ("127.0.0.1", 8080, False)
    assert default.database_url == DEFAULT_DATABASE_URL and default.encryption_keys == ()
    custom = load_console_settings(
        {
            "LENTERA_CONSOLE_HOST": "0.0.0.0",  # noqa: S104
            "LENTERA_CONSOLE_PORT": "9090",
            "LENTERA_CONSOLE_HTTPS": "1",
            "LENTERA_DATABASE_URL": "postgresql://db/lentera",
            "LENTERA_ENCRYPTION_KEYS": "k1, k2",
            "LENTERA_CONSOLE_ADMIN_PASSWORD": "secret secret",
        }
    )
    assert (custom.host, custom.port, custom.https) == ("0.0.0.0", 9090, True)  # noqa: S104
    assert custom.encryption_keys == ("k1", "k2") and custom.admin_password == "secret secret"


@pytest.mark.parametrize(
    "env",
    [
        {"LENTERA_CONSOLE_PORT": "http"},
        {"LENTERA_CONSOLE_PORT": "70000"},
        {"LENTERA_CONSOLE_HTTPS": "maybe"},
    ],
)
def test_console_settings_refuse_malformed_values(env):
    from bot.settings import SettingsError, load_console_settings

    with pytest.raises(SettingsError):
        load_console_settings(env)


def test_privacy_settings_read_the_preview_denylist_path(tmp_path):
    assert load_privacy_settings({}).preview_denylist is None  # the shipped list
    words = tmp_path / "words.txt"
    words.write_text("polisi\n", encoding="utf-8")
    settings = load_privacy_settings({"LENTERA_PREVIEW_DENYLIST": str(words)})
    assert settings.preview_denylist == words
    with pytest.raises(SettingsError, match="LENTERA_PREVIEW_DENYLIST"):
        load_privacy_settings({"LENTERA_PREVIEW_DENYLIST": str(tmp_path / "typo.txt")})


def test_rate_limit_defaults_to_20_a_minute_0_turns_it_off_and_nonsense_is_refused():
    assert load_settings({}).rate_limit_per_minute == 20
    assert load_settings({}).redis_url is None
    settings = load_settings(
        {"LENTERA_RATE_LIMIT_PER_MINUTE": "0", "LENTERA_REDIS_URL": "redis://127.0.0.1:6379/0"}
    )
    assert settings.rate_limit_per_minute == 0
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    for bad in ("-1", "twenty", "2.5"):
        with pytest.raises(SettingsError, match="LENTERA_RATE_LIMIT_PER_MINUTE"):
            load_settings({"LENTERA_RATE_LIMIT_PER_MINUTE": bad})
