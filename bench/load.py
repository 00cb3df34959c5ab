"""A load generator over Rasa's REST channel: short conversations, a fresh sender each.

Used by `bench.stock` for both bots, so both are measured by the same code: N clients, each
playing conversations back to back for a fixed time. A conversation is a fixed list of turns
(`POST /webhooks/rest/webhook` with ``{"sender", "message"}``) under a sender id used for that
conversation only. A turn fails on an HTTP error, a timeout, an empty reply list, or a reply
the bot-specific ``failed`` check rejects (Lentera's apology of last resort).

Nothing here logs or stores message text or sender ids: only counts and latencies.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.assistant import percentile

Pool = Sequence[Sequence[str]]  # conversations, each a sequence of user turns
Reply = list[dict[str, Any]]
TURN_TIMEOUT = 30.0


@dataclass(frozen=True)
class Conversation:
    """One conversation to play: its own sender id and its turns."""

    sender: str
    turns: tuple[str, ...]


def conversations(pool: Pool, *, seed: int, prefix: str | None = None) -> Iterator[Conversation]:
    """An endless stream of conversations drawn from ``pool``, each with a new sender id.

    The draw is seeded (both bots get the same sequence of pool positions); the sender ids are
    ``<prefix>-<n>`` with a per-run random prefix, so no sender ever comes back.
    """
    rng = random.Random(seed)
    run = prefix or uuid.uuid4().hex[:10]
    for number in itertools.count():
        yield Conversation(f"bench-{run}-{number}", tuple(rng.choice(pool)))


def empty_reply(reply: Reply) -> bool:
    """The generic failure: the bot answered nothing."""
    return not reply


@dataclass
class Phase:
    """What one load phase measured."""

    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # successful turns only, seconds
    failures: Counter[str] = field(default_factory=Counter)
    conversations: int = 0

    @property
    def turns(self) -> int:
        """Turns played, failed or not."""
        return len(self.latencies) + sum(self.failures.values())

    def summary(self) -> dict[str, Any]:
        """Throughput (successful turns per second), p50/p95 in ms, failures by kind."""
        ok = len(self.latencies)
        return {
            "clients": self.clients,
            "seconds": round(self.seconds, 2),
            "conversations": self.conversations,
            "turns": self.turns,
            "failures": sum(self.failures.values()),
            "failure_kinds": dict(self.failures),
            "msg_per_s": ok / self.seconds if self.seconds else 0.0,
            "p50_ms": 1000 * percentile(self.latencies, 50) if ok else None,
            "p95_ms": 1000 * percentile(self.latencies, 95) if ok else None,
        }


async def _turn(
    client: httpx.AsyncClient,
    url: str,
    sender: str,
    text: str,
    failed: Callable[[Reply], bool],
    phase: Phase,
) -> None:
    started = time.perf_counter()
    try:
        response = await client.post(url, json={"sender": sender, "message": text})
    except httpx.HTTPError as error:
        phase.failures[type(error).__name__] += 1
        return
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        phase.failures[f"http {response.status_code}"] += 1
        return
    reply = response.json()
    if not isinstance(reply, list) or empty_reply(reply):
        phase.failures["empty reply"] += 1
    elif failed(reply):
        phase.failures["apology"] += 1
    else:
        phase.latencies.append(elapsed)


async def _client(
    client: httpx.AsyncClient,
    url: str,
    stream: Iterator[Conversation],
    deadline: float,
    failed: Callable[[Reply], bool],
    phase: Phase,
) -> None:
    # A turn is only started before the deadline; a conversation cut by it stays unfinished.
    while time.monotonic() < deadline:
        conversation = next(stream)
        phase.conversations += 1
        for text in conversation.turns:
            if time.monotonic() >= deadline:
                return
            await _turn(client, url, conversation.sender, text, failed, phase)


async def run_phase(
    rasa_url: str,
    stream: Iterator[Conversation],
    *,
    clients: int,
    seconds: float,
    failed: Callable[[Reply], bool] = empty_reply,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Phase:
    """``clients`` concurrent clients playing conversations from ``stream`` for ``seconds``.

    ``transport`` replaces the network (tests).
    """
    url = f"{rasa_url}/webhooks/rest/webhook"
    phase = Phase(clients)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        timeout=TURN_TIMEOUT, limits=limits, transport=transport
    ) as client:
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(
            *(_client(client, url, stream, deadline, failed, phase) for _ in range(clients))
        )
        phase.seconds = time.monotonic() - started
    return phase


def play(
    rasa_url: str,
    stream: Iterator[Conversation],
    *,
    clients: int,
    seconds: float,
    failed: Callable[[Reply], bool] = empty_reply,
) -> Phase:
    """`run_phase` from synchronous code."""
    return asyncio.run(run_phase(rasa_url, stream, clients=clients, seconds=seconds, failed=failed))
