"""Rasa component: detect whether a message is Indonesian or English.

Adds a `language` entity (`id`/`en`), which fills the `language` slot, so every reply follows
the language the user writes in. For `choose_language` the language *named* in the message wins
("pakai bahasa inggris" asks for English). Messages that give no clear signal (emoji, "ok",
a place name) add nothing, so the conversation keeps its current language.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.component import StatelessComponent

LEXICON_PATH = Path(__file__).with_name("lexicon.yml")
WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], frozenset[str], dict[str, str]]:
    with LEXICON_PATH.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    indonesian, english = set(data["id"]), set(data["en"])
    shared = indonesian & english
    names = {name: code for code, forms in data["language_names"].items() for name in forms}
    return frozenset(indonesian - shared), frozenset(english - shared), names


def detect_language(text: str) -> str | None:
    """Return `id` or `en` when the words clearly say which, else None."""
    indonesian, english, _ = _lexicon()
    words = WORD.findall(_squeeze(text.lower()))
    score_id = sum(word in indonesian for word in words)
    score_en = sum(word in english for word in words)
    if score_id > score_en:
        return "id"
    if score_en > score_id:
        return "en"
    return None


def requested_language(text: str) -> str | None:
    """Return the language a `choose_language` message asks for, if it names one."""
    _, _, names = _lexicon()
    lowered = text.lower()
    hits = [
        (match.start(), code)
        for name, code in names.items()
        for match in re.finditer(rf"(?<![a-z]){re.escape(name)}(?![a-z])", lowered)
    ]
    # "bahasa inggris": the most specific (last-named) language is the one asked for.
    return max(hits)[1] if hits else None


def _squeeze(text: str) -> str:
    """Collapse elongations ("tolonggg" -> "tolong", "pleaseee" -> "please")."""
    return re.sub(r"([a-z])\1{2,}", r"\1", text)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(StatelessComponent, EntityExtractorMixin):
    """Adds a `language` entity from the words of the message."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Set the `language` entity: the requested language or the detected one."""
        for message in messages:
            text = message.get(TEXT) or ""
            entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != "language"]
            intent = (message.get(INTENT) or {}).get("name")
            if intent == "choose_language":
                value = requested_language(text) or _diet_value(message)
            else:
                value = detect_language(text)
            if value:
                entities.append(
                    {
                        "entity": "language",
                        "value": value,
                        "start": 0,
                        "end": len(text),
                        "confidence_entity": 1.0,
                        "extractor": type(self).__name__,
                    }
                )
            message.set(ENTITIES, entities, add_to_output=True)
        return messages


def _diet_value(message: Message) -> str | None:
    for entity in message.get(ENTITIES, []):
        if entity.get("entity") == "language" and entity.get("value") in ("id", "en"):
            return str(entity["value"])
    return None
