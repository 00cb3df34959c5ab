"""Rasa component: rule-based country/city entities from the gazetteer.

Runs after DIET. Its own matches win; DIET's `country`/`city` entities are kept only where
they do not overlap a gazetteer match and their value can be normalised (ISO code, English
city spelling). A DIET entity that cannot be normalised is dropped rather than passed on raw.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.component import StatelessComponent
from bot.nlu.gazetteer import gazetteer

PLACE_ENTITIES = ("country", "city")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class PlaceEntityExtractor(StatelessComponent, EntityExtractorMixin):
    """Adds normalised `country` and `city` entities found by the gazetteer."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Add gazetteer entities to each message, normalising or dropping DIET's."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            message.set(
                ENTITIES, merge_place_entities(text, message.get(ENTITIES, [])), add_to_output=True
            )
        return messages


def merge_place_entities(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return `entities` with gazetteer places added and other place entities normalised."""
    places = gazetteer()
    found = [
        {
            "entity": match.entity,
            "value": match.value,
            "start": match.start,
            "end": match.end,
            "confidence_entity": 1.0,
            "extractor": PlaceEntityExtractor.__name__,
        }
        for match in places.find(text)
    ]
    merged = list(found)
    for entity in entities:
        if entity.get("entity") not in PLACE_ENTITIES:
            merged.append(entity)
            continue
        if any(_overlaps(entity, own) for own in found):
            continue
        value = places.normalise(entity["entity"], str(entity.get("value", "")))
        if value is None:
            value = places.normalise(entity["entity"], text[entity["start"] : entity["end"]])
        # Indonesia is where people come from and go back to; only the gazetteer, which
        # reads the words around it, decides when it is where someone is.
        if value is not None and value != "ID":
            merged.append({**entity, "value": value})
    return merged


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a.get("start", -1) < b["end"] and b["start"] < a.get("end", -1))
