"""NLU quality gates on the held-out split (never trained on), per language.

Every test example goes through the running Rasa server's HTTP API (`/model/parse`), the same
path a real message takes. Gates: intent macro-F1 >= 0.90 per language, `emergency` recall 1.0.
"""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.loading import load_data
from sklearn.metrics import f1_score, recall_score

from bot.stack.paths import ROOT
from devtools.stack import RasaStack

pytestmark = pytest.mark.stack
MIN_MACRO_F1 = 0.90


def held_out(language: str) -> list[tuple[str, str]]:
    data = load_data(str(ROOT / "tests" / "nlu" / f"test_nlu_{language}.yml"))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def predictions(stack: RasaStack, examples: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    truth = [intent for _, intent in examples]
    predicted = [stack.parse(text)["intent"]["name"] for text, _ in examples]
    return truth, predicted


@pytest.fixture(scope="module", params=["id", "en"])
def evaluated(request, rasa_stack: RasaStack):
    examples = held_out(request.param)
    assert len(examples) >= 300, "the held-out split is too small to gate on"
    return request.param, examples, *predictions(rasa_stack, examples)


def test_intent_macro_f1_per_language(evaluated) -> None:
    language, examples, truth, predicted = evaluated
    labels = sorted(set(truth))
    score = f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)
    misses = [(t, p, x) for (x, _), t, p in zip(examples, truth, predicted, strict=True) if t != p]
    assert score >= MIN_MACRO_F1, f"{language}: macro-F1 {score:.3f}; misses: {misses[:40]}"


def test_emergency_recall_is_total(evaluated) -> None:
    language, examples, truth, predicted = evaluated
    recall = recall_score(truth, predicted, labels=["emergency"], average="macro", zero_division=0)
    missed = [
        x
        for (x, _), t, p in zip(examples, truth, predicted, strict=True)
        if t == "emergency" and p != "emergency"
    ]
    assert recall == 1.0, f"{language}: emergency missed: {missed}"


def test_held_out_split_is_never_trained_on() -> None:
    trained = {
        m.get("text").strip().lower() for m in load_data(str(ROOT / "data" / "nlu")).intent_examples
    }
    for language in ("id", "en"):
        leaked = [text for text, _ in held_out(language) if text.strip().lower() in trained]
        assert not leaked, f"{language}: held-out examples found in training data: {leaked[:10]}"
