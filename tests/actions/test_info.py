from actions.contacts import directory
from actions.info import answer


def test_rights_in_hong_kong_name_the_labour_department():
    messages = answer("rights", "HK", "en", directory())
    assert "rest day" in messages[0]
    assert "2157 9537" in messages[1]


def test_rights_without_country_point_to_the_authority():
    messages = answer("rights", None, "id", directory())
    assert "Paspor adalah milik Anda" in messages[0]
    assert "KP2MI" in messages[1]


def test_safe_migration_points_to_kp2mi():
    assert "P3MI" in "\n".join(answer("safe_migration", None, "id", directory()))
