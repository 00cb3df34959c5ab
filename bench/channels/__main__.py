"""Run the channel benchmark: ``python -m bench.channels [--turns 30] [--seconds 60]``.

Starts fake Telegram and WhatsApp servers on loopback and the real Rasa + action servers
(``devtools/stack.py``, the trained model), then measures:

1. turn latency p50/p95 from webhook to the last reply at the fake, per channel, against
   the REST channel in the same run (interleaved turns, fresh conversations);
2. a soak test per channel: N concurrent conversations for S seconds, every conversation
   checked against its Rasa tracker (lost, cross-talk, order).

Results: JSON and Markdown under ``var/bench/`` (paths printed at the end).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

import httpx

from bench.channels.clients import TG_SECRET, WA_SECRET, Channels
from bench.channels.load import _p95, soak
from devtools import stack as stack_module
from devtools.fake_telegram import FakeTelegram
from devtools.fake_whatsapp import FakeWhatsApp

TEXTS = ["halo", "gaji saya belum dibayar 3 bulan", "paspor saya ditahan agen"]
CHANNELS = ("rest", "telegram", "whatsapp")


async def latency(channels: Channels, turns: int) -> dict[str, Any]:
    expected: dict[tuple[str, str], int] = {}
    for text in TEXTS:  # warm up, and learn how many messages each turn sends
        for channel in CHANNELS:
            user = channels.new_user()
            await channels.send(channel, user, text)
            if channel != "rest":
                expected[(channel, text)] = max(1, await channels.settle(channel, user))
    samples: dict[str, list[float]] = {c: [] for c in CHANNELS}
    acks: dict[str, list[float]] = {c: [] for c in CHANNELS}
    for i in range(turns):
        text = TEXTS[i % len(TEXTS)]
        for channel in CHANNELS:
            total, acked = await channels.turn(channel, text, expected.get((channel, text), 0))
            samples[channel].append(total)
            acks[channel].append(acked)
    result: dict[str, Any] = {"turns_per_channel": turns, "texts": TEXTS}
    rest_p50 = statistics.median(samples["rest"])
    rest_p95 = _p95(samples["rest"])
    for channel in CHANNELS:
        p50, p95 = statistics.median(samples[channel]), _p95(samples[channel])
        result[channel] = {
            "p50_ms": round(p50 * 1000, 1),
            "p95_ms": round(p95 * 1000, 1),
            "overhead_p50": round((p50 - rest_p50) / rest_p50, 3),
            "overhead_p95": round((p95 - rest_p95) / rest_p95, 3),
            "webhook_ack_p50_ms": round(statistics.median(acks[channel]) * 1000, 1),
            "webhook_ack_p95_ms": round(_p95(acks[channel]) * 1000, 1),
        }
    return result


def use_model(model: Path) -> None:
    """Serve ``model`` instead of training/using the current one (development runs)."""
    stack_module.ensure_model = lambda: model  # type: ignore[assignment]


def markdown(results: dict[str, Any]) -> str:
    lat = results["latency"]
    lines = [
        "## Channels",
        "",
        f"Turn latency, {lat['turns_per_channel']} fresh conversations per channel, interleaved "
        "(webhook POST to the last reply at the fake; REST: request to response).",
        "",
        "| channel | p50 ms | p95 ms | overhead vs REST (p50) | overhead (p95) "
        "| webhook answered p50/p95 ms |",
        "|---|---|---|---|---|---|",
    ]
    for channel in CHANNELS:
        row = lat[channel]
        lines.append(
            f"| {channel} | {row['p50_ms']} | {row['p95_ms']} | "
            f"{row['overhead_p50']:+.1%} | {row['overhead_p95']:+.1%} | "
            f"{row['webhook_ack_p50_ms']}/{row['webhook_ack_p95_ms']} |"
        )
    if results.get("soak"):
        lines += [
            "",
            "Soak: concurrent conversations, each checked against its Rasa tracker.",
            "",
            "| channel | conv. | s | in | out | msg/s | lost | replies missing | cross-talk "
            "| out of order | first reply p50/p95 ms |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in results["soak"]:
            lines.append(
                f"| {row['channel']} | {row['conversations']} | {row['seconds']} | "
                f"{row['messages_in']} | {row['replies_out']} | {row['messages_per_second']} | "
                f"{row['lost']} | {row['replies_missing']} | {row['cross_talk']} | "
                f"{row['conversations_out_of_order']} | "
                f"{row['first_reply_p50_ms']}/{row['first_reply_p95_ms']} |"
            )
    return "\n".join(lines) + "\n"


async def _run(args: argparse.Namespace, stack: Any, telegram: Any, whatsapp: Any) -> dict:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        channels = Channels(stack.rasa_url, telegram, whatsapp, client)
        results: dict[str, Any] = {"latency": await latency(channels, args.turns), "soak": []}
        if args.seconds > 0:
            for channel in ("telegram", "whatsapp"):
                results["soak"].append(
                    await soak(
                        channels,
                        channel,
                        conversations=args.conversations,
                        seconds=args.seconds,
                        env=dict(stack.env),
                        token=stack.token,
                    )
                )
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description="Lentera channel benchmark")
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--model", help="use this model instead of the current trained one")
    parser.add_argument("--out", default="var/bench")
    args = parser.parse_args()
    telegram = FakeTelegram(token="123456:BENCHTOKEN").start()
    whatsapp = FakeWhatsApp().start()
    env = {**telegram.channel_env(TG_SECRET), **whatsapp.channel_env(WA_SECRET)}
    # The soak's synthetic people write faster than 20 a minute with few conversations: it
    # measures the connectors, not the rate limit (bench.channels.flood and its tests do).
    env["LENTERA_RATE_LIMIT_PER_MINUTE"] = "0"
    if args.model:
        use_model(Path(args.model))
    try:
        with (
            tempfile.TemporaryDirectory() as workdir,
            stack_module.running_stack(Path(workdir), env) as stack,
        ):
            results = asyncio.run(_run(args, stack, telegram, whatsapp))
    finally:
        telegram.stop()
        whatsapp.stop()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "channels.json").write_text(json.dumps(results, indent=2))
    (out / "channels.md").write_text(markdown(results))
    print(markdown(results))
    print(f"Written: {out / 'channels.json'}, {out / 'channels.md'}")


if __name__ == "__main__":
    main()
