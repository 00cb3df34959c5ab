"""The ids of the assistant's messages: per person, only the deletable ones, then gone."""

from __future__ import annotations

from bot.privacy.sent_log import DELETABLE_SECONDS, SentLog
from bot.storage.engine import create_engine


class Clock:
    now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


def test_recent_ids_per_person_and_channel_oldest_first(database):
    clock = Clock()
    log = SentLog(create_engine(database.url, schema=database.schema), clock=clock)
    log.record("p1", "telegram", "11")
    log.record("p1", "telegram", "12")
    log.record("p1", "whatsapp", "wamid.x")
    log.record("p2", "telegram", "13")
    assert log.recent("p1", "telegram") == ["11", "12"]
    clock.now += DELETABLE_SECONDS + 1  # Telegram no longer lets the bot delete them
    log.record("p1", "telegram", "14")
    assert log.recent("p1", "telegram") == ["14"]
    assert log.purge() == 4
    assert log.forget("p1") == 1
    assert log.recent("p1", "telegram") == [] and log.recent("p2", "telegram") == []
