"""The conversation state the dialogue keeps between turns, read from and written to slots."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from bot.languages import DEFAULT_LANGUAGE, LANGUAGES

# Questions the assistant asks; each is asked at most this often in one conversation.
QUESTIONS = ("safety", "place")
MAX_ASKS = 2


@dataclass
class State:
    """Everything the dialogue remembers. Field names are slot names (domain.yml)."""

    language: str = DEFAULT_LANGUAGE
    country: str | None = None
    city: str | None = None
    problem: str | None = None
    is_safe_now: bool | None = None
    consent_share: bool | None = None
    # The answer to the storage notice (None: not given; the words are not kept until True).
    storage_consent: bool | None = None
    privacy_told: bool = False  # the storage notice was shown
    handoff_active: bool = False
    # What the assistant is waiting for: "safety", "place", "emergency_place" (the local
    # emergency numbers follow), "delete", "consent", "storage" (the notice), or None.
    pending: str | None = None
    asked: dict[str, int] = field(default_factory=dict)
    # The referral topic and entries shown last (for "more" and follow-up questions).
    topic: str | None = None
    shown: list[str] = field(default_factory=list)
    referral_offset: float = 0.0
    fallbacks: float = 0.0
    writer: str | None = None  # "relative" when writing about someone else
    greeted: bool = False
    emergency_given: bool = False
    done: bool = False  # contacts for the current problem were given
    money_summary: str | None = None  # the computed wage claim, for the case summary

    @classmethod
    def from_tracker(cls, tracker: Tracker) -> State:
        """Read the state from the tracker's slots (missing or odd values get defaults)."""
        state = cls()
        for name, default in asdict(cls()).items():
            value = tracker.get_slot(name)
            if value is None:
                continue
            if isinstance(default, bool) and not isinstance(value, bool):
                continue
            setattr(state, name, value)
        if state.language not in LANGUAGES:
            state.language = DEFAULT_LANGUAGE
        state.asked = dict(state.asked) if isinstance(state.asked, dict) else {}
        state.shown = list(state.shown) if isinstance(state.shown, list) else []
        return state

    def asks_left(self, question: str) -> bool:
        """True while ``question`` has been asked fewer than MAX_ASKS times."""
        return int(self.asked.get(question, 0)) < MAX_ASKS

    def count_ask(self, question: str) -> None:
        """Record that ``question`` was asked once more."""
        self.asked[question] = int(self.asked.get(question, 0)) + 1

    def stop_asking(self, question: str) -> None:
        """The person answered otherwise: never ask ``question`` again."""
        self.asked[question] = MAX_ASKS

    def events_since(self, before: State) -> list[EventType]:
        """SlotSet events for every field that changed."""
        old, new = asdict(before), asdict(self)
        return [SlotSet(name, value) for name, value in new.items() if old[name] != value]

    def copy(self) -> State:
        """A deep copy (lists and dicts included)."""
        data: dict[str, Any] = asdict(self)
        return State(**data)
