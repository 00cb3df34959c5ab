"""Helpers shared by the connectors: clean inbound text, a location as Rasa text."""

from __future__ import annotations

import json

from bot.channels.common import MAX_INBOUND_CHARS, clean_text, location_text


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
