"""Rasa component: tokens from spaCy's rule-based Indonesian tokenizer (`spacy.blank("id")`).

An alternative to Rasa's WhitespaceTokenizer, compared in docs/benchmarks.md. It splits
Indonesian clitics and punctuation by spaCy's rules ("-nya", "di-", "tolong!!").
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.spacy_without_torch import Language, spacy


@lru_cache(maxsize=1)
def _indonesian() -> Language:
    return spacy.blank("id")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class IndonesianTokenizer(Tokenizer):
    """Tokenizes with spaCy's Indonesian rules; drops punctuation-only and space tokens."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Rasa's tokenizer options."""
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IndonesianTokenizer:
        """Create the component (see Rasa's GraphComponent)."""
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Split the attribute's text into tokens with character offsets."""
        text = message.get(attribute) or ""
        tokens = [
            Token(token.text, token.idx)
            for token in _indonesian().make_doc(text)
            if not (token.is_space or token.is_punct)
        ]
        if not tokens:
            tokens = [Token(text, 0)]
        return self._apply_token_pattern(tokens)
