"""The reply language of a conversation: the `language` slot when Lentera speaks it."""

from __future__ import annotations

import pytest

from actions.language import reply_language
from bot.languages import DEFAULT_LANGUAGE, LANGUAGES
from tests.helpers.trackers import make_tracker


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_language_slot_is_the_reply_language(lang):
    assert reply_language(make_tracker(slots={"language": lang})) == lang


@pytest.mark.parametrize("slot", [None, "", "fr", "EN", "en-US", 1, ["en"], {"lang": "en"}])
def test_anything_else_is_the_default(slot):
    assert reply_language(make_tracker(slots={"language": slot})) == DEFAULT_LANGUAGE


def test_the_language_of_the_message_itself_does_not_decide():
    """Only the slot decides: the NLU sets it, the action never guesses from the text."""
    tracker = make_tracker(text="please answer in English", slots={"language": "id"})
    assert reply_language(tracker) == "id"
