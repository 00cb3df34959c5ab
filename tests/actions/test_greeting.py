from rasa_sdk.events import SlotSet

from actions.greeting import ActionChooseLanguage, ActionGreet
from tests.helpers.trackers import make_tracker


def test_first_contact_is_bilingual_with_language_buttons(dispatcher, texts):
    ActionGreet().run(dispatcher, make_tracker(intent="greet", text="halo"), {})
    text = texts()[0]
    assert "Lentera" in text and "bukan layanan darurat" in text and "not an emergency" in text
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads == ['/choose_language{"language": "id"}', '/choose_language{"language": "en"}']


def test_second_greeting_is_short(dispatcher, texts):
    earlier = [{"event": "action", "name": "action_greet"}]
    ActionGreet().run(dispatcher, make_tracker(intent="greet", events=earlier), {})
    assert "Lentera" not in texts()[0]


def test_choose_named_language(dispatcher, texts):
    tracker = make_tracker(
        intent="choose_language", entities=[{"entity": "language", "value": "en"}]
    )
    assert ActionChooseLanguage().run(dispatcher, tracker, {}) == [SlotSet("language", "en")]
    assert texts()[0].startswith("OK, I will write in English")


def test_choose_language_without_name_switches(dispatcher):
    tracker = make_tracker(intent="choose_language", slots={"language": "en"})
    assert ActionChooseLanguage().run(dispatcher, tracker, {}) == [SlotSet("language", "id")]
