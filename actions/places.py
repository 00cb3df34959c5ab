"""Country and city from the tracker, with the country inferred from a known city."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.nlu.gazetteer import gazetteer


def country_from_slots(tracker: Tracker) -> tuple[str | None, str | None]:
    """Return (country ISO code, city), inferring the country from the city when needed."""
    country = tracker.get_slot("country")
    city = tracker.get_slot("city")
    if city and not country:
        country = gazetteer().country_of_city(city)
    return (country.upper() if isinstance(country, str) else None), city
