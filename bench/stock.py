"""Lentera side by side with stock Rasa: ``python -m bench.stock [--seconds 25] [--clients 16]``.

In one run on this machine, one bot after the other (never both under load at once):

1. the stock bot of ``rasa init --no-prompt`` (the project's own Rasa, trained during init in
   a temporary folder), with an SQLite tracker store. Its domain calls no custom action and
   its endpoints.yml has no action server, so none is started (one would be, with
   ``rasa run actions``, if its domain listed custom actions);
2. Lentera through `devtools.stack.running_stack` (SQLite tracker store, its action server).

Each gets the same load generator (`bench.load`): the same warm-up, one client for
``--seconds``, then ``--clients`` concurrent clients for ``--seconds``, five-turn conversations
from its own pool, a fresh sender each. Then the resident memory of its Rasa process and
action server (with their children). The side-by-side table with Lentera / stock ratios is
printed, written to var/bench/stock-<date>.json and into docs/benchmarks.md under a dated
heading (replacing a run of the same day; earlier days stay); ``--no-docs`` leaves the docs alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import subprocess
import tempfile
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
import psutil
import yaml

from bench import docs
from bench.load import Conversation, Pool, Reply, conversations, empty_reply, play
from bot.stack.paths import BIN, ROOT, VAR
from bot.texts import text
from devtools.stack import _stop, _wait, free_port, running_stack

DOCS = ROOT / "docs" / "benchmarks.md"
WIDTH = 92  # the docs' line length
MARK = "(`python -m bench.stock`)"  # how this benchmark's section is recognised
TOKEN = "bench-stock-token"
SEED = 11
WARMUP_CONVERSATIONS = 2
MEMORY_TARGET_MB = 1700.0  # 1.7 GB
ONE_CLIENT_P95_TARGET_MS = 50.0
# What Lentera's turn is made of (uncommitted changes here are named in the report).
CODE = ("bot", "actions", "knowledge_base", "devtools", "config.yml", "domain.yml", "data")

# The stock bot's own domain, typed the way people type: greetings, moods, "are you a bot",
# yes/no to "did that help", goodbye. Five turns each, like Lentera's pool.
STOCK_POOL: tuple[tuple[str, ...], ...] = (
    ("hi", "im sad", "no", "are you a bot?", "bye"),
    ("hello there", "I am great", "are you a human?", "ok", "see you later"),
    ("hey", "not good", "yes", "thanks", "good night"),
    ("good morning", "amazing", "am I talking to a bot?", "cool", "bye bye"),
    ("heyy", "my day was horrible", "not really", "r u a bot", "cu"),
    ("hi!", "feeling great today", "yes", "who are you?", "goodbye"),
)

# Short worker conversations, informal Indonesian and English. The first message gets the
# storage notice; answering it (keep / don't keep) is the second turn.
LENTERA_POOL: tuple[tuple[str, ...], ...] = (
    ("halo", "boleh simpan", "gaji sy blm dibayar 3 bulan", "sy di hong kong", "makasih"),
    ("halo kak", "tidak usah simpan", "nomor kbri riyadh berapa", "aman kak", "makasih kak"),
    ("hi", "keep it", "my employer took my passport", "I'm in Malaysia", "thank you"),
    ("permisi kak", "boleh simpan", "paspor sy ditahan agen", "sy di taiwan", "ok makasih"),
    ("hello", "don't keep it", "my salary not paid 2 months", "in saudi", "thanks"),
    (
        "assalamualaikum",
        "jangan simpan",
        "sy mau pulang tp ga boleh majikan",
        "di malaysia kak",
        "iya makasih",
    ),
)


def lentera_failed(reply: Reply) -> bool:
    """Lentera's guard answers a failed turn with an apology: that is a failure too."""
    apologies = tuple(text("turn_failed", lang) for lang in ("id", "en"))
    return any(str(message.get("text") or "").startswith(apologies) for message in reply)


# ---- the stock bot -------------------------------------------------------------------------


def needs_action_server(project: Path) -> bool:
    """Whether the bot's domain lists custom actions (the `rasa init` bot's does not)."""
    domain = yaml.safe_load((project / "domain.yml").read_text(encoding="utf-8")) or {}
    return bool(domain.get("actions"))


