"""Which NLU pipeline: `python -m bench.nlu_pipelines` (slow: trains one NLU model per variant).

Trains NLU-only models of config.yml and its variants on data/nlu and scores each on the
held-out split, in process (no server): intent macro-F1 per language with fallback counted as
an error, `emergency` recall, and the share of held-out `country`/`city` annotations found
with the right normalised value. Variants:

- `chosen`      config.yml as committed (whitespace tokens, word + char n-grams, DIET,
                gazetteer places, language, fallback, danger phrases);
- `no-char`     without the character n-gram featurizer;
- `spacy-tok`   spaCy's Indonesian tokenizer (`spacy.blank("id")`) instead of whitespace;
- `lookup`      Rasa's lookup tables (RegexEntityExtractor) + EntitySynonymMapper instead of
                the gazetteer component, built from the same gazetteer;
- `sentence`    plus the MiniLM sentence vector as a dense feature
                (bot.nlu.sentence_embedding.SentenceEmbeddingFeaturizer, ONNX Runtime).

Scored on both held-out sets: the split (`tests/nlu/test_nlu_*.yml`) and the realistic messages
(`tests/nlu/realistic/`), neither trained on.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import yaml
from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data
from sklearn.metrics import f1_score, recall_score

from bench.held_out import held_out_files
from bot.places import places_data
from bot.stack.paths import BIN, ROOT, VAR

VARIANTS = ("chosen", "no-char", "spacy-tok", "lookup", "sentence")
SENTENCE_FEATURIZER = "bot.nlu.sentence_embedding.SentenceEmbeddingFeaturizer"
HELD_OUT = held_out_files()  # (set, language): file


def variant_config(name: str) -> dict:
    """config.yml, changed for the variant."""
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    pipeline = config["pipeline"]
    if name == "no-char":
        pipeline[:] = [c for c in pipeline if c.get("analyzer") != "char_wb"]
    elif name == "spacy-tok":
        pipeline[0] = {"name": "bot.nlu.tokenizer.IndonesianTokenizer"}
    elif name == "sentence":
        at = next(i for i, c in enumerate(pipeline) if c["name"] == "DIETClassifier")
        pipeline.insert(at, {"name": SENTENCE_FEATURIZER})
    elif name == "lookup":
        at = next(i for i, c in enumerate(pipeline) if c["name"].endswith("PlaceEntityExtractor"))
        pipeline[at : at + 1] = [
            {"name": "RegexEntityExtractor", "use_lookup_tables": True},
            {"name": "EntitySynonymMapper"},
        ]
    config.pop("policies", None)
    return copy.deepcopy(config)


def lookup_data() -> str:
    """Lookup tables and synonyms for countries and cities, from the gazetteer."""
    places = places_data()
    nlu = []
    country_forms = [form for forms in places["countries"].values() for form in forms]
    city_forms = [form for spec in places["cities"].values() for form in spec["forms"]]
    nlu.append({"lookup": "country", "examples": "".join(f"- {f}\n" for f in country_forms)})
    nlu.append({"lookup": "city", "examples": "".join(f"- {f}\n" for f in city_forms)})
    for code, forms in places["countries"].items():
        nlu.append({"synonym": code, "examples": "".join(f"- {f}\n" for f in forms)})
    for city, spec in places["cities"].items():
        nlu.append({"synonym": city, "examples": "".join(f"- {f}\n" for f in spec["forms"])})
    return yaml.safe_dump({"version": "3.1", "nlu": nlu}, allow_unicode=True, sort_keys=False)


def train(name: str, workdir: Path) -> tuple[Path, float]:
    """Train the variant's NLU model; returns its path and the training seconds."""
    config = workdir / f"{name}.yml"
    config.write_text(yaml.safe_dump(variant_config(name), sort_keys=False))
    data = ROOT / "data" / "nlu"
    if name == "lookup":
        data = workdir / "nlu-lookup"
        shutil.copytree(ROOT / "data" / "nlu", data, dirs_exist_ok=True)
        (data / "places_lookup.yml").write_text(lookup_data())
    started = time.monotonic()
    subprocess.run(
        [
            str(BIN / "rasa"),
            "train",
            "nlu",
            "--config",
            str(config),
            "--nlu",
            str(data),
            "--out",
            str(workdir),
            "--fixed-model-name",
            name,
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # an empty Rasa cache per variant, so that training times compare
        env={**os.environ, "RASA_CACHE_DIRECTORY": str(workdir / f"cache-{name}")},
    )
    return workdir / f"{name}.tar.gz", time.monotonic() - started


async def score(model: Path) -> dict:
    """Intent and entity scores of a model on each held-out set and language."""
    agent = Agent.load(str(model))
    result = {}
    for (held_out, lang), path in HELD_OUT.items():
        data = load_data(str(path))
        truth, predicted, places_total, places_right = [], [], 0, 0
        for message in data.intent_examples:
            parsed = await agent.parse_message(message.get("text"))
            truth.append(message.get("intent"))
            predicted.append(parsed["intent"]["name"])
            found = {(e["entity"], str(e["value"])) for e in parsed.get("entities", [])}
            for entity in message.get("entities") or []:
                if entity["entity"] in ("country", "city"):
                    places_total += 1
                    places_right += (entity["entity"], str(entity["value"])) in found
        result[f"{held_out}/{lang}"] = {
            "macro_f1": f1_score(
                truth, predicted, labels=sorted(set(truth)), average="macro", zero_division=0
            ),
            "emergency_recall": recall_score(
                truth, predicted, labels=["emergency"], average="macro", zero_division=0
            ),
            "places_right": places_right / places_total if places_total else None,
        }
    return result


EMPTY = {"macro_f1": None, "emergency_recall": None, "places_right": None}


def _share(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def main(argv: list[str] | None = None) -> None:
    """Train and score every variant; print Markdown, write JSON under var/bench/."""
    parser = argparse.ArgumentParser(prog="python -m bench.nlu_pipelines")
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS), choices=VARIANTS)
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.variants:
            model, seconds = train(name, Path(tmp))
            results[name] = {"train_seconds": seconds, **asyncio.run(score(model))}
            print(name, json.dumps(results[name]), flush=True)
    out = VAR / "bench" / f"nlu-pipelines-{dt.date.today().isoformat()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(
        "\n| variant | held-out | macro-F1 id | macro-F1 en | emergency recall id / en"
        " | places right id / en | NLU training |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        for held_out in dict.fromkeys(n for n, _ in HELD_OUT):
            ind, en = r.get(f"{held_out}/id", EMPTY), r.get(f"{held_out}/en", EMPTY)
            print(
                f"| `{name}` | {held_out} | {_share(ind['macro_f1'], 3)} | "
                f"{_share(en['macro_f1'], 3)} | "
                f"{_share(ind['emergency_recall'])} / {_share(en['emergency_recall'])} | "
                f"{_share(ind['places_right'])} / {_share(en['places_right'])} | "
                f"{r['train_seconds']:.0f} s |"
            )
    print(f"\n(JSON: {out})")


if __name__ == "__main__":
    main()
