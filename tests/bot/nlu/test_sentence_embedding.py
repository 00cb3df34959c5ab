"""The sentence feature DIET gets: MiniLM's vector of the whole message, through ONNX Runtime."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import sentence_embedding
from bot.nlu.sentence_embedding import SentenceEmbeddingFeaturizer
from knowledge_base import onnx_encoder

DIMENSION = 384  # all-MiniLM-L6-v2


@pytest.fixture(scope="module")
def featurizer() -> SentenceEmbeddingFeaturizer:
    if not onnx_encoder.onnx_file().exists():
        pytest.fail("the ONNX export is missing: `make index` builds it before the tests")
    return SentenceEmbeddingFeaturizer("sentence", SentenceEmbeddingFeaturizer.get_default_config())


def _vector(message: Message) -> np.ndarray:
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is None  # a sentence feature only: the counts keep the word positions
    assert sentence is not None
    return sentence.features[0]


def test_each_message_gets_one_normalised_sentence_vector(featurizer) -> None:
    messages = [Message({TEXT: "paspor sy ditahan majikan"}), Message({TEXT: "halo"})]
    featurizer.process(messages)
    for message in messages:
        vector = _vector(message)
        assert vector.shape == (DIMENSION,)
        assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4


def test_messages_that_mean_the_same_are_closer_than_unrelated_ones(featurizer) -> None:
    same, other, unrelated = (
        Message({TEXT: t})
        for t in ("my madam hits me every day", "my employer beats me", "how do I send money home")
    )
    featurizer.process([same, other, unrelated])
    assert float(_vector(same) @ _vector(other)) > float(_vector(same) @ _vector(unrelated))


def test_training_examples_are_featurized_in_batches(featurizer, monkeypatch) -> None:
    monkeypatch.setattr(sentence_embedding, "BATCH_SIZE", 2)
    examples = [Message({TEXT: f"gaji sy blm dibayar {n} bulan"}) for n in range(5)]
    featurizer.process_training_data(TrainingData(training_examples=[*examples, Message({})]))
    assert all(_vector(m).shape == (DIMENSION,) for m in examples)


def test_a_missing_export_fails_at_start_with_what_to_run(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("LENTERA_EMBEDDING_ONNX", str(tmp_path / "absent.onnx"))
    onnx_encoder.reset_encoder()
    try:
        with pytest.raises(sentence_embedding.EncoderNotBuiltError, match="make index"):
            SentenceEmbeddingFeaturizer("sentence", {"alias": None})
    finally:
        onnx_encoder.reset_encoder()