def stock_endpoints(tracker_db: Path, action_url: str | None) -> dict[str, Any]:
    """The stock bot's endpoints: an SQLite tracker store, an action server only if needed."""
    config: dict[str, Any] = {
        "tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(tracker_db)}
    }
    if action_url:
        config["action_endpoint"] = {"url": action_url}
    return config


def stock_env(project: Path) -> dict[str, str]:
    """No telemetry, and a Rasa cache of the bot's own (not the checkout's)."""
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_CACHE_DIRECTORY": str(project / ".rasa" / "cache"),
    }


def build_stock_bot(project: Path) -> Path:
    """The stock bot's model: `rasa init --no-prompt` into ``project`` (it trains) if none."""
    models = sorted((project / "models").glob("*.tar.gz"))
    if not models:
        project.mkdir(parents=True, exist_ok=True)
        with (project / "init.log").open("w") as out:
            subprocess.run(
                [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(project)],
                cwd=project,
                env=stock_env(project),
                stdout=out,
                stderr=subprocess.STDOUT,
                check=True,
            )
        models = sorted((project / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError(f"rasa init left no model in {project / 'models'}")
    return models[-1]


@dataclass
class Served:
    """A bot being served: its URL, its processes (for memory) and what was started."""

    url: str
    pids: list[int]
    description: str


@contextmanager
def running_stock(project: Path, model: Path) -> Iterator[Served]:
    """Serve the stock bot (and `rasa run actions` only if its domain needs it)."""
    env = stock_env(project)
    port = free_port()
    processes: list[subprocess.Popen] = []
    action_url = None
    logs = []
    try:
        if needs_action_server(project):
            actions_port = free_port()
            action_url = f"http://127.0.0.1:{actions_port}/webhook"
            alog = project / "actions.log"
            logs.append(alog.open("w"))
            actions = subprocess.Popen(
                [str(BIN / "rasa"), "run", "actions", "--port", str(actions_port)],
                cwd=project,
                env=env,
                stdout=logs[-1],
                stderr=subprocess.STDOUT,
            )
            processes.append(actions)
            _wait(f"http://127.0.0.1:{actions_port}/health", actions, "stock actions", alog)
        endpoints = project / "bench-endpoints.yml"
        endpoints.write_text(
            yaml.safe_dump(stock_endpoints(project / "tracker.db", action_url)), encoding="utf-8"
        )
        rlog = project / "rasa.log"
        logs.append(rlog.open("w"))
        rasa = subprocess.Popen(
            [
                str(BIN / "rasa"),
                "run",
                "--enable-api",
                "--auth-token",
                TOKEN,
                "--port",
                str(port),
                "--model",
                str(model),
                "--credentials",
                "credentials.yml",
                "--endpoints",
                str(endpoints),
            ],
            cwd=project,
            env=env,
            stdout=logs[-1],
            stderr=subprocess.STDOUT,
        )
        processes.append(rasa)
        _wait(f"http://127.0.0.1:{port}/status?token={TOKEN}", rasa, "stock rasa", rlog)
        started = "Rasa + `rasa run actions`" if action_url else "Rasa only (no custom actions)"
        yield Served(f"http://127.0.0.1:{port}", [p.pid for p in processes], started)
    finally:
        for process in reversed(processes):
            _stop(process)
        for handle in logs:
            handle.close()


@contextmanager
def running_lentera(workdir: Path) -> Iterator[tuple[Served, str]]:
    """Lentera's Rasa and action server (devtools.stack); also yields the model's name."""
    with running_stack(workdir) as stack:
        port = int(stack.rasa_url.rsplit(":", 1)[1])
        served = Served(
            stack.rasa_url, [listening_pid(port), stack.actions_pid], "Rasa + action server"
        )
        yield served, stack.model.name.removesuffix(".tar.gz")


# ---- measuring -----------------------------------------------------------------------------


def listening_pid(port: int) -> int:
    """The process listening on a local TCP port."""
    for conn in psutil.net_connections(kind="tcp"):
        listening = conn.laddr and conn.status == psutil.CONN_LISTEN
        if listening and conn.laddr.port == port and conn.pid:
            return int(conn.pid)
    raise RuntimeError(f"nobody listens on port {port}")


def tree_rss_mb(pids: Sequence[int]) -> float:
    """Resident memory (MB of 2**20 bytes) of the processes and all their children, each once."""
    seen: dict[int, psutil.Process] = {}
    for pid in pids:
        root = psutil.Process(pid)
        for process in [root, *root.children(recursive=True)]:
            seen.setdefault(process.pid, process)
    total = 0
    for process in seen.values():
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


def warm_up(url: str, stream: Iterator[Conversation], count: int) -> None:
    """Play ``count`` conversations unmeasured (first turns load what Rasa loads lazily)."""
    with httpx.Client(timeout=60) as client:
        for conversation in itertools.islice(stream, count):
            for turn in conversation.turns:
                client.post(
                    f"{url}/webhooks/rest/webhook",
                    json={"sender": conversation.sender, "message": turn},
                ).raise_for_status()


def measure(
    served: Served,
    pool: Pool,
    *,
    seconds: float,
    clients: int,
    failed: Callable[[Reply], bool] = empty_reply,
) -> dict[str, Any]:
    """Warm-up, one client, then ``clients`` clients; then the memory after the load."""
    stream = conversations(pool, seed=SEED)
    warm_up(served.url, stream, WARMUP_CONVERSATIONS)
    load_before = os.getloadavg()[0]
    one = play(served.url, stream, clients=1, seconds=seconds, failed=failed)
    many = play(served.url, stream, clients=clients, seconds=seconds, failed=failed)
    return {
        "processes": served.description,
        "one": one.summary(),
        "many": many.summary(),
        "rss_mb": tree_rss_mb(served.pids),
        # other jobs share the 2 cores: the 1-minute load average around the measurement
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def code_version() -> str:
    """The commit measured, and whether the working tree held uncommitted changes of code."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", *CODE)
    return f"{commit} with uncommitted changes" if dirty else commit


# ---- reporting -----------------------------------------------------------------------------


def ratio(lentera: float | None, stock: float | None) -> float | None:
    """Lentera / stock, or None when either is missing or stock is zero."""
    if lentera is None or not stock:
        return None
    return lentera / stock


def _num(value: float | None, digits: int = 1, unit: str = "") -> str:
    return "—" if value is None else f"{value:,.{digits}f}{unit}"


def _times(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**not met**")


def targets(result: dict[str, Any]) -> dict[str, bool | None]:
    """The four targets of issue 11, met or not (None when a figure is missing)."""
    s, lt = result["stock"], result["lentera"]
    throughput = ratio(lt["many"]["msg_per_s"], s["many"]["msg_per_s"])
    p95 = ratio(lt["many"]["p95_ms"], s["many"]["p95_ms"])
    one_p95 = lt["one"]["p95_ms"]
    return {
        "throughput": None if throughput is None else throughput >= 1.0,
        "p95": None if p95 is None else p95 <= 1.0,
        "one_p95": None if one_p95 is None else one_p95 <= ONE_CLIENT_P95_TARGET_MS,
        "memory": lt["rss_mb"] <= MEMORY_TARGET_MB,
    }


def table(result: dict[str, Any]) -> str:
    """The side-by-side Markdown table with Lentera / stock ratios and the targets."""
    s, lt, n = result["stock"], result["lentera"], result["clients"]
    met = targets(result)

    def row(label: str, a: float | None, b: float | None, target: str, digits: int = 1) -> str:
        return f"| {label} | {_num(a, digits)} | {_num(b, digits)} | {_times(ratio(b, a))} | {target} |"

    def counts(key: str) -> str:
        def one(side: dict[str, Any]) -> str:
            return f"{side['one'][key]:,} / {side['many'][key]:,}"

        return f"{one(s)} | {one(lt)}"

    def loads(side: dict[str, Any]) -> str:
        before, after = side.get("load") or (None, None)
        return f"{_num(before, 2)} / {_num(after, 2)}"

    lines = [
        "| measure | stock `rasa init` bot | Lentera | Lentera / stock | target |",
        "|---|---|---|---|---|",
        row("1 client: msg/s", s["one"]["msg_per_s"], lt["one"]["msg_per_s"], "—"),
        row("1 client: p50 ms", s["one"]["p50_ms"], lt["one"]["p50_ms"], "—", 0),
        row(
            "1 client: p95 ms",
            s["one"]["p95_ms"],
            lt["one"]["p95_ms"],
            f"Lentera ≤ {ONE_CLIENT_P95_TARGET_MS:.0f} ms: {_verdict(met['one_p95'])}",
            0,
        ),
        row(
            f"{n} clients: msg/s",
            s["many"]["msg_per_s"],
            lt["many"]["msg_per_s"],
            f"≥ 1.0×: {_verdict(met['throughput'])}",
        ),
        row(
            f"{n} clients: p95 ms",
            s["many"]["p95_ms"],
            lt["many"]["p95_ms"],
            f"≤ 1.0×: {_verdict(met['p95'])}",
            0,
        ),
        row(
            "resident memory, Rasa + action server, MB",
            s["rss_mb"],
            lt["rss_mb"],
            f"Lentera ≤ {MEMORY_TARGET_MB:,.0f} MB: {_verdict(met['memory'])}",
            0,
        ),
        f"| turns played, 1 / {n} clients | {counts('turns')} | — | — |",
        f"| failures, 1 / {n} clients | {counts('failures')} | — | 0 |",
        f"| processes measured | {s['processes']} | {lt['processes']} | — | — |",
        f"| machine load (1-min average) before / after the load | {loads(s)} | {loads(lt)} | — | — |",
    ]
    return "\n".join(lines)


def section(result: dict[str, Any]) -> str:
    """The dated section of docs/benchmarks.md for this run."""
    return "\n".join(
        [
            f"## {result['date']} — side by side with stock Rasa {MARK}",
            "",
            textwrap.fill(
                f"Stock Rasa {result['rasa']} `rasa init` bot (default pipeline and policies, "
                "trained by `rasa init`; its domain calls no custom action, so no action server) "
                f"against Lentera (model `{result['model']}`, commit {result['code']}, its action "
                "server), one after the "
                "other in one run on this shared 2-core machine. Both: REST channel, SQLite "
                "tracker store, five-turn conversations with a fresh sender each, played back to "
                f"back by every client; {WARMUP_CONVERSATIONS} warm-up conversations, then "
                f"{result['seconds']:.0f} s with one client and {result['seconds']:.0f} s with "
                f"{result['clients']} concurrent clients. Stock pool: greetings, moods, bot "
                "challenge, goodbye in English; Lentera pool: worker conversations in informal "
                "Indonesian and English, the storage notice answered on the second turn "
                "(`bench/stock.py`). msg/s and latencies count successful turns; a failure is an "
                "HTTP error, a timeout, an empty reply or Lentera's apology of last resort. Memory: "
                "RSS after the load, children included (MB of 2^20 bytes; 1.7 GB read as 1,700 MB).",
                width=WIDTH,
                break_on_hyphens=False,
            ),
            "",
            table(result),
            "",
        ]
    )


def replace_section(document: str, new_section: str, mark: str = MARK) -> str:
    """This benchmark's section first; the same day's earlier run replaced (`bench/docs.py`)."""
    return docs.replace_section(document, new_section, mark)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Build the stock bot, measure both, print and record the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.stock")
    parser.add_argument("--seconds", type=float, default=25.0, help="seconds per phase")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument(
        "--stock-dir", type=Path, help="build (or reuse) the stock bot here instead of a temp dir"
    )
    parser.add_argument("--no-docs", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "rasa": version("rasa"),
        "seconds": args.seconds,
        "clients": args.clients,
        "code": code_version(),
    }
    with tempfile.TemporaryDirectory(prefix="bench-stock-") as tmp:
        project = args.stock_dir or Path(tmp) / "stock"
        print("building the stock bot (rasa init) ...", flush=True)
        model = build_stock_bot(project.resolve())
        with running_stock(project.resolve(), model) as served:
            print("measuring the stock bot ...", flush=True)
            result["stock"] = measure(
                served, STOCK_POOL, seconds=args.seconds, clients=args.clients
            )
        lentera_dir = Path(tmp) / "lentera"
        lentera_dir.mkdir()
        with running_lentera(lentera_dir) as (served, model_name):
            print("measuring Lentera ...", flush=True)
            result["model"] = model_name
            result["lentera"] = measure(
                served,
                LENTERA_POOL,
                seconds=args.seconds,
                clients=args.clients,
                failed=lentera_failed,
            )
    result["targets"] = targets(result)
    out = VAR / "bench" / f"stock-{result['date']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(section(result))
    if not args.no_docs:
        DOCS.write_text(replace_section(DOCS.read_text(encoding="utf-8"), section(result)))
        print(f"(written to {DOCS.relative_to(ROOT)})")
    print(f"(JSON: {out})")
    return result


if __name__ == "__main__":
    main()
