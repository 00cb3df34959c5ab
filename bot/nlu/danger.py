"""Rasa component: danger phrases force the `emergency` intent.

Placed after the FallbackClassifier, so neither a low classifier confidence nor a confusion
with `report_abuse` can keep a person in danger from getting emergency contacts first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

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
class DangerPhraseClassifier(GraphComponent, IntentClassifier):
    """Overrides the intent with `emergency` when a danger phrase is present."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No options."""
        return {}

    def __init__(self, config: dict[str, Any]) -> None:
        """Store the config (kept for Rasa's graph)."""
        self._config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DangerPhraseClassifier:
        """Create the component (see Rasa's GraphComponent)."""
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to learn."""
        return training_data

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
