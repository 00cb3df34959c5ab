"""Helpers shared by the connectors: clean text, a location as Rasa text, quiet HTTP logs."""

from __future__ import annotations

import json
import logging

from bot.channels.common import (
    HTTP_CLIENT_LOGGERS,
    MAX_INBOUND_CHARS,
    clean_text,
    location_text,
    quiet_http_client_logs,
)


def test_clean_text_drops_nul_trims_and_caps_the_length():
    assert clean_text("  to\x00long\x00 ") == "tolong"
    assert clean_text("\x00\x00") == ""
    assert len(clean_text("x" * 10_000)) == MAX_INBOUND_CHARS


def test_a_location_in_a_known_country_informs_the_country_with_rounded_coordinates():
    text, metadata = location_text(24.713552, 46.675296)
    assert text.startswith("/inform") and json.loads(text[len("/inform") :]) == {"country": "SA"}
    assert metadata == {"location": {"latitude": 24.71, "longitude": 46.68, "country": "SA"}}


def test_a_location_elsewhere_is_a_bare_inform():
    assert location_text(48.85, 2.35) == (
        "/inform",
        {"location": {"latitude": 48.85, "longitude": 2.35}},
    )


def test_http_client_request_lines_are_kept_out_of_the_logs_but_warnings_pass(caplog):
    loggers = [logging.getLogger(name) for name in HTTP_CLIENT_LOGGERS]
    levels = [lg.level for lg in loggers]
    try:
        quiet_http_client_logs()
        with caplog.at_level(logging.INFO):
            url = "https://api.telegram.org/bot123456:SECRETTOKEN/sendMessage"
            logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 200 OK"', url)
            logging.getLogger("httpx").warning("a warning")
        assert "SECRETTOKEN" not in caplog.text
        assert "a warning" in caplog.text
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
