"""Bounded whitespace tokens: a long story keeps its opening and its ending, a short text all."""

from __future__ import annotations

import pytest
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.bounded_tokenizer import (
    HEAD_TOKENS,
    TAIL_TOKENS,
    BoundedWhitespaceTokenizer,
    bounded,
)

TOKENS = "text_tokens"


def words(n: int) -> list[str]:
    return [f"w{i}" for i in range(n)]


def tokenizer() -> BoundedWhitespaceTokenizer:
    return BoundedWhitespaceTokenizer(BoundedWhitespaceTokenizer.get_default_config())


def tokens_of(text: str) -> list[Token]:
    message = Message(data={"text": text})
    tokenizer().process([message])
    return message.get(TOKENS)


def test_the_bounds_are_24_and_40():
    assert (HEAD_TOKENS, TAIL_TOKENS) == (24, 40)


def test_a_long_text_keeps_the_first_24_and_the_last_40_tokens():
    text = " ".join(words(200))
    kept = [t.text for t in tokens_of(text)]
    assert kept == words(200)[:24] + words(200)[-40:]


def test_kept_tokens_point_at_their_place_in_the_whole_text():
    """Offsets stay those of the full message (entity extractors read the whole text)."""
    text = " ".join(words(150))
    for token in tokens_of(text):
        assert text[token.start : token.end] == token.text


@pytest.mark.parametrize("n", [1, 5, HEAD_TOKENS + TAIL_TOKENS])
def test_a_short_text_is_unchanged(n):
    text = " ".join(words(n))
    assert [t.text for t in tokens_of(text)] == words(n)


def test_one_token_over_the_bound_drops_exactly_one_from_the_middle():
    n = HEAD_TOKENS + TAIL_TOKENS + 1
    kept = [t.text for t in tokens_of(" ".join(words(n)))]
    assert kept == [w for w in words(n) if w != f"w{HEAD_TOKENS}"]


def test_training_examples_are_bounded_the_same_way():
    text = " ".join(words(100))
    example = Message(data={"text": text, "intent": "report_unpaid_wages"})
    tokenizer().process_training_data(TrainingData([example]))
    assert [t.text for t in example.get(TOKENS)] == [t.text for t in tokens_of(text)]


def test_bounded_on_its_own():
    tokens = [Token(w, i) for i, w in enumerate(words(70))]
    assert bounded(tokens) == tokens[:24] + tokens[-40:]
    assert bounded(tokens[:64]) == tokens[:64]
    assert bounded([]) == []
