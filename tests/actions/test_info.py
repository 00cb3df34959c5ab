from actions.info import ActionAnswerRights, ActionAnswerSafeMigration
from tests.helpers.trackers import make_tracker


def test_rights_in_hong_kong_name_the_labour_department(dispatcher, texts):
    tracker = make_tracker(intent="ask_rights", slots={"country": "HK", "language": "en"})
    ActionAnswerRights().run(dispatcher, tracker, {})
    assert "rest day" in texts()[0]
    assert "2157 9537" in texts()[1]


def test_rights_without_country_point_to_the_authority(dispatcher, texts):
    ActionAnswerRights().run(dispatcher, make_tracker(intent="ask_rights"), {})
    assert "Paspor adalah milik Anda" in texts()[0]
    assert "KP2MI" in texts()[1]


def test_safe_migration_points_to_kp2mi(dispatcher, texts):
    ActionAnswerSafeMigration().run(dispatcher, make_tracker(intent="ask_safe_migration"), {})
    assert "P3MI" in texts()[0]
    assert "0800-1000" in "\n".join(texts())
