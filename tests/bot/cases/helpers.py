"""Builders for the case store tests: a controlled clock, a plausible case, a raw dump."""

from __future__ import annotations

import itertools
import json
from typing import Any

import sqlalchemy as sa

from bot.cases.models import Case
from bot.cases.store import CaseStore
from bot.storage.tables import metadata


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


SECRET = "majikan menahan paspor saya"


def dump(engine: Any, *tables: str) -> str:
    """Every row of ``tables`` as stored (raw, not decrypted)."""
    with engine.connect() as conn:
        return json.dumps(
            [
                [list(map(str, row)) for row in conn.execute(sa.select(metadata.tables[t]))]
                for t in tables
            ]
        )
