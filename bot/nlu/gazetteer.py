"""Country and city recognition over a gazetteer, with spaCy's Indonesian tokenizer.

Plain functions, used both by the Rasa component in `places.py` and by the actions
(to infer a country from a city the user typed).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

from bot.nlu.spacy_without_torch import Doc, PhraseMatcher, spacy
from bot.places import places_data

FUZZY_MIN_LENGTH = 6
FUZZY_CUTOFF = 0.84
SHORT_MESSAGE_TOKENS = 3


@dataclass(frozen=True)
class PlaceMatch:
    """A place found in a text: entity type, normalised value and character span."""

    entity: str
    value: str
    start: int
    end: int
    text: str


class Gazetteer:
    """Finds countries and cities in text; longest match wins, typos within reason."""

    def __init__(self, data: dict) -> None:
        """Build the phrase matcher from the parsed `places.yml`."""
        self.nlp = spacy.blank("id")
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.values: dict[str, tuple[str, str]] = {}
        self.city_country: dict[str, str] = {}
        self.city_names: dict[str, str] = {}
        for code, forms in data["countries"].items():
            self._add("country", code, forms)
        for city, spec in data["cities"].items():
            self.city_country[city.lower()] = spec["country"]
            self.city_names[city.lower()] = city
            self._add("city", city, spec["forms"])
        self.needs_locative = {f.lower() for f in data.get("needs_locative", [])}
        self.locatives = {w.lower() for w in data.get("locatives", [])}
        self.not_here_before_id = {w.lower() for w in data.get("not_location_before_indonesia", [])}
        self.single_forms = {form: key for form, key in self.values.items() if " " not in form}

    def _add(self, entity: str, value: str, forms: list[str]) -> None:
        for form in forms:
            key = str(form).lower()
            self.values[key] = (entity, value)
            self.matcher.add(f"{entity}|{value}|{key}", [self.nlp.make_doc(key)])

    def find(self, text: str) -> list[PlaceMatch]:
        """Return non-overlapping place matches in `text`, longest first, in text order."""
        doc = self.nlp.make_doc(text)
        candidates = []
        for match_id, start, end in self.matcher(doc):
            entity, value, form = self.nlp.vocab.strings[match_id].split("|", 2)
            if end - start == len(doc) or self._accept(doc, start, form, value):
                candidates.append((start, end, entity, value))
        candidates.extend(self._fuzzy(doc, {i for s, e, *_ in candidates for i in range(s, e)}))
        chosen: list[tuple[int, int, str, str]] = []
        taken: set[int] = set()
        for start, end, entity, value in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
            if taken.isdisjoint(range(start, end)):
                chosen.append((start, end, entity, value))
                taken.update(range(start, end))
        matches = []
        for start, end, entity, value in sorted(chosen):
            span = doc[start:end]
            matches.append(PlaceMatch(entity, value, span.start_char, span.end_char, span.text))
        return matches

    def _accept(self, doc: Doc, start: int, form: str, value: str) -> bool:
        previous = doc[start - 1].lower_ if start > 0 else ""
        written = doc[start].text
        # "KL", "JB" in capitals are the cities; "kk" in lower case is usually "kakak".
        capitals = written.isupper() and len(written) == 2 and written.lower() != "kk"
        if form in self.needs_locative and previous not in self.locatives and not capitals:
            return False
        return not (value == "ID" and previous in self.not_here_before_id)

    def _fuzzy(self, doc: Doc, taken: set[int]) -> list[tuple[int, int, str, str]]:
        found = []
        for token in doc:
            word = token.lower_
            if token.i in taken or len(word) < FUZZY_MIN_LENGTH or not word.isalpha():
                continue
            # A misspelt place counts only where a place is expected: after "di", "in", ...
            # or as (nearly) the whole message. "tawaran" (an offer) is not Taiwan.
            previous = doc[token.i - 1].lower_ if token.i > 0 else ""
            if previous not in self.locatives and len(doc) > SHORT_MESSAGE_TOKENS:
                continue
            close = difflib.get_close_matches(word, self.single_forms, n=1, cutoff=FUZZY_CUTOFF)
            if close and close[0] not in self.needs_locative:
                entity, value = self.single_forms[close[0]]
                if value == "ID":  # "indonesian" is a language or an adjective, not a place
                    continue
                if not self._accept(doc, token.i, close[0], value):
                    continue
                found.append((token.i, token.i + 1, entity, value))
        return found

    def normalise(self, entity: str, surface: str) -> str | None:
        """Map a surface form (or an already normal value) to its normal value, else None."""
        key = surface.strip().lower()
        if entity == "country" and len(key) == 2 and key.upper() in self._codes():
            return key.upper()
        hit = self.values.get(key)
        if hit and hit[0] == entity:
            return hit[1]
        if entity == "city":
            return self.city_names.get(key)
        return None

    def _codes(self) -> set[str]:
        return {value for entity, value in self.values.values() if entity == "country"}

    def country_of_city(self, city: str) -> str | None:
        """Return the ISO code of the country a known city is in."""
        return self.city_country.get(city.strip().lower())


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shared gazetteer built from `places.yml` (built once per process)."""
    return Gazetteer(places_data())
