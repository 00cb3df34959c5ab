from actions.fallback import ActionFallback, consecutive_fallbacks
from tests.helpers.trackers import make_tracker, user_event


def test_first_fallback_asks_to_rephrase_with_suggestions(dispatcher, texts):
    ActionFallback().run(dispatcher, make_tracker(intent="nlu_fallback", text="asdf"), {})
    assert len(dispatcher.messages) == 1
    assert "Maaf" in texts()[0]
    assert {"/emergency", "/request_human"} <= {
        b["payload"] for b in dispatcher.messages[0]["buttons"]
    }


def test_second_fallback_offers_a_person_and_the_hotline(dispatcher, texts):
    before = [user_event("qwer", "nlu_fallback")]
    tracker = make_tracker(
        intent="nlu_fallback", text="zxcv", events=before, slots={"language": "en"}
    )
    assert consecutive_fallbacks(tracker) == 2
    ActionFallback().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/request_human"
    assert "+62 812 9007 0027" in texts()[1]


def test_count_stops_at_an_understood_message():
    events = [user_event("x", "nlu_fallback"), user_event("gaji", "report_unpaid_wages")]
    assert consecutive_fallbacks(make_tracker(intent="nlu_fallback", events=events)) == 1
