"""The conversation state: read from slots with defaults for odd values, written back as events."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
import yaml
from rasa_sdk.events import SlotSet

from actions.state import MAX_ASKS, QUESTIONS, State
from bot.languages import DEFAULT_LANGUAGE
from tests.helpers.trackers import make_tracker

ROOT = Path(__file__).resolve().parents[2]


def test_an_empty_tracker_gives_the_default_state():
    assert State.from_tracker(make_tracker()) == State()


def test_slots_are_read_into_their_fields():
    slots = {
        "language": "en",
        "country": "MY",
        "city": "Tawau",
        "is_safe_now": False,
        "handoff_active": True,
        "asked": {"safety": 1},
        "shown": ["kri-tawau"],
        "referral_offset": 3.0,
    }
    state = State.from_tracker(make_tracker(slots=slots))
    assert {name: getattr(state, name) for name in slots} == slots


@pytest.mark.parametrize(
    ("slot", "odd", "default"),
    [
        ("language", "fr", DEFAULT_LANGUAGE),
        ("language", "", DEFAULT_LANGUAGE),
        ("handoff_active", "true", False),  # a bool field takes only a bool
        ("greeted", 1, False),
        ("done", "yes", False),
        ("asked", "safety", {}),
        ("asked", ["safety"], {}),
        ("shown", "kri-tawau", []),
        ("shown", {"id": "kri-tawau"}, []),
    ],
)
def test_odd_slot_values_get_the_default(slot, odd, default):
    state = State.from_tracker(make_tracker(slots={slot: odd}))
    assert getattr(state, slot) == default


def test_the_state_does_not_share_lists_and_dicts_with_the_tracker():
    asked, shown = {"safety": 1}, ["kri-tawau"]
    state = State.from_tracker(make_tracker(slots={"asked": asked, "shown": shown}))
    state.count_ask("safety")
    state.shown.append("kbri-kuala-lumpur")
    assert asked == {"safety": 1} and shown == ["kri-tawau"]


def test_no_change_no_events():
    state = State(country="MY", asked={"place": 1})
    assert state.events_since(state.copy()) == []


def test_events_since_sets_exactly_the_changed_fields():
    before = State(country="MY", city="Tawau")
    after = before.copy()
    after.city = None
    after.problem = "unpaid_wages"
    after.count_ask("safety")
    events = after.events_since(before)
    assert sorted(events, key=lambda e: e["name"]) == [
        SlotSet("asked", {"safety": 1}),
        SlotSet("city", None),
        SlotSet("problem", "unpaid_wages"),
    ]


def test_the_events_read_back_give_the_same_state():
    state = State(language="en", country="SA", city="Riyadh", shown=["kbri-riyadh"], done=True)
    state.stop_asking("place")
    slots = {event["name"]: event["value"] for event in state.events_since(State())}
    assert State.from_tracker(make_tracker(slots=slots)) == state


def test_every_field_is_a_slot_of_the_domain():
    """A field without a slot would be written by the action and dropped by Rasa."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert {f.name for f in fields(State)} <= set(domain["slots"])


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_question_is_asked_at_most_max_asks_times(question):
    state = State()
    asked = 0
    while state.asks_left(question):
        state.count_ask(question)
        asked += 1
        assert asked <= MAX_ASKS
    assert asked == MAX_ASKS


def test_stop_asking_ends_the_question_for_good():
    state = State()
    state.stop_asking("safety")
    assert not state.asks_left("safety")
    assert state.asks_left("place")  # the other question is untouched


def test_counts_read_from_slots_as_floats_still_count():
    """Rasa may hand back a number slot as a float."""
    state = State.from_tracker(make_tracker(slots={"asked": {"safety": 1.0}}))
    assert state.asks_left("safety")
    state.count_ask("safety")
    assert not state.asks_left("safety")


def test_copy_is_deep():
    state = State(asked={"safety": 1}, shown=["kri-tawau"])
    copy = state.copy()
    copy.asked["safety"] = 2
    copy.shown.append("kbri-kuala-lumpur")
    copy.country = "MY"
    assert state == State(asked={"safety": 1}, shown=["kri-tawau"])
    assert copy != state
