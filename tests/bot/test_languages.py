"""The languages Lentera speaks: platform codes mapped to id/en, anything else the default."""

from __future__ import annotations

import pytest

from bot.languages import DEFAULT_LANGUAGE, LANGUAGES, known_or_default, normalise_language


def test_language_helpers():
    assert normalise_language("en-US") == "en"
    assert normalise_language("id") == "id"
    assert normalise_language("ms") == "id"
    assert normalise_language("es") is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("EN_gb", "en"),
        (" en ", "en"),
        ("in", "id"),  # the old ISO code for Indonesian
        ("jv", "id"),
        ("su-ID", "id"),
        ("", None),
        (None, None),
    ],
)
def test_normalise_language_variants(code, expected):
    assert normalise_language(code) == expected


def test_the_default_is_a_language_lentera_speaks():
    assert DEFAULT_LANGUAGE in LANGUAGES


@pytest.mark.parametrize("code", [None, "", "fr", "EN", 3, ["en"]])
def test_anything_but_a_known_code_is_the_default(code):
    assert known_or_default(code) == DEFAULT_LANGUAGE


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_known_code_is_kept(code):
    assert known_or_default(code) == code
