from rasa_sdk.events import Restarted, SlotSet

from actions.turn import ActionTurn
from tests.helpers.trackers import make_tracker


def test_turn_answers_and_writes_the_state_back(dispatcher, texts):
    tracker = make_tracker(
        intent="report_unpaid_wages",
        text="gaji sy blm dibayar 3 bulan di riyadh",
        entities=[{"entity": "city", "value": "Riyadh"}],
    )
    events = ActionTurn().run(dispatcher, tracker, {})
    assert "Gaji adalah hak Anda" in texts()[0]
    assert SlotSet("problem", "unpaid_wages") in events
    assert SlotSet("country", "SA") in events and SlotSet("pending", "safety") in events


def test_turn_reads_the_state_it_wrote(dispatcher, texts):
    slots = {
        "problem": "unpaid_wages",
        "country": "SA",
        "city": "Riyadh",
        "pending": "safety",
        "asked": {"safety": 1},
    }
    tracker = make_tracker(intent="affirm", text="aman kak", slots=slots)
    events = ActionTurn().run(dispatcher, tracker, {})
    assert SlotSet("is_safe_now", True) in events
    assert "KBRI Riyadh" in texts()[0] or "Riyadh" in texts()[0]


def test_confirmed_deletion_restarts_keeping_the_language(dispatcher, texts):
    tracker = make_tracker(
        intent="affirm", text="/affirm", slots={"pending": "delete", "language": "en"}
    )
    events = ActionTurn().run(dispatcher, tracker, {})
    assert Restarted() in events and SlotSet("language", "en") in events


def test_a_broken_turn_still_answers(dispatcher, texts, monkeypatch):
    def boom(*_args):
        raise RuntimeError("broken")

    monkeypatch.setattr("actions.turn.respond", boom)
    ActionTurn().run(dispatcher, make_tracker(intent="greet", text="halo"), {})
    assert "gangguan" in texts()[0]
