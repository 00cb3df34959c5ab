"""Rasa component: danger phrases force the `emergency` intent.

Placed after the FallbackClassifier, so neither a low classifier confidence nor a confusion
with `report_abuse` can keep a person in danger from getting emergency contacts first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.component import StatelessComponent

PHRASES_PATH = Path(__file__).with_name("danger_phrases.yml")
EMERGENCY = "emergency"


@lru_cache(maxsize=1)
def _patterns() -> re.Pattern[str]:
    with PHRASES_PATH.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return re.compile("|".join(f"(?:{p})" for lang in data.values() for p in lang), re.IGNORECASE)


def is_danger(text: str) -> bool:
    """True when the text contains a danger phrase in either language."""
    squeezed = re.sub(r"([a-zA-Z])\1{2,}", r"\1", text)
    return bool(_patterns().search(squeezed))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DangerPhraseClassifier(StatelessComponent, IntentClassifier):
    """Overrides the intent with `emergency` when a danger phrase is present."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Set intent `emergency` (confidence 1.0) on messages with a danger phrase."""
        for message in messages:
            text = message.get(TEXT)
            if not text or not is_danger(text):
                continue
            override = {"name": EMERGENCY, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r["name"] != EMERGENCY]
            message.set(INTENT, override, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [override, *ranking], add_to_output=True)
        return messages
