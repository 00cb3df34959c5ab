import pytest
from rasa_sdk.events import SlotSet

from actions.problem import ActionSetProblem, ValidateProblemForm, problem_of
from tests.helpers.trackers import make_tracker


@pytest.mark.parametrize(
    ("intent", "problem"),
    [
        ("report_unpaid_wages", "unpaid_wages"),
        ("report_abuse", "abuse"),
        ("want_to_go_home", "want_to_go_home"),
        ("greet", None),
    ],
)
def test_problem_of_intent(intent, problem):
    assert problem_of(intent) == problem


def test_set_problem_acknowledges_in_the_users_language(dispatcher, texts):
    tracker = make_tracker(
        intent="report_unpaid_wages", text="my salary not paid", slots={"language": "en"}
    )
    events = ActionSetProblem().run(dispatcher, tracker, {})
    assert events == [SlotSet("problem", "unpaid_wages")]
    assert "wages" in texts()[0]


def test_set_problem_infers_country_from_city(dispatcher):
    tracker = make_tracker(intent="report_abuse", slots={"city": "Riyadh"})
    events = ActionSetProblem().run(dispatcher, tracker, {})
    assert SlotSet("country", "SA") in events


def test_not_safe_gives_emergency_contacts_at_once(dispatcher, texts):
    form = ValidateProblemForm()
    tracker = make_tracker(intent="deny", slots={"country": "MY"})
    assert form.validate_is_safe_now(False, dispatcher, tracker, {}) == {"is_safe_now": False}
    assert "999" in texts()[0]


def test_safe_says_nothing_more(dispatcher):
    tracker = make_tracker(intent="affirm")
    assert ValidateProblemForm().validate_is_safe_now(True, dispatcher, tracker, {}) == {
        "is_safe_now": True
    }
    assert dispatcher.messages == []


@pytest.mark.parametrize(("value", "expected"), [("MY", "MY"), ("Malaysia", "MY"), ("sa", "SA")])
def test_country_is_normalised(dispatcher, value, expected):
    result = ValidateProblemForm().validate_country(value, dispatcher, make_tracker(), {})
    assert result == {"country": expected}


def test_unknown_country_is_asked_again(dispatcher, texts):
    result = ValidateProblemForm().validate_country("Narnia", dispatcher, make_tracker(), {})
    assert result == {"country": None}
    assert "negara" in texts()[0]


async def test_city_answers_the_country_question(dispatcher):
    tracker = make_tracker(
        intent="inform", text="jeddah", entities=[{"entity": "city", "value": "Jeddah"}]
    )
    assert await ValidateProblemForm().extract_country(dispatcher, tracker, {}) == {"country": "SA"}


async def test_missing_person_skips_the_safety_question(dispatcher):
    tracker = make_tracker(slots={"problem": "missing_person"})
    slots = await ValidateProblemForm().required_slots(
        ["is_safe_now", "country"], dispatcher, tracker, {}
    )
    assert slots == ["country"]
