"""Scale-out throughput: one instance behind nginx against two, same load, one run.

``python -m bench.scale [--seconds 30] [--clients 16]`` (in ``make bench``). Both deployments
are ``make run-scaled``'s own command (``devtools/scaled.py``) on a fresh PostgreSQL database
and Redis (``LENTERA_TEST_POSTGRES_URL``, ``LENTERA_TEST_REDIS_URL``, local defaults): first
with one Rasa instance and one action server, then with two of each. The load is
``bench/load.py`` with Lentera's conversation pool of ``bench/stock.py`` (fresh sender per
conversation, failures counted). The result goes into docs/benchmarks.md as a dated section.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from bench import cpu
from bench.load import conversations, play
from bench.stock import DOCS, LENTERA_POOL, SEED, lentera_failed, replace_section, warm_up
from bot.stack.paths import VAR
from devtools.scaled import fresh_database, running_scaled_stack

MARK = "(`python -m bench.scale`)"
TARGET_RATIO = 1.5
WARMUP_CONVERSATIONS = 4
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def measure(instances: int, *, seconds: float, clients: int, workdir: Path) -> dict[str, Any]:
    """Start ``instances`` instances behind nginx and play the load through the front."""
    server = os.environ.get("LENTERA_TEST_POSTGRES_URL") or DEFAULT_POSTGRES
    redis = os.environ.get("LENTERA_TEST_REDIS_URL") or DEFAULT_REDIS
    with fresh_database(server) as url:
        env = {
            "LENTERA_TRACKER_STORE_URL": url,
            "LENTERA_DATABASE_URL": url,
            "LENTERA_REDIS_URL": redis,
        }
        with running_scaled_stack(workdir, instances=instances, env=env) as stack:
            stream = conversations(LENTERA_POOL, seed=SEED)
            warm_up(stack.front_url, stream, WARMUP_CONVERSATIONS)
            before = cpu.snapshot()
            phase = play(
                stack.front_url, stream, clients=clients, seconds=seconds, failed=lentera_failed
            )
            used = cpu.spent(before, cpu.snapshot())
    summary = phase.summary()
    turns = max(summary["turns"], 1)
    return {
        "instances": instances,
        **summary,
        "load": round(os.getloadavg()[0], 2),
        # CPU milliseconds per answered turn, by process kind (bench/cpu.py)
        "cpu_ms_per_turn": {kind: round(1000 * s / turns, 1) for kind, s in used.most_common()},
    }


def section(result: dict[str, Any]) -> str:
    """The dated section of docs/benchmarks.md."""
    one, two = result["runs"]
    ratio = two["msg_per_s"] / one["msg_per_s"] if one["msg_per_s"] else 0.0
    verdict = "met" if ratio >= TARGET_RATIO else "not met"

    def row(run: dict[str, Any]) -> str:
        p95 = f"{run['p95_ms']:.0f} ms" if run["p95_ms"] is not None else "—"
        return (
            f"| {run['instances']} | {run['msg_per_s']:.1f} | {run['p50_ms'] or 0:.0f} ms | "
            f"{p95} | {run['turns']} | {run['failures']} | {run['load']} |"
        )

    return "\n".join(
        [
            f"## {result['date']} — scale-out behind nginx {MARK}",
            "",
            f"`make run-scaled`'s command with one, then two Rasa instances and action servers "
            f"behind nginx, on a fresh PostgreSQL database and Redis, in one run on this 2-core "
            f"machine; {result['clients']} concurrent REST clients for {result['seconds']:.0f} s "
            "each, Lentera's five-turn conversations (bench/stock.py), a fresh sender each.",
            "",
            "| instances | msg/s | p50 | p95 | turns | failures | load after |",
            "|---|---|---|---|---|---|---|",
            row(one),
            row(two),
            "",
            "CPU per turn, milliseconds, by process (user + system, all processes of the "
            "machine; `bench/cpu.py`):",
            "",
            cpu_table(result["runs"]),
            "",
            f"Two instances: **{ratio:.2f}×** one instance's throughput (target ≥ {TARGET_RATIO}×: "
            f"{verdict}). Loss, duplicates and order under `kill -9` are checked by "
            "tests/test_scale_failover.py in `make test`.",
            "",
        ]
    )


def cpu_table(runs: list[dict[str, Any]]) -> str:
    """Markdown: CPU ms per turn by process kind, one column per run."""
    last = runs[-1]["cpu_ms_per_turn"]
    kinds = sorted(
        {k for run in runs for k in run["cpu_ms_per_turn"]}, key=lambda k: -last.get(k, 0)
    )
    header = "| process | " + " | ".join(f"{run['instances']} instance(s)" for run in runs) + " |"
    lines = [header, "|---|" + "---|" * len(runs)]
    rows = [(kind, [run["cpu_ms_per_turn"].get(kind, 0.0) for run in runs]) for kind in kinds]
    rows.append(("total", [sum(run["cpu_ms_per_turn"].values()) for run in runs]))
    for kind, cells in rows:
        lines.append(f"| {kind} | " + " | ".join(f"{c:.1f}" for c in cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Measure one and two instances; print and record the section."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--no-docs", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "seconds": args.seconds,
        "clients": args.clients,
        "runs": [],
    }
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        for instances in (1, 2):
            workdir = Path(tmp) / f"x{instances}"
            workdir.mkdir()
            print(f"measuring {instances} instance(s) behind nginx ...", flush=True)
            result["runs"].append(
                measure(instances, seconds=args.seconds, clients=args.clients, workdir=workdir)
            )
    text = section(result)
    print(text)
    out = VAR / "bench" / f"scale-{result['date']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    if not args.no_docs:
        DOCS.write_text(replace_section(DOCS.read_text(), text, MARK))
    return result


if __name__ == "__main__":
    main()
