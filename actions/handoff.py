"""Handing a conversation to a caseworker: what the dialogue needs from the case store.

The flow (`actions/flow.py`) stays free of databases: it talks to a `Desk`, which says which
organisation would take the case and opens it once the person agreed. `CaseDesk` is the real
one, on Lentera's case store (`bot.cases`); tests pass their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from actions.state import State
from bot.cases.models import OfficeHours

# The version of the consent text shown (bot/texts/messages.yml `handoff_consent`); stored
# with the case so it is known what the person agreed to. Change it with the text.
CONSENT_VERSION = "handoff-consent-v1"
DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def open_at(hours: OfficeHours, when: float) -> bool:
    """True when ``when`` (Unix seconds) falls in the office hours."""
    local = dt.datetime.fromtimestamp(when, _zone(hours.tz))
    return local.weekday() in hours.days and hours.start <= local.strftime("%H:%M") < hours.end


def describe(hours: OfficeHours, lang: str) -> str:
    """The hours in ``lang``, e.g. ``Senin–Jumat 09:00–17:00 (Asia/Jakarta)``."""
    names = DAYS_EN if lang == "en" else DAYS_ID
    days = sorted(set(hours.days))
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        span = f"{names[days[0]]}–{names[days[-1]]}"
    else:
        span = ", ".join(names[d] for d in days)
    return f"{span} {hours.start}–{hours.end} ({hours.tz})"


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.timezone(dt.timedelta(hours=7))  # WIB, where the default organisation is


class HandoffUnavailable(RuntimeError):
    """The case store cannot be reached: the person gets the hotlines instead."""


@dataclass(frozen=True)
class Team:
    """The organisation a case would go to, as the person is told about it (name, hours)."""

    name: str
    hours: OfficeHours


class Desk(Protocol):
    """Who takes over from the assistant."""

    retention_days: int

    def organisation(self, country: str | None) -> Team:
        """The organisation serving ``country`` (the default one when none does)."""

    def open_case(self, state: State, consent_at: float) -> Team:
        """Open the case (once per conversation) with the state's summary and the transcript."""
