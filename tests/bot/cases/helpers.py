"""Builders for the case store tests: a controlled clock and a plausible case."""

from __future__ import annotations

import itertools
from typing import Any

from bot.cases.models import Case
from bot.cases.store import CaseStore


class Clock:
    """A controlled clock: starts at a fixed time, moves only when told."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


_conversations = itertools.count(1)


def open_case(store: CaseStore, **overrides: Any) -> Case:
    """Open a case with plausible values; ``overrides`` replace any of them."""
    values = {
        "conversation_id": f"tg_{next(_conversations):032x}",
        "channel": "telegram",
        "language": "id",
        "country": "HK",
        "city": "Hong Kong",
        "problem": "unpaid_wages",
        "risk": "normal",
        "consent_version": "handoff-v1",
        "consent_at": 1_800_000_000.0,
        "summary": "problem: unpaid_wages; country: HK",
        "transcript": [
            ("person", "gaji saya belum dibayar tiga bulan", 1_799_999_990.0),
            ("assistant", "Saya bisa bantu. Anda di mana?", 1_799_999_991.0),
        ],
    }
    values.update(overrides)
    return store.open_case(**values)
