"""Benchmark of the assistant itself: `python -m bench.assistant`.

Against the real Rasa + action servers (trained model, SQLite stores):
- intent macro-F1 per language on the held-out split, `emergency` recall and confusions;
- NLU parse latency p50/p95 through the HTTP API (`/model/parse`);
- full turn latency p50/p95 through the REST channel (NLU + dialogue + actions);
- training time from scratch (empty Rasa cache) and resident memory per process.
Prints Markdown and writes JSON under var/bench/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import psutil
from rasa.shared.nlu.training_data.loading import load_data
from sklearn.metrics import f1_score, recall_score

from bot.stack.model import train
from bot.stack.paths import ROOT, VAR
from devtools.stack import RasaStack, running_stack

TURNS = [
    "halo kak",
    "gaji sy blm dibayar 3 bulan",
    "iya",
    "saya di riyadh",
    "makasih",
    "my boss keeps my passport",
    "yes",
    "I'm in Hong Kong",
    "tolong sy mau dibunuh majikan",
    "boleh ga majikan nahan paspor?",
    "nomor kbri kuala lumpur",
    "can I talk to a human",
]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def nlu_quality(stack: RasaStack, language: str) -> dict:
    """Macro-F1, emergency recall and emergency confusions on the held-out split."""
    data = load_data(str(ROOT / "tests" / "nlu" / f"test_nlu_{language}.yml"))
    truth, predicted, seconds = [], [], []
    for message in data.intent_examples:
        started = time.perf_counter()
        result = stack.parse(message.get("text"))
        seconds.append(time.perf_counter() - started)
        truth.append(message.get("intent"))
        predicted.append(result["intent"]["name"])
    pairs = list(zip(truth, predicted, strict=True))
    return {
        "examples": len(truth),
        "macro_f1": f1_score(truth, predicted, labels=sorted(set(truth)), average="macro"),
        "emergency_recall": recall_score(truth, predicted, labels=["emergency"], average="macro"),
        "emergency_missed_as": dict(Counter(p for t, p in pairs if t == "emergency" != p)),
        "predicted_emergency_but_was": dict(Counter(t for t, p in pairs if p == "emergency" != t)),
        "parse_seconds": seconds,
    }


def turn_latency(stack: RasaStack, rounds: int) -> list[float]:
    """Seconds per REST turn over `rounds` fresh conversations of the scripted turns."""
    seconds = []
    for _ in range(rounds):
        sender = uuid.uuid4().hex
        for text in TURNS:
            started = time.perf_counter()
            stack.rest(sender, text)
            seconds.append(time.perf_counter() - started)
    return seconds


def process_memory_mb(port_url: str) -> float:
    """Resident memory (MB) of the process listening on the URL's port."""
    port = int(port_url.rsplit(":", 1)[1])
    for conn in psutil.net_connections(kind="tcp"):
        if (
            conn.laddr
            and conn.laddr.port == port
            and conn.status == psutil.CONN_LISTEN
            and conn.pid
        ):
            return psutil.Process(conn.pid).memory_info().rss / 2**20
    return float("nan")


def training_seconds_from_scratch() -> float:
    """Seconds to train NLU + dialogue with an empty Rasa cache, as on a fresh clone."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        cache = {**os.environ, "RASA_CACHE_DIRECTORY": str(Path(tmp) / "cache")}
        train(Path(tmp), "scratch", quiet=True, env=cache)
        return time.monotonic() - started


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark and print the Markdown summary."""
    parser = argparse.ArgumentParser(prog="python -m bench.assistant")
    parser.add_argument("--rounds", type=int, default=5, help="scripted conversations (12 turns)")
    parser.add_argument("--no-train", action="store_true", help="skip the from-scratch training")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir, running_stack(Path(workdir)) as stack:
        stack.rest("warm-up", "halo")
        quality = {lang: nlu_quality(stack, lang) for lang in ("id", "en")}
        turns = turn_latency(stack, args.rounds)
        memory = {
            "rasa": process_memory_mb(stack.rasa_url),
            "actions": process_memory_mb(stack.actions_url),
        }
    parse = [s for q in quality.values() for s in q.pop("parse_seconds")]
    result = {
        "date": dt.date.today().isoformat(),
        "nlu": quality,
        "parse_ms": {
            "p50": 1000 * percentile(parse, 50),
            "p95": 1000 * percentile(parse, 95),
            "n": len(parse),
        },
        "turn_ms": {
            "p50": 1000 * percentile(turns, 50),
            "p95": 1000 * percentile(turns, 95),
            "n": len(turns),
            "mean": 1000 * statistics.mean(turns),
        },
        "train_seconds": None if args.no_train else training_seconds_from_scratch(),
        "rss_mb": memory,
    }
    out = VAR / "bench" / f"assistant-{result['date']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(markdown(result))
    print(f"\n(JSON: {out})")
    return result


def markdown(r: dict) -> str:
    """The results as the Markdown table of docs/benchmarks.md."""
    lines = [f"### Assistant, {r['date']}", "", "| metric | value |", "|---|---|"]
    for lang, q in r["nlu"].items():
        lines.append(
            f"| intent macro-F1, held-out `{lang}` ({q['examples']} examples) | {q['macro_f1']:.3f} |"
        )
        lines.append(f"| `emergency` recall, `{lang}` | {q['emergency_recall']:.3f} |")
        lines.append(f"| `emergency` missed as, `{lang}` | {q['emergency_missed_as'] or 'none'} |")
        lines.append(
            f"| predicted `emergency` but was, `{lang}` | {q['predicted_emergency_but_was'] or 'none'} |"
        )
    lines.append(
        f"| parse latency p50 / p95 (HTTP API, n={r['parse_ms']['n']}) | {r['parse_ms']['p50']:.0f} / {r['parse_ms']['p95']:.0f} ms |"
    )
    lines.append(
        f"| turn latency p50 / p95 (REST, n={r['turn_ms']['n']}) | {r['turn_ms']['p50']:.0f} / {r['turn_ms']['p95']:.0f} ms |"
    )
    train = r["train_seconds"]
    lines.append(
        f"| training time from scratch (NLU + dialogue, empty cache) | {f'{train:.0f} s' if train else 'not measured'} |"
    )
    lines.append(
        f"| resident memory: Rasa / action server | {r['rss_mb']['rasa']:.0f} / {r['rss_mb']['actions']:.0f} MB |"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
