"""Answers to the storage notice: the latest one wins, with its time and notice version."""

from __future__ import annotations

from bot.privacy.consent import NOTICE_VERSION, Consents
from bot.storage.engine import create_engine


def test_the_latest_answer_is_kept_with_its_time_and_version(database):
    consents = Consents(create_engine(database.url, schema=database.schema))
    assert consents.get("p") is None and consents.agreed() == set()
    consents.record("p", True, 10.0)
    consents.record("q", False, 11.0)
    assert consents.get("p") == (True, NOTICE_VERSION, 10.0)
    assert consents.agreed() == {"p"}
    consents.record("p", False, 20.0)  # withdrawn
    assert consents.get("p") == (False, NOTICE_VERSION, 20.0) and consents.agreed() == set()
    consents.forget("p")
    consents.forget("p")  # twice is fine
    assert consents.get("p") is None and consents.get("q") is not None
