"""No silent failures: an action that raises still answers, and the log holds no message text."""

from __future__ import annotations

import logging

import pytest
from rasa_sdk.events import SlotSet

from actions.guard import never_silent
from bot.texts import buttons, text
from tests.helpers.trackers import make_tracker

PRIVATE = "majikan sy pukul sy tiap malam, paspor ditahan"


class Broken:
    """An action whose run raises (the error says nothing about the person)."""

    def name(self) -> str:
        return "action_broken"

    @never_silent
    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="half an answer")
        raise KeyError("slot")


class Working:
    def name(self) -> str:
        return "action_working"

    @never_silent
    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="fine")
        return [SlotSet("greeted", True)]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_an_action_that_raises_sends_the_apology_with_its_buttons(dispatcher, lang):
    tracker = make_tracker(text=PRIVATE, intent="report_abuse", slots={"language": lang})
    events = Broken().run(dispatcher, tracker, {})
    assert events == []
    apology = dispatcher.messages[-1]
    assert apology["text"] == text("internal_error", lang)
    assert apology["buttons"] == buttons("internal_error", lang)
    assert apology["buttons"]  # the person can still ask for a caseworker


def test_an_unknown_language_gets_the_apology_in_the_default_one(dispatcher):
    Broken().run(dispatcher, make_tracker(text="x", slots={"language": "fr"}), {})
    assert dispatcher.messages[-1]["text"] == text("internal_error", None)


def test_the_error_is_logged_with_the_action_name_and_no_message_text(dispatcher, caplog):
    tracker = make_tracker(text=PRIVATE, intent="report_abuse")
    with caplog.at_level(logging.DEBUG):
        Broken().run(dispatcher, tracker, {})
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "action_broken" in errors[0].getMessage()
    assert errors[0].exc_info and errors[0].exc_info[0] is KeyError
    assert PRIVATE not in caplog.text
    assert not any(word in caplog.text for word in ("majikan", "paspor"))


def test_a_working_action_passes_through_untouched(dispatcher, caplog):
    with caplog.at_level(logging.DEBUG):
        events = Working().run(dispatcher, make_tracker(text=PRIVATE), {})
    assert events == [SlotSet("greeted", True)]
    assert [m["text"] for m in dispatcher.messages] == ["fine"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_wrapper_keeps_the_name_of_run():
    assert Working.run.__name__ == "run"
    assert Working.run.__wrapped__.__qualname__.endswith("Working.run")
