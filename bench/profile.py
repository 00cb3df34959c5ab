"""Where a turn's time goes: py-spy samples of Rasa and the action server under load.

``python -m bench.profile [--seconds 30]`` (in ``make bench``). Lentera as in ``bench.stock``
(SQLite tracker store, its action server), one REST client playing Lentera's conversations
while py-spy samples both processes (Python frames, idle time left out). Every sample is
put in the first component its stack touches (`COMPONENTS`, in order), and the result is
CPU milliseconds per turn by component, per process, beside the wall-clock latency. TF and
torch run part of their work on native threads py-spy does not see, so the figures are the
Python-visible share: a floor, not the whole.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.load import conversations, play
from bench.stock import DOCS, LENTERA_POOL, SEED, lentera_failed, replace_section, running_lentera
from bot.stack.paths import BIN, VAR

MARK = "(`python -m bench.profile`)"
RATE = 200  # samples per second

# (component, substrings of a frame's file or function); the first component matched wins,
# so the specific ones come before the frameworks they run in.
COMPONENTS: Sequence[tuple[str, tuple[str, ...]]] = (
    ("policies: TED", ("ted_policy",)),  # before "featurizer": TED featurizes trackers
    ("policies: rules and memoization", ("rule_policy", "memoization")),
    ("NLU: DIET classifier", ("diet_classifier",)),
    ("NLU: featurizers", ("featurizer",)),
    ("NLU: Lentera components (places, language, danger, tokenizer)", ("bot/nlu/",)),
    ("tracker store (load, save, encrypt)", ("tracker_store", "bot/storage/", "encryption")),
    ("action call: tracker to JSON and back", ("rasa/core/actions/action.py", "endpoints.py")),
    ("Lentera channel guard and REST", ("bot/channels/",)),
    ("search: query embedding", ("sentence_transformers", "transformers/", "torch/")),
    ("search: FAISS and BM25", ("faiss", "bm25", "knowledge_base/search")),
    ("actions: Lentera dialogue logic", ("/actions/", "knowledge_base/")),
    ("TensorFlow (graph calls)", ("tensorflow",)),
    ("web server and JSON (Sanic, asyncio, json)", ("sanic", "asyncio", "json", "ujson")),
)
OTHER = "other"


def component(stack: str) -> str:
    """The component a collapsed stack (``frame;frame;...``) belongs to."""
    for name, needles in COMPONENTS:
        if any(needle in stack for needle in needles):
            return name
    return OTHER


def breakdown(raw: str) -> Counter[str]:
    """Samples per component from py-spy's ``--format raw`` output (``stack count`` lines)."""
    counts: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, number = line.rpartition(" ")
        if stack and number.isdigit():
            counts[component(stack)] += int(number)
    return counts


def record(pid: int, seconds: float, out: Path) -> subprocess.Popen:
    """Start py-spy on ``pid`` for ``seconds``; its raw output goes to ``out``."""
    return subprocess.Popen(
        [
            str(BIN / "py-spy"),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(int(seconds)),
            "--rate",
            str(RATE),
            "--format",
            "raw",
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def per_turn_ms(counts: Counter[str], turns: int) -> dict[str, float]:
    """CPU milliseconds per turn by component, largest first."""
    if not turns:
        return {}
    return {
        name: 1000.0 * count / RATE / turns
        for name, count in sorted(counts.items(), key=lambda item: -item[1])
    }


def section(result: dict[str, Any]) -> str:
    """The dated section of docs/benchmarks.md."""
    lines = [
        f"## {result['date']} — where a turn's time goes {MARK}",
        "",
        f"py-spy ({RATE} Hz, Python frames, idle left out) on Rasa and the action server while "
        f"one REST client played Lentera's conversations for {result['seconds']:.0f} s "
        f"({result['turns']} turns, p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms "
        "wall clock). CPU ms per turn by component; native TF/torch threads are not seen, so "
        "this is the Python-visible share.",
        "",
        "| process | component | CPU ms per turn | share of the process |",
        "|---|---|---|---|",
    ]
    for process in ("rasa", "actions"):
        ms = result[process]
        total = sum(ms.values()) or 1.0
        for name, value in ms.items():
            lines.append(f"| {process} | {name} | {value:.1f} | {100 * value / total:.0f} % |")
        lines.append(f"| {process} | **total** | **{total:.1f}** | |")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Profile both processes under one client's load; print and record the breakdown."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--no-docs", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        work = VAR / "bench" / "profile"  # the raw stacks stay there for a closer look
        work.mkdir(parents=True, exist_ok=True)
        with running_lentera(work) as (served, _model):
            rasa_pid, actions_pid = served.pids
            _ = tmp  # the stack's own working files
            stream = conversations(LENTERA_POOL, seed=SEED)
            play(served.url, stream, clients=1, seconds=5, failed=lentera_failed)  # warm up
            spies = [
                record(rasa_pid, args.seconds, work / "rasa.txt"),
                record(actions_pid, args.seconds, work / "actions.txt"),
            ]
            phase = play(
                served.url, stream, clients=1, seconds=args.seconds - 1, failed=lentera_failed
            )
            for spy in spies:
                spy.wait(timeout=args.seconds + 60)
        summary = phase.summary()
        result: dict[str, Any] = {
            "date": dt.date.today().isoformat(),
            "seconds": args.seconds,
            "turns": summary["turns"],
            "p50_ms": summary["p50_ms"] or 0.0,
            "p95_ms": summary["p95_ms"] or 0.0,
        }
        for name in ("rasa", "actions"):
            raw = (work / f"{name}.txt").read_text() if (work / f"{name}.txt").exists() else ""
            result[name] = per_turn_ms(breakdown(raw), summary["turns"])
    text = section(result)
    print(text)
    if not args.no_docs:
        DOCS.write_text(replace_section(DOCS.read_text(), text, MARK))
    return result


if __name__ == "__main__":
    main()
