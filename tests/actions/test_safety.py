import pytest
from rasa_sdk.events import SlotSet

from actions.safety import ActionEmergency
from tests.helpers.trackers import make_tracker

KEMLU_HOTLINE = "+62 812 9007 0027"


def run(dispatcher, **tracker_args):
    return ActionEmergency().run(dispatcher, make_tracker(intent="emergency", **tracker_args), {})


def test_unknown_country_gives_national_hotline_first_then_asks_where(dispatcher, texts):
    events = run(dispatcher, text="tolong saya mau dibunuh")
    assert KEMLU_HOTLINE in texts()[0]
    assert "negara" in texts()[-1]
    assert dispatcher.messages[-1]["buttons"]
    assert SlotSet("problem", "emergency") in events


def test_known_country_gives_local_number_first_then_mission(dispatcher, texts):
    run(dispatcher, text="he is hitting me", slots={"country": "MY", "language": "en"})
    first = texts()[0]
    assert "999" in first
    assert "emergency" in first.lower()
    assert any("Kuala Lumpur" in t or "KBRI" in t or "Embassy" in t for t in texts()[1:])
    assert dispatcher.messages[-1]["buttons"][0]["payload"] == "/request_human"


def test_country_inferred_from_city(dispatcher, texts):
    events = run(dispatcher, text="tolong", slots={"city": "Kuala Lumpur"})
    assert "999" in texts()[0]
    assert SlotSet("country", "MY") in events


def test_replies_in_english_when_language_is_english(dispatcher, texts):
    run(dispatcher, text="help", slots={"language": "en"})
    assert "Which country" in texts()[-1]


def test_broken_directory_still_gives_national_hotlines(tmp_path, monkeypatch, dispatcher, texts):
    import shutil

    from actions import contacts
    from knowledge_base.directory import DEFAULT_DIR, DirectoryError, load_directory

    for file in DEFAULT_DIR.glob("*.yml"):
        shutil.copy(file, tmp_path / file.name)
    broken = next(p for p in tmp_path.glob("*.yml") if p.name != "indonesia.yml")
    broken.write_text(broken.read_text() + "\n  - id: BROKEN ENTRY\n")
    monkeypatch.setattr(contacts, "DIRECTORY_PATH", tmp_path)
    with pytest.raises(DirectoryError):
        load_directory(tmp_path)
    run(dispatcher, text="tolong")
    assert KEMLU_HOTLINE in texts()[0]


def test_a_failing_action_still_answers(monkeypatch, dispatcher, texts):
    from actions import safety

    def broken(*args, **kwargs):
        raise RuntimeError("directory unreachable")

    monkeypatch.setattr(safety, "emergency_reply", broken)
    assert run(dispatcher, text="help", slots={"language": "en"}) == []
    assert "Sorry, something went wrong" in texts()[0]
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/request_human"
