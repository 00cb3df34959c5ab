"""Rasa component: the meaning of the whole message as one dense feature for DIET.

The word and character n-gram counts only know words seen in training; "my madam hits me"
and "my employer beats me" share none. The shipped MiniLM sentence encoder (the one the
referral search uses, through ONNX Runtime, never torch) puts such messages close together,
so DIET gets it as a sentence feature next to the counts. Measured in docs/benchmarks.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from typing_extensions import Self

from knowledge_base.embedding import model_path
from knowledge_base.onnx_encoder import OnnxEncoder, get_encoder

BATCH_SIZE = 64


class EncoderNotBuiltError(RuntimeError):
    """The ONNX export of the sentence encoder is missing: `make index` builds it."""


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the MiniLM sentence vector of a message's text as a dense sentence feature."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Rasa's featurizer options (only the alias)."""
        return DenseFeaturizer.get_default_config()

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """No options of its own."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Self:
        """Create the component (see Rasa's GraphComponent)."""
        return cls(execution_context.node_name, config)

    def __init__(self, name: str, config: dict[str, Any]) -> None:
        """Load the encoder now, so a missing export fails at start, not on a message."""
        super().__init__(name, config)
        self.encoder = _encoder()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Add the sentence feature to every training example with text."""
        self._featurize([m for m in training_data.training_examples if m.get(TEXT)])
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the sentence feature to incoming messages."""
        self._featurize([m for m in messages if m.get(TEXT)])
        return messages

    def _featurize(self, messages: list[Message]) -> None:
        for start in range(0, len(messages), BATCH_SIZE):
            batch = messages[start : start + BATCH_SIZE]
            vectors = self.encoder.encode([m.get(TEXT) for m in batch])
            for message, vector in zip(batch, vectors, strict=True):
                self.add_features_to_message(
                    sequence=None,  # a sentence feature only
                    sentence=np.asarray(vector, dtype=np.float32)[np.newaxis, :],
                    attribute=TEXT,
                    message=message,
                )


def _encoder() -> OnnxEncoder:
    encoder = get_encoder(model_path())
    if encoder is None:
        raise EncoderNotBuiltError(
            "the sentence encoder is not exported to ONNX yet: run `make index`"
        )
    return encoder
