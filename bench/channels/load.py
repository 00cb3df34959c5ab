"""50 concurrent conversations for 60 seconds: nothing lost, no cross-talk, order kept."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from typing import Any

from bench.channels.clients import Channels
from devtools.conversations import bot_utterances, compare, sender_id, tracker, user_texts
from devtools.scaled import inbox_settled

KEEP_IT = "boleh simpan"  # the answer to the storage notice
SCRIPT = [
    "halo",
    "gaji saya belum dibayar 3 bulan",
    "saya di Malaysia",
    "iya",
    "paspor saya ditahan majikan",
    "terima kasih",
]


async def _conversation(
    channels: Channels,
    channel: str,
    user: int,
    deadline: float,
    sent: list[str],
    waits: list[float],
) -> None:
    rng = random.Random(user)
    index = rng.randrange(len(SCRIPT))
    first = True
    while time.monotonic() < deadline:
        # Words reach the tracker store only with consent, and the check below compares
        # the tracker with what the platform received: each person agrees first.
        text = KEEP_IT if first else SCRIPT[index % len(SCRIPT)]
        index += 0 if first else 1
        before = len(channels.arrival_times(channel, user))
        start = time.time()
        if await channels.send(channel, user, text) != 200:
            continue
        sent.append(text)
        first = False
        if await channels.wait_for_replies(channel, user, before + 1, timeout=60):
            waits.append(channels.arrival_times(channel, user)[before] - start)
        await asyncio.sleep(rng.uniform(0.0, 0.3))


async def soak(
    channels: Channels, channel: str, *, conversations: int, seconds: float, env: dict, token: str
) -> dict[str, Any]:
    """Run the soak test on one channel and check every conversation against its tracker."""
    users = [channels.new_user() for _ in range(conversations)]
    sent: dict[int, list[str]] = {u: [] for u in users}
    waits: list[float] = []
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    await asyncio.gather(
        *(_conversation(channels, channel, u, deadline, sent[u], waits) for u in users)
    )
    elapsed = time.monotonic() - started
    # Let the backlog drain: every accepted message processed (its turn, replies and
    # tracker save done) before the trackers are compared with what the fake received.
    drained = time.monotonic()
    await asyncio.to_thread(inbox_settled, env["LENTERA_DATABASE_URL"], 300.0)
    drain_seconds = time.monotonic() - drained
    lost = crosstalk = missing_replies = out_of_order = replies = 0
    for user in users:
        platform_id = channels.chat_id(user) if channel == "telegram" else channels.wa_id(user)
        state = await asyncio.to_thread(
            tracker, channels.rasa_url, token, sender_id(env, channel, platform_id)
        )
        recorded = user_texts(state)
        lost += max(0, len(sent[user]) - len(recorded))
        out_of_order += recorded != sent[user][: len(recorded)]
        delivered = channels.delivered(channel, user)
        replies += len(delivered)
        _, missing, unexpected = compare(bot_utterances(state), delivered)
        missing_replies += missing
        crosstalk += unexpected
    messages_in = sum(len(s) for s in sent.values())
    return {
        "channel": channel,
        "conversations": conversations,
        "seconds": round(elapsed, 1),
        "messages_in": messages_in,
        "replies_out": replies,
        "lost": lost,
        "replies_missing": missing_replies,
        "cross_talk": crosstalk,
        "conversations_out_of_order": out_of_order,
        "messages_per_second": round(messages_in / elapsed, 2),
        "backlog_drain_seconds": round(drain_seconds, 1),
        "first_reply_p50_ms": round(statistics.median(waits) * 1000, 1) if waits else None,
        "first_reply_p95_ms": round(_p95(waits) * 1000, 1) if waits else None,
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
