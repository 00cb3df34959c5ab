"""spaCy's rule-based Indonesian tokens (no trained pipeline needed: `spacy.blank("id")`)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.tokenizer import IndonesianTokenizer


def tokens_of(text: str) -> list[tuple[str, int, int]]:
    tokenizer = IndonesianTokenizer(IndonesianTokenizer.get_default_config())
    message = Message(data={"text": text})
    tokenizer.process([message])
    return [(t.text, t.start, t.end) for t in message.get("text_tokens")]


def texts(text: str) -> list[str]:
    return [t for t, _, _ in tokens_of(text)]


def test_punctuation_is_dropped():
    assert texts("tolong!! majikan mukul sy...") == ["tolong", "majikan", "mukul", "sy"]


def test_a_hyphenated_prefix_and_clitic_are_split():
    assert texts("di-PHK tanpa pesangon") == ["di", "PHK", "tanpa", "pesangon"]
    assert texts("gaji-nya blm dibayar")[:2] == ["gaji", "-nya"]


@pytest.mark.parametrize(
    "text", ["gaji sy blm dibayar, 3 bln!!", "  spasi   ganda\n baris baru", "di-PHK (lagi)?"]
)
def test_offsets_point_into_the_text(text):
    found = tokens_of(text)
    assert found
    for token, start, end in found:
        assert text[start:end] == token


@pytest.mark.parametrize("text", ["??", "!!! ...", ""])
def test_a_message_without_words_is_one_token(text):
    assert tokens_of(text) == [(text, 0, len(text))]


def test_create_builds_it_from_its_config():
    config = IndonesianTokenizer.get_default_config()
    created = IndonesianTokenizer.create(config, None, None, None)
    assert isinstance(created, IndonesianTokenizer)
    assert created.intent_split_symbol == config["intent_split_symbol"]
