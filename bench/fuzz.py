"""Conversation fuzzing at full size: `python -m bench.fuzz [--conversations 300] [--seed 1]`.

Starts the real Rasa + action servers (trained model, SQLite stores), runs seeded random
walks of 15-25 turns (tests/conversations/fuzz.py) through the REST channel with a few
conversations in flight, and counts silent turns (no reply), runaway turns (more than 6
messages), turns with a message sent twice, and circuit-breaker trips in Rasa's log.
Prints Markdown for docs/benchmarks.md and writes JSON and Markdown under var/bench/.

Reproduce one failing walk: `python -m bench.fuzz --seed S --only I` (the numbers are in
every violation line).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from bot.stack.paths import VAR
from devtools.dialogue.fuzz import FuzzResult, format_result, run_fuzz
from devtools.dialogue.suite import rasa_log_path
from devtools.stack import running_stack


def markdown(result: FuzzResult, date: str) -> str:
    """The results as the Markdown table of docs/benchmarks.md."""
    d = result.as_dict()
    return "\n".join(
        [
            f"### Conversation fuzzing, {date} (seed {d['seed']})",
            "",
            "| metric | value |",
            "|---|---|",
            f"| conversations (15-25 turns each) / turns | {d['conversations']} / {d['turns']} |",
            f"| conversations in flight | {d['workers']} |",
            f"| silent turns (no reply) | **{d['silent_turns']}** (target 0) |",
            f"| runaway turns (more than 6 messages) | **{d['runaway_turns']}** (target 0) |",
            f"| turns with a message sent twice | **{d['duplicate_turns']}** (target 0) |",
            f"| circuit-breaker trips in the Rasa log | **{d['circuit_breaker_trips']}** (target 0) |",
            f"| request errors | {d['request_errors']} |",
            f"| turn latency p50 / p95 (REST, under this load) | {d['turn_ms_p50']} / {d['turn_ms_p95']} ms |",
            f"| wall time | {d['seconds']} s |",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Run the fuzz benchmark; the exit code is 0 even when violations are found."""
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz")
    parser.add_argument("--conversations", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=4, help="conversations in flight")
    parser.add_argument("--only", type=int, nargs="*", help="run just these walk indexes")
    parser.add_argument("--strict", action="store_true", help="exit 1 on any violation")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir, running_stack(Path(workdir)) as stack:
        stack.rest("fuzz-warm-up", "halo")
        result = run_fuzz(
            stack.rest,
            args.seed,
            args.conversations,
            workers=args.workers,
            log_path=rasa_log_path(stack),
            only=args.only,
            keep_transcripts=True,
        )
    date = dt.date.today().isoformat()
    out = VAR / "bench" / f"fuzz-{date}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"date": date, **result.as_dict()}, indent=2, ensure_ascii=False))
    table = markdown(result, date)
    out.with_suffix(".md").write_text(table + "\n")
    print(table)
    if not result.ok:
        print("\n" + format_result(result))
    print(f"\n(JSON: {out})")
    return 1 if args.strict and not result.ok else 0


if __name__ == "__main__":
    sys.exit(main())
