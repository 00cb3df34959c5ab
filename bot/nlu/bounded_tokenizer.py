"""Rasa component: whitespace tokens, with a long story cut to its opening and its ending.

DIET pads every batch to its longest message, so a few 1,500-character stories in the training
data made each epoch ten times slower. People who write a long story put the request at the
end ("... jd sy hrs gmn kak?"), so the classifier sees the first HEAD_TOKENS and the last
TAIL_TOKENS words. The place and danger components still read the whole text.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

HEAD_TOKENS = 24
TAIL_TOKENS = 40


def bounded(tokens: list[Token]) -> list[Token]:
    """The first HEAD_TOKENS and last TAIL_TOKENS tokens of a long message; a short one whole."""
    if len(tokens) <= HEAD_TOKENS + TAIL_TOKENS:
        return tokens
    return tokens[:HEAD_TOKENS] + tokens[-TAIL_TOKENS:]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class BoundedWhitespaceTokenizer(WhitespaceTokenizer):
    """Rasa's WhitespaceTokenizer, keeping at most HEAD_TOKENS + TAIL_TOKENS tokens."""

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Whitespace tokens, bounded."""
        return bounded(super().tokenize(message, attribute))
