"""The case store's records and errors: office hours round-trip, errors carry their reason."""

from __future__ import annotations

import dataclasses

import pytest

from bot.cases.models import (
    AUTHORS,
    AlreadyClaimed,
    CaseError,
    CaseNotFound,
    OfficeHours,
    ReplyRefused,
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
