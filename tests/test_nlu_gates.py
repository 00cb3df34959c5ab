"""NLU quality gates on the held-out sets (never trained on), per language.

The sets of `bench/held_out.py`: the first split, the realistic messages written by someone
who had not seen the training data, and a second English set written blind
(tests/nlu/realistic/README.md).
Every example goes through the running Rasa server's HTTP API (`/model/parse`), the same path
a real message takes.
Gates: intent macro-F1 per language and set (MIN_MACRO_F1), `emergency` recall 1.0.
"""

from __future__ import annotations

import json

import pytest
from rasa.shared.nlu.training_data.loading import load_data
from sklearn.metrics import f1_score, recall_score

from bench.held_out import held_out_files
from bot.stack.paths import ROOT
from devtools.stack import RasaStack

pytestmark = pytest.mark.stack
MIN_MACRO_F1 = {"split": 0.90, "realistic": 0.90, "realistic_b": 0.90}
HELD_OUT = held_out_files()  # (set, language): file
RESULTS = ROOT / "var" / "nlu_gates.json"


def held_out(language: str, name: str = "split") -> list[tuple[str, str]]:
    data = load_data(str(HELD_OUT[name, language]))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def predictions(stack: RasaStack, examples: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    truth = [intent for _, intent in examples]
    predicted = [stack.parse(text)["intent"]["name"] for text, _ in examples]
    return truth, predicted


@pytest.fixture(scope="module", params=list(HELD_OUT), ids=str)
def evaluated(request, rasa_stack: RasaStack):
    name, language = request.param
    examples = held_out(language, name)
    assert len(examples) >= 200, "the held-out set is too small to gate on"
    return name, language, examples, *predictions(rasa_stack, examples)


def _record(name: str, language: str, **values: float) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.setdefault(f"{name}/{language}", {}).update(values)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True))


def test_intent_macro_f1_per_language(evaluated) -> None:
    name, language, examples, truth, predicted = evaluated
    labels = sorted(set(truth))
    score = f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)
    _record(name, language, macro_f1=round(float(score), 3), n=len(examples))
    misses = [(t, p, x) for (x, _), t, p in zip(examples, truth, predicted, strict=True) if t != p]
    assert score >= MIN_MACRO_F1[name], f"{name}/{language}: macro-F1 {score:.3f}; {misses[:40]}"


def test_emergency_recall_is_total(evaluated) -> None:
    name, language, examples, truth, predicted = evaluated
    recall = recall_score(truth, predicted, labels=["emergency"], average="macro", zero_division=0)
    _record(name, language, emergency_recall=round(float(recall), 3))
    missed = [
        x
        for (x, _), t, p in zip(examples, truth, predicted, strict=True)
        if t == "emergency" and p != "emergency"
    ]
    assert recall == 1.0, f"{name}/{language}: emergency missed: {missed}"


def test_held_out_split_is_never_trained_on() -> None:
    trained = {
        m.get("text").strip().lower() for m in load_data(str(ROOT / "data" / "nlu")).intent_examples
    }
    for name, language in HELD_OUT:
        held = held_out(language, name)
        leaked = [text for text, _ in held if text.strip().lower() in trained]
        assert not leaked, f"{name}/{language}: held-out examples in training data: {leaked}"


LONG_STORIES = ROOT / "tests" / "nlu" / "long_stories" / "long_stories_{language}.yml"
MIN_LONG_TOP3 = 0.8


@pytest.mark.parametrize("language", ["id", "en"])
def test_long_stories_keep_their_request_in_the_top_three(rasa_stack: RasaStack, language) -> None:
    """A long story's request is among the three topics the assistant offers as buttons."""
    data = load_data(str(LONG_STORIES).format(language=language))
    hits, misses = 0, []
    for example in data.intent_examples:
        parsed = rasa_stack.parse(example.get("text"))
        top3 = [item["name"] for item in parsed.get("intent_ranking", [])[:3]]
        if example.get("intent") in top3 or parsed["intent"]["name"] == example.get("intent"):
            hits += 1
        else:
            misses.append((example.get("intent"), top3))
    share = hits / len(data.intent_examples)
    _record("long_stories", language, top3=round(share, 3), n=len(data.intent_examples))
    assert share >= MIN_LONG_TOP3, f"{language}: {share:.2f} in the top three; {misses}"
