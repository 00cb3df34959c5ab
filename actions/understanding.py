"""What a free-text message says besides its intent: answers in words and follow-ups.

Plain functions over `content/cues.yml`, so an answer such as "aman kak", "safe kok kak,
cuma stress" or "klo siang aman, malem dijaga mandor" is understood whatever the classifier
made of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CUES_PATH = Path(__file__).parent / "content" / "cues.yml"
# Past this length a message is a story, not a short answer or a goodbye.
LONG_MESSAGE = 280
THANKS_WORDS = 4  # "ok makasih banyak kak"; longer is more than a thanks


@lru_cache(maxsize=1)
def _cues() -> dict[str, Any]:
    with CUES_PATH.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)

    def compiled(patterns: list[str]) -> list[re.Pattern[str]]:
        return [re.compile(pattern) for pattern in patterns]

    nested = ("followup", "problem_words")
    cues: dict[str, Any] = {name: compiled(p) for name, p in raw.items() if name not in nested}
    for name in nested:
        cues[name] = {kind: compiled(p) for kind, p in raw[name].items()}
    return cues


def _clean(text: str) -> str:
    lowered = (text or "").lower().replace("’", "'")
    return re.sub(r"([a-z])\1{2,}", r"\1", lowered)  # "amannn" -> "aman"


def _any(patterns: list[re.Pattern[str]], text: str) -> bool:
    return any(pattern.search(text) for pattern in patterns)


def _says(cue: str, text: str) -> bool:
    """True when any pattern of ``cue`` (a list in cues.yml) is in the cleaned text."""
    return _any(_cues()[cue], _clean(text))


def _first_kind(group: str, text: str) -> str | None:
    """The first kind of ``group`` (a mapping in cues.yml) whose patterns the text has."""
    cleaned = _clean(text)
    return next((str(k) for k, p in _cues()[group].items() if _any(p, cleaned)), None)


def _verdict(no: str, yes: str, text: str) -> bool | None:
    """False when cue ``no`` is there (it wins), True for cue ``yes``, else None."""
    if _says(no, text):
        return False
    return True if _says(yes, text) else None


def safety_answer(text: str) -> bool | None:
    """True for "safe", False for "not safe" (any danger or confinement cue wins), else None."""
    return _verdict("unsafe", "safe", text)


def storage_answer(text: str) -> bool | None:
    """True for "keep my chat", False for "do not keep it" (checked first), else None."""
    return _verdict("storage_no", "storage_yes", text)


def is_hedged(clause: str) -> bool:
    """True when a figure's clause makes it a guess or a bound, not an amount to compute."""
    return _says("money_hedges", clause)


def says_thanks(text: str) -> bool:
    """True for a short thanks ("iya makasih", "ok thanks kak"): nothing else asked."""
    cleaned = _clean(text)
    return len(cleaned.split()) <= THANKS_WORDS and _any(_cues()["thanks"], cleaned)


def asks_something(text: str) -> bool:
    """True for a question ("jd sy hrs gmn dulu kak?"): a closing word in it is not a goodbye."""
    return _says("question", text)


def asks_what_now(text: str) -> bool:
    """True for "what should I do now?" ("jd sy hrs gmn dulu kak?", "what next")."""
    return _says("what_now", text)


def asks_rescue(text: str) -> bool:
    """True when the person asks to be fetched or rescued ("ada yg bs jemput kami gk?")."""
    return _says("rescue", text)


def names_language(text: str) -> bool:
    """True when a language is named ("pakai bahasa indonesia aja", "in English please")."""
    return _says("language_named", text)


def problem_in_words(text: str) -> str | None:
    """The report intent plain words make (abuse first), else None: the classifier's backstop."""
    return _first_kind("problem_words", text)


def speaks_of_sending_money(text: str) -> bool:
    """True when the words are about sending money ("kirim uang ke kampung", "remit")."""
    return _says("sending_money", text)


def writes_for_relative(text: str) -> bool:
    """True when the person writes about a relative or friend ("adik sy", "my sister").

    Not when they say they work there themself: a caregiver's "my grandma patient" is no
    relative.
    """
    cleaned = _clean(text)
    if not _any(_cues()["relative"], cleaned):
        return False
    for pattern in _cues()["relative"]:  # "adik sy kerja" is the sister working, not "sy kerja"
        cleaned = pattern.sub(" ", cleaned)
    return not _any(_cues()["self_worker"], cleaned)


def refuses_going_home(text: str) -> bool:
    """True for "i dont want to go home yet", "blm mau pulang": not a going-home request."""
    return _says("not_going_home", text)


def names_home_place_of_others(text: str) -> bool:
    """True when a place at home is the agency's or the family's ("lewat PT di malang")."""
    return _says("home_place_of_others", text)


def followup_kind(text: str) -> str | None:
    """``whatsapp``, ``hours`` or ``verify`` for a question about a contact, else None."""
    return _first_kind("followup", text)


def is_long(text: str) -> bool:
    """True for a story-length message."""
    return len(text or "") > LONG_MESSAGE


@dataclass(frozen=True)
class Message:
    """The latest user message as the dialogue needs it."""

    text: str
    intent: str | None
    confidence: float
    ranking: tuple[tuple[str, float], ...]
    entities: tuple[tuple[str, str], ...]

    @classmethod
    def from_parse(cls, parse: dict[str, Any] | None) -> Message:
        """Build from Rasa's parse data (``tracker.latest_message``)."""
        parse = parse or {}
        intent = parse.get("intent") or {}
        ranking = tuple(
            (str(item.get("name")), float(item.get("confidence") or 0.0))
            for item in parse.get("intent_ranking") or []
            if item.get("name")
        )
        found = [
            e for e in parse.get("entities") or [] if e.get("entity") and e.get("value") is not None
        ]
        found.sort(key=lambda e: int(e.get("start") or 0))  # in the order they were written
        entities = tuple((str(e["entity"]), str(e["value"])) for e in found)
        return cls(
            text=str(parse.get("text") or ""),
            intent=intent.get("name"),
            confidence=float(intent.get("confidence") or 0.0),
            ranking=ranking,
            entities=entities,
        )

    def entity(self, name: str) -> str | None:
        """The first value of entity ``name`` in the message."""
        return next((value for entity, value in self.entities if entity == name), None)

    def last_entity(self, name: str) -> str | None:
        """The last value of entity ``name`` ("dulu di malaysia, skrg di singapura" -> SG)."""
        values = [value for entity, value in self.entities if entity == name]
        return values[-1] if values else None

    @property
    def words(self) -> int:
        """How many words the message has."""
        return len(self.text.split())

    @property
    def is_button(self) -> bool:
        """True for a button payload ("/affirm"), which carries no words to read."""
        return self.text.startswith("/")
