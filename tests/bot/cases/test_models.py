"""The case store's records and errors: office hours, refusal reasons, safe-contact windows."""

from __future__ import annotations

import dataclasses

import pytest

from bot.cases.models import (
    AUTHORS,
    AlreadyClaimed,
    CaseError,
    CaseNotFound,
    ContactPreference,
    OfficeHours,
    ReplyRefused,
    local_time,
)
from tests.bot.cases.helpers import open_case


def test_office_hours_round_trip_and_missing_keys_take_the_defaults():
    hours = OfficeHours(tz="Asia/Hong_Kong", days=(5, 6), start="10:00", end="14:00")
    assert hours.as_dict() == {
        "tz": "Asia/Hong_Kong",
        "days": [5, 6],
        "start": "10:00",
        "end": "14:00",
    }
    assert OfficeHours.from_dict(hours.as_dict()) == hours
    assert OfficeHours.from_dict({}) == OfficeHours()
    assert OfficeHours.from_dict({"days": ["1", 2]}).days == (1, 2)


def test_errors_say_who_holds_the_case_and_why_a_reply_was_refused():
    claimed = AlreadyClaimed(7)
    assert claimed.assignee_id == 7 and "7" in str(claimed)
    refused = ReplyRefused("too_long")
    assert refused.reason == "too_long" and isinstance(refused, CaseError)
    assert issubclass(CaseNotFound, LookupError)
    assert set(AUTHORS) == {"person", "assistant", "caseworker", "system"}


def test_a_case_is_open_while_waiting_or_claimed_and_records_are_frozen(stores):
    stores.cases.create_organisation("Lentera Desk", [])
    case = open_case(stores.cases)
    assert case.status == "waiting" and case.is_open
    assert dataclasses.replace(case, status="claimed").is_open
    assert not dataclasses.replace(case, status="closed").is_open
    with pytest.raises(dataclasses.FrozenInstanceError):
        case.status = "closed"  # type: ignore[misc]


def test_a_contact_window_opens_at_its_start_closes_at_its_end_and_may_cross_midnight():
    evening = ContactPreference(True, "19:00", "21:00")
    assert [evening.allows(t) for t in ("18:59", "19:00", "20:59", "21:00")] == [
        False,
        True,
        True,
        False,
    ]
    late = ContactPreference(True, "22:00", "01:00")
    assert [late.allows(t) for t in ("21:59", "22:00", "00:59", "01:00")] == [
        False,
        True,
        True,
        False,
    ]
    assert ContactPreference(True, "20:00", "24:00").allows("23:59")
    assert evening.window() == "19:00–21:00" and not evening.any_time
    anytime = ContactPreference(True)
    assert anytime.any_time and anytime.allows("03:00") and anytime.window() == ""
    refused = ContactPreference(False)
    assert not refused.allows("12:00") and not refused.any_time


@pytest.mark.parametrize(
    ("agreed", "start", "end"),
    [
        (True, "19:00", None),  # half a window
        (False, "19:00", "21:00"),  # a refusal has no hours
        (True, "7pm", "9pm"),
        (True, "25:00", "26:00"),
        (True, "24:00", "02:00"),  # midnight is an end, not a start
        (True, "19:00", "19:00"),  # empty
    ],
)
def test_a_contact_window_that_makes_no_sense_is_refused(agreed, start, end):
    with pytest.raises(ValueError):
        ContactPreference(agreed, start, end)


def test_local_time_is_the_zones_and_an_unknown_zone_is_wib():
    noon_utc = 1_800_000_000.0 - 1_800_000_000.0 % 86400 + 12 * 3600
    assert local_time(noon_utc, "UTC") == "12:00"
    assert local_time(noon_utc, "Asia/Riyadh") == "15:00"
    assert local_time(noon_utc, "Asia/Hong_Kong") == "20:00"
    assert local_time(noon_utc, "Not/A_Zone") == "19:00"
