"""The one gazetteer of countries, cities and mission areas (``places.yml``).

Plain lookups, no spaCy: the action server uses them to infer a country from a city, to find
the mission area a city belongs to and to name a country in the person's language; the case
store reads a country's time zone (safe contact hours are the person's local time). The NLU
place extractor (``bot.nlu.gazetteer``) reads the same file to find places in text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PLACES_PATH = Path(__file__).with_name("places.yml")


@lru_cache(maxsize=1)
def places_data() -> dict[str, Any]:
    """The parsed ``places.yml`` (read once per process)."""
    with PLACES_PATH.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


@dataclass(frozen=True)
class City:
    """A known city: its English name, ISO country code and the mission area it falls in."""

    name: str
    country: str
    area: str | None


class Places:
    """Countries and cities by normal value and by the forms people type."""

    def __init__(self, data: dict[str, Any]) -> None:
        """Index the parsed gazetteer."""
        self._country_forms = {
            str(form).lower(): code for code, forms in data["countries"].items() for form in forms
        }
        self._cities: dict[str, City] = {}
        for name, spec in data["cities"].items():
            city = City(name, spec["country"], spec.get("area"))
            self._cities[name.lower()] = city
            for form in spec["forms"]:
                self._cities.setdefault(str(form).lower(), city)
        self._names = {code: (names[0], names[1]) for code, names in data["names"].items()}
        self._zones = {str(code): str(zone) for code, zone in data.get("time_zones", {}).items()}

    def country(self, surface: str | None) -> str | None:
        """The ISO code for a code or country form ("MY", "malaysia", "arab saudi"), else None."""
        key = (surface or "").strip().lower()
        if len(key) == 2 and key.upper() in self._names:
            return key.upper()
        return self._country_forms.get(key)

    def city(self, surface: str | None) -> City | None:
        """The known city for a name or form ("KL", "riyadh", "Bayan Lepas"), else None."""
        return self._cities.get((surface or "").strip().lower())

    def country_of_city(self, surface: str | None) -> str | None:
        """The ISO code of the country a known city is in."""
        city = self.city(surface)
        return city.country if city else None

    def country_name(self, code: str | None, lang: str) -> str:
        """The country's name in ``lang`` (the code itself when the gazetteer has no name)."""
        names = self._names.get((code or "").upper())
        if names is None:
            return code or ""
        return names[1] if lang == "en" else names[0]

    def time_zone(self, code: str | None) -> str | None:
        """The IANA time zone of a directory country ("SA" -> "Asia/Riyadh"), else None."""
        return self._zones.get((code or "").upper())


@lru_cache(maxsize=1)
def places() -> Places:
    """The shared gazetteer lookups (built once per process)."""
    return Places(places_data())
