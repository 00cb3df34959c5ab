"""Forged webhooks at a running Rasa: ``python -m bench.channels.flood [--requests 2000]``.

Starts the fake platforms and the real Rasa + action servers with both channels configured
(``devtools/stack.py``, the trained model), then:

1. idle: Rasa's CPU time (user + system, psutil) over a few quiet seconds;
2. flood: ``--requests`` deliveries that must be refused, half Telegram (no secret header,
   a wrong one), half WhatsApp (no signature, a wrong one, a malformed one), real update
   and notification bodies, ``--concurrency`` at a time; latency of each refusal (p50, p99),
   statuses, Rasa's CPU time during the flood, inbox rows and Rasa log lines afterwards;
   then ``--paced`` more at ``--rate`` a second on one connection (Rasa's CPU while a
   steady flood goes on). The flood's client is plain asyncio over
   keep-alive connections with the requests serialised beforehand (client and servers
   share the machine: an HTTP library's own CPU would be measured instead);
3. for scale, ``--turns`` signed Telegram messages from fresh people, answered by Rasa: the
   CPU time a real turn costs.

Prints a table, writes ``var/bench/flood.json`` and puts a dated section into
docs/benchmarks.md (``--no-docs`` leaves it alone). Targets: every refusal 403, nothing
stored, p99 under 50 ms, Rasa's CPU during the flood a small fraction of what the same
number of answered messages would cost.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psutil
import sqlalchemy as sa

from bench import docs
from bench.channels.clients import TG_SECRET, WA_SECRET, Channels
from devtools import stack as stack_module
from devtools.fake_telegram import FakeTelegram, message_update
from devtools.fake_whatsapp import FakeWhatsApp, encode, sign, text_notification

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "benchmarks.md"
MARK = "(`python -m bench.channels.flood`)"
P99_TARGET_MS = 50.0
TEXT = "gaji saya belum dibayar 3 bulan, paspor ditahan majikan"


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q * len(ordered) / 100)))
    return ordered[rank - 1]


def forged(requests: int, rasa_url: str) -> list[tuple[str, str, bytes, dict[str, str]]]:
    """``requests`` refused deliveries: (kind, url, body, headers), the kinds interleaved."""
    telegram_url = f"{rasa_url}/webhooks/telegram/webhook"
    whatsapp_url = f"{rasa_url}/webhooks/whatsapp/webhook"
    json_type = {"Content-Type": "application/json"}
    out: list[tuple[str, str, bytes, dict[str, str]]] = []
    for i in range(requests):
        if i % 2 == 0:
            body = json.dumps(message_update(900_000_000 + i, TEXT)).encode()
            if i % 4 == 0:
                out.append(("telegram: no secret", telegram_url, body, json_type))
            else:
                headers = {**json_type, "X-Telegram-Bot-Api-Secret-Token": "guessed_secret"}
                out.append(("telegram: wrong secret", telegram_url, body, headers))
            continue
        body = encode(text_notification(f"6285{i:010d}", TEXT))
        kind = i % 6
        if kind == 1:
            out.append(("whatsapp: no signature", whatsapp_url, body, json_type))
        elif kind == 3:
            headers = {**json_type, "X-Hub-Signature-256": sign(body, "not_the_app_secret")}
            out.append(("whatsapp: wrong signature", whatsapp_url, body, headers))
        else:
            headers = {**json_type, "X-Hub-Signature-256": "md5=0123"}
            out.append(("whatsapp: malformed signature", whatsapp_url, body, headers))
    return out


def raw_request(url: str, body: bytes, headers: dict[str, str]) -> bytes:
    """One HTTP/1.1 keep-alive POST, serialised once (the flood's client stays cheap)."""
    parts = urlsplit(url)
    head = [
        f"POST {parts.path} HTTP/1.1",
        f"Host: {parts.netloc}",
        f"Content-Length: {len(body)}",
        "Connection: keep-alive",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bool]:
    """Send one request, read its response; (status, whether the server keeps the connection)."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length, keep = 0, True
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value.strip().lower() == b"close":
            keep = False
    if length:
        await reader.readexactly(length)
    return status, keep


async def flood(
    rasa_url: str, requests: int, concurrency: int, *, rate: float | None = None
) -> dict[str, Any]:
    """Send the forged deliveries over ``concurrency`` keep-alive connections.

    As fast as the server answers, or ``rate`` requests a second (on schedule).

    A plain asyncio client with the requests serialised beforehand: an HTTP library's own
    CPU (about 1-2 ms a request in httpx) would otherwise be what is measured on a machine
    that the client and the servers share.
    """
    parts = urlsplit(rasa_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    deliveries = [
        (kind, raw_request(url, body, headers))
        for kind, url, body, headers in forged(requests, rasa_url)
    ]
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    queue: asyncio.Queue[tuple[int, str, bytes]] = asyncio.Queue()
    for index, (kind, request) in enumerate(deliveries):
        queue.put_nowait((index, kind, request))

    async def sender() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while not queue.empty():
                index, kind, request = queue.get_nowait()
                if rate:
                    await asyncio.sleep(max(0.0, started + index / rate - time.perf_counter()))
                start = time.perf_counter()
                try:
                    status, keep = await exchange(reader, writer, request)
                    outcome = str(status)
                except (OSError, asyncio.IncompleteReadError) as exc:
                    outcome, keep = type(exc).__name__, False
                latencies.append((time.perf_counter() - start) * 1000)
                statuses[f"{kind} -> {outcome}"] += 1
                if not keep:
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(concurrency)))
    return {
        "requests": len(deliveries),
        "seconds": time.perf_counter() - started,
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies),
        "statuses": dict(sorted(statuses.items())),
    }


def rasa_process(rasa_url: str) -> psutil.Process:
    """The Rasa server this process started (``rasa run ... --port <port>``)."""
    port = rasa_url.rsplit(":", 1)[1]
    for child in psutil.Process().children(recursive=True):
        try:
            args = child.cmdline()
        except psutil.Error:
            continue
        if "run" in args and "--port" in args and args[args.index("--port") + 1] == port:
            return child
    raise RuntimeError("the Rasa process was not found")


def cpu_seconds(process: psutil.Process) -> float:
    """User + system CPU time of ``process`` and its children so far."""
    total = 0.0
    for proc in [process, *process.children(recursive=True)]:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def inbox_rows(database_url: str) -> int:
    """Rows in Lentera's inbox (every stored delivery)."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM channel_inbox")).scalar() or 0)
    finally:
        engine.dispose()


async def answered_turns(channels: Channels, turns: int) -> int:
    """``turns`` signed Telegram messages from fresh people; how many got a reply."""
    users = [channels.new_user() for _ in range(turns)]
    for user in users:
        if await channels.send("telegram", user, TEXT) != 200:
            raise RuntimeError("a signed Telegram message was refused")
    got = await asyncio.gather(
        *(channels.wait_for_replies("telegram", u, 1, timeout=120) for u in users)
    )
    return sum(got)


async def measure(
    stack: Any,
    telegram: FakeTelegram,
    whatsapp: FakeWhatsApp,
    log: Path,
    *,
    requests: int,
    concurrency: int,
    idle_seconds: float,
    turns: int,
    paced: int,
    rate: float,
) -> dict[str, Any]:
    """Idle, flood, a paced flood, and answered turns against one running stack."""
    process = rasa_process(stack.rasa_url)
    database_url = stack.env["LENTERA_DATABASE_URL"]
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        channels = Channels(stack.rasa_url, telegram, whatsapp, client)
        await answered_turns(channels, 2)  # warm-up: the model and the action server
        await asyncio.sleep(3.0)  # let the warm-up's background work finish
        rows_before = inbox_rows(database_url)
        lines_before = log.read_text(errors="replace").count("webhook rejected")
        cpu, wall = cpu_seconds(process), time.perf_counter()
        await asyncio.sleep(idle_seconds)
        idle_cpu, idle_wall = cpu_seconds(process) - cpu, time.perf_counter() - wall
        cpu = cpu_seconds(process)
        result = await flood(stack.rasa_url, requests, concurrency)
        flood_cpu = cpu_seconds(process) - cpu
        if paced:
            cpu = cpu_seconds(process)
            steady = await flood(stack.rasa_url, paced, 1, rate=rate)
            steady["rate"] = rate
            steady["cpu_percent"] = 100 * (cpu_seconds(process) - cpu) / steady["seconds"]
            result["paced"] = steady
        await asyncio.sleep(1.0)
        result["stored"] = inbox_rows(database_url) - rows_before
        result["log_lines"] = (
            log.read_text(errors="replace").count("webhook rejected") - lines_before
        )
        cpu, wall = cpu_seconds(process), time.perf_counter()
        replied = await answered_turns(channels, turns)
        turn_cpu, turn_wall = cpu_seconds(process) - cpu, time.perf_counter() - wall
    idle_rate = idle_cpu / idle_wall  # background work (the workers' polling) goes on
    result.update(
        {
            "concurrency": concurrency,
            "idle_seconds": idle_wall,
            "idle_cpu_percent": 100 * idle_rate,
            "flood_cpu_seconds": flood_cpu,
            "flood_cpu_percent": 100 * flood_cpu / result["seconds"],
            "cpu_ms_per_refusal": 1000
            * max(0.0, flood_cpu - idle_rate * result["seconds"])
            / result["requests"],
            "turns": turns,
            "turns_replied": replied,
            "turn_seconds": turn_wall,
            "cpu_ms_per_turn": 1000 * max(0.0, turn_cpu - idle_rate * turn_wall) / max(1, turns),
        }
    )
    return result


def table(r: dict[str, Any]) -> str:
    """The Markdown table of one run."""
    refused = sum(n for k, n in r["statuses"].items() if k.endswith("-> 403"))
    p99_met = "met" if r["p99_ms"] < P99_TARGET_MS else "**not met**"
    lines = [
        "| measure | value |",
        "|---|---|",
        f"| forged deliveries, {r['concurrency']} at a time | {r['requests']} "
        f"({refused} answered 403) in {r['seconds']:.1f} s "
        f"({r['requests'] / r['seconds']:.0f} req/s) |",
        f"| refusal latency p50 / p99 / max ms | {r['p50_ms']:.1f} / {r['p99_ms']:.1f} / "
        f"{r['max_ms']:.1f} (p99 < {P99_TARGET_MS:.0f} ms: {p99_met}) |",
        f"| Rasa CPU idle / during the flood | {r['idle_cpu_percent']:.1f} % / "
        f"{r['flood_cpu_percent']:.1f} % of one core |",
    ]
    steady = r.get("paced")
    if steady:
        refused_steady = sum(n for k, n in steady["statuses"].items() if k.endswith("-> 403"))
        lines += [
            f"| {steady['requests']} more at {steady['rate']:.0f} req/s on one connection "
            f"({refused_steady} answered 403): p50 / p99 / max ms | {steady['p50_ms']:.1f} / "
            f"{steady['p99_ms']:.1f} / {steady['max_ms']:.1f} |",
            f"| Rasa CPU during the paced flood ({steady['seconds']:.0f} s) | "
            f"{steady['cpu_percent']:.1f} % of one core |",
        ]
    lines += [
        f"| stored in the inbox / Rasa log lines | {r['stored']} / {r['log_lines']} |",
        f"| Rasa CPU per refusal, idle subtracted | {r['cpu_ms_per_refusal']:.2f} ms |",
        f"| Rasa CPU per answered turn, idle subtracted ({r['turns_replied']}/{r['turns']} "
        f"signed messages from fresh people) | {r['cpu_ms_per_turn']:.1f} ms |",
    ]
    return "\n".join(lines)


def section(r: dict[str, Any]) -> str:
    """The dated section of docs/benchmarks.md for this run."""
    ratio = r["cpu_ms_per_turn"] / r["cpu_ms_per_refusal"] if r["cpu_ms_per_refusal"] else 0
    return "\n".join(
        [
            f"## {r['date']} — forged webhooks refused before any work {MARK}",
            "",
            "Real Rasa (the trained model) with both channels pointed at the loopback fakes, "
            "the default rate limit on. Forged deliveries with real bodies: Telegram without "
            "or with a wrong `X-Telegram-Bot-Api-Secret-Token`, WhatsApp without, with a wrong "
            "or a malformed `X-Hub-Signature-256`. The client (plain asyncio, keep-alive "
            "connections, requests serialised beforehand) and the servers share this 2-core "
            "machine. Rasa's CPU is user + system time of its process (psutil); idle over "
            f"{r['idle_seconds']:.0f} s before the flood.",
            "",
            table(r),
            "",
            f"A refusal costs Rasa about 1/{ratio:.0f} of an answered turn's CPU: the HTTP "
            "request itself (Sanic) and one constant-time comparison or HMAC, no JSON, no "
            "database, no NLU; the warning is logged once a minute per channel "
            "(`bot/channels/rate_limit.py`).",
            "",
        ]
    )


def replace_section(document: str, new_section: str) -> str:
    """This benchmark's section first; the same day's earlier run replaced (`bench/docs.py`)."""
    return docs.replace_section(document, new_section, MARK)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Start the stack, flood it, print and record the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.channels.flood")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--paced", type=int, default=2000, help="forged deliveries, paced")
    parser.add_argument("--rate", type=float, default=200.0, help="their rate per second")
    parser.add_argument("--out", default="var/bench")
    parser.add_argument("--no-docs", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    telegram = FakeTelegram(token="123456:BENCHTOKEN")
    whatsapp = FakeWhatsApp()
    telegram.start()
    whatsapp.start()
    env = {**telegram.channel_env(TG_SECRET), **whatsapp.channel_env(WA_SECRET)}
    try:
        with (
            tempfile.TemporaryDirectory() as workdir,
            stack_module.running_stack(Path(workdir), env) as stack,
        ):
            result = asyncio.run(
                measure(
                    stack,
                    telegram,
                    whatsapp,
                    Path(workdir) / "rasa.log",
                    requests=args.requests,
                    concurrency=args.concurrency,
                    idle_seconds=args.idle_seconds,
                    turns=args.turns,
                    paced=args.paced,
                    rate=args.rate,
                )
            )
    finally:
        telegram.stop()
        whatsapp.stop()
    result["date"] = dt.date.today().isoformat()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "flood.json").write_text(json.dumps(result, indent=2))
    print(table(result))
    if not args.no_docs:
        DOCS.write_text(replace_section(DOCS.read_text(encoding="utf-8"), section(result)))
        print(f"Written: {out / 'flood.json'}, {DOCS}")
    return result


if __name__ == "__main__":
    main()
