"""Caseworker handoff benchmark: ``python -m bench.handoff [--handoffs 25] [--cases 10000]``.

The real Rasa + action servers (trained model, SQLite) with Telegram pointed at the loopback
fake, and the console as its own process, used over HTTP as a browser does (login form,
cookie, CSRF token), as in ``tests/test_handoff_e2e.py``. Measured:

1. consent to queue: from the worker's "yes" (the webhook POST) until the new case shows
   in an open console, (a) by polling ``GET /cases`` every 50 ms, and (b) through an event
   stream (``GET /events``): the first ``queue`` event after the "yes" whose fragment
   (``GET /cases`` as htmx asks for it) lists the case, i.e. what an open queue page shows;
2. message to case page: a worker's message during the handoff (webhook POST) until it is
   on ``GET /cases/<ref>`` (polled every 50 ms);
3. caseworker reply to chat: the reply form's POST until the fake Telegram receives the
   ``sendMessage`` (its own arrival time);
4. queue page with many cases: ``GET /cases`` with ``--cases`` cases in the organisation
   (opened with ``CaseStore.open_case`` directly), over ``--renders`` requests.

Results: JSON and Markdown under ``var/bench/`` (paths printed at the end).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bot.cases.store import CaseStore
from bot.security.encryption import Cipher
from bot.stack.paths import VAR
from bot.storage.engine import create_engine
from devtools.console import REF, ConsoleClient, running_console
from devtools.fake_telegram import FakeTelegram, message_update
from devtools.stack import RasaStack, running_stack

TG_SECRET = "bench_handoff_secret"
ORGANISATION = "Serikat Pendamping Migran"
CASEWORKER = ("caseworker@lentera.test", "a long caseworker passphrase 42")
WAITING = re.compile(r'data-waiting="(\d+)"')
POLL = 0.05
# The conversation of tests/test_handoff_e2e.py: a story, the request, the consent.
STORY = "majikan sy mukul sy kak, sy di hong kong"
REQUEST = "sy mau ngomong sama petugas aja"
CONSENT = "iya boleh"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    """n, p50, p95 and max, in milliseconds."""
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values) * 1000, 1),
        "p95_ms": round(percentile(values, 95) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


def wait_for(check: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    """Poll ``check`` every :data:`POLL` s until it is truthy; its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(POLL)
    raise RuntimeError(f"timed out waiting for {what}")


def submit(console: ConsoleClient, path: str, **fields: str) -> httpx.Response:
    """A console form the bench needs to succeed (raises on a refusal)."""
    reply = console.post(path, **fields)
    if reply.status_code not in (200, 303):
        raise RuntimeError(f"POST {path}: {reply.status_code}")
    return reply


class EventWatcher(threading.Thread):
    """An open queue page: an event stream, and the queue fragment fetched after each event.

    ``records`` holds ``(event arrival, fragment fetched, refs in the fragment)``.
    """

    def __init__(self, console: ConsoleClient) -> None:
        super().__init__(name="sse", daemon=True)
        self.http = httpx.Client(
            base_url=console.url,
            cookies=console.http.cookies,
            timeout=httpx.Timeout(30, read=60),
        )
        self.records: list[tuple[float, float, set[str]]] = []
        self.events = 0
        self.connected = threading.Event()
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def run(self) -> None:
        last_id = ""
        while not self.stopping.is_set():
            headers = {"accept": "text/event-stream"}
            if last_id:
                headers["last-event-id"] = last_id
            try:
                with self.http.stream("GET", "/events", headers=headers) as stream:
                    event = ""
                    for line in stream.iter_lines():
                        self.connected.set()
                        if self.stopping.is_set():
                            return
                        if line.startswith("id: "):
                            last_id = line[4:]
                        elif line.startswith("event: "):
                            event = line[7:]
                        elif line == "" and event:
                            self._on_event(event)
                            event = ""
            except httpx.HTTPError:
                if not self.stopping.is_set():
                    time.sleep(0.2)

    def _on_event(self, event: str) -> None:
        arrived = time.time()
        self.events += 1
        if event != "queue":
            return
        fragment = self.http.get("/cases", headers={"hx-request": "true"})
        with self.lock:
            self.records.append((arrived, time.time(), set(REF.findall(fragment.text))))

    def first_showing(self, ref: str, after: float) -> tuple[float, float] | None:
        with self.lock:
            for arrived, fetched, refs in self.records:
                if arrived >= after and ref in refs:
                    return arrived, fetched
        return None

    def stop(self) -> None:
        self.stopping.set()
        self.http.close()


class Worker:
    """A migrant worker on the fake Telegram."""

    def __init__(self, stack: RasaStack, telegram: FakeTelegram, chat: int) -> None:
        self.stack, self.telegram, self.chat = stack, telegram, chat

    def say(self, body: str) -> float:
        """Send one message through the webhook; the time it was sent."""
        started = time.time()
        reply = httpx.post(
            f"{self.stack.rasa_url}/webhooks/telegram/webhook",
            json=message_update(self.chat, body),
            headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET},
            timeout=30,
        )
        if reply.status_code != 200:
            raise RuntimeError(f"webhook answered {reply.status_code}")
        return started

    def received(self) -> list[str]:
        return self.telegram.sent_texts(self.chat)

    def arrivals(self, body: str) -> list[float]:
        """When each ``sendMessage`` of ``body`` to this chat reached the fake."""
        return [
            c.at
            for c in self.telegram.calls("sendMessage")
            if c.params.get("chat_id") == self.chat and c.params.get("text") == body
        ]

    def turn(self, body: str, expected: int | None, quiet: float = 0.4) -> list[str]:
        """Say ``body``; wait for ``expected`` replies (or the first) and quiet; the replies."""
        before = len(self.received())
        self.say(body)
        wait_for(lambda: len(self.received()) >= before + (expected or 1), "the replies", 60)
        last, since = len(self.received()), time.monotonic()
        while time.monotonic() - since < quiet:
            time.sleep(POLL)
            if len(self.received()) != last:
                last, since = len(self.received()), time.monotonic()
        return self.received()[before:]


def one_handoff(
    worker: Worker,
    console: ConsoleClient,
    watcher: EventWatcher,
    expected: list[int | None],
    index: int,
) -> tuple[dict[str, float], int]:
    """One person from the story to a caseworker's reply; the times and assistant messages."""
    for step, body in enumerate((STORY, REQUEST)):
        replies = worker.turn(body, expected[step], quiet=2.0 if index == 0 else 0.4)
        expected[step] = expected[step] or len(replies)
    time.sleep(0.6)  # the queue's event stream has gone quiet
    before = console.refs()
    received = len(worker.received())
    consent_at = worker.say(CONSENT)
    (ref,) = wait_for(lambda: console.refs() - before, "the case in the queue", 30)
    polled = time.time() - consent_at
    shown = wait_for(lambda: watcher.first_showing(ref, consent_at), "the queue event", 10)
    # The confirmation of the consent turn, before the person writes again.
    wait_for(lambda: len(worker.received()) > received, "the confirmation")
    time.sleep(1.0)
    spoke_until = len(worker.received())

    message = f"kak sy takut dia marah terus nomor {index}"
    sent_at = worker.say(message)
    wait_for(lambda: message in console.page(f"/cases/{ref}"), "the message on the case page")
    on_page = time.time() - sent_at

    submit(console, f"/cases/{ref}/claim")
    console.page(f"/cases/{ref}")
    reply = f"Halo, saya Rina dari tim pendamping, pesan {index}. Apakah Anda aman?"
    posted_at = time.time()
    submit(console, f"/cases/{ref}/reply", text=reply, client_token=f"bench-{index}")
    posted = time.time() - posted_at
    arrived = wait_for(lambda: worker.arrivals(reply), "the reply at Telegram")
    time.sleep(0.3)
    extra = worker.received()[spoke_until:]
    if len(worker.arrivals(reply)) != 1 or extra.count(reply) != 1:
        raise RuntimeError(f"reply {index} delivered {extra.count(reply)} times")
    times = {
        "consent_to_queue_poll": polled,
        "consent_to_queue_sse_event": shown[0] - consent_at,
        "consent_to_queue_sse_shown": shown[1] - consent_at,
        "message_to_case": on_page,
        "reply_post": posted,
        "reply_to_chat": arrived[0] - posted_at,
    }
    return times, len([t for t in extra if t != reply])


def handoffs(
    stack: RasaStack, telegram: FakeTelegram, console: ConsoleClient, count: int
) -> dict[str, Any]:
    """``count`` handoffs (after one warm-up): consent, a message, a reply, each timed."""
    watcher = EventWatcher(console)
    watcher.start()
    watcher.connected.wait(10)
    base = 820_000_000 + int(time.time()) % 1_000_000 * 100
    expected: list[int | None] = [None, None]
    samples: dict[str, list[float]] = {}
    assistant_spoke = 0
    for index in range(count + 1):
        worker = Worker(stack, telegram, base + index)
        times, spoke = one_handoff(worker, console, watcher, expected, index)
        assistant_spoke += spoke
        if index == 0:
            continue  # warm-up
        for key, value in times.items():
            samples.setdefault(key, []).append(value)
    watcher.stop()
    result: dict[str, Any] = {key: summary(values) for key, values in samples.items()}
    result["handoffs"] = count
    result["assistant_messages_during_handoffs"] = assistant_spoke
    result["turn_replies"] = expected
    return result


def fill(stack: RasaStack, cases: int) -> float:
    """Open ``cases`` more cases in the organisation directly; seconds it took."""
    store = CaseStore(
        create_engine(stack.env["LENTERA_DATABASE_URL"]),
        Cipher(tuple(stack.env["LENTERA_ENCRYPTION_KEYS"].split(","))),
    )
    started = time.time()
    stamp = int(started)
    for i in range(cases):
        store.open_case(
            conversation_id=f"tg_bench{stamp:x}{i:020x}",
            channel="telegram",
            language="id" if i % 3 else "en",
            country=("HK", "TW", "SG", "MY", "SA")[i % 5],
            city=None,
            problem=("unpaid_wages", "abuse", "passport_held", "recruitment_fraud")[i % 4],
            risk="urgent" if i % 40 == 0 else "normal",
            consent_version="handoff-v1",
            consent_at=started,
            summary=f"problem: unpaid wages for {i % 12 + 1} months; employer keeps the passport",
            transcript=[("person", "gaji saya belum dibayar", started)],
        )
    return time.time() - started


def queue_renders(console: ConsoleClient, renders: int) -> dict[str, Any]:
    """Time ``GET /cases`` (the whole page) ``renders`` times, after two warm-up requests."""
    times: list[float] = []
    shown: list[int] = []
    for index in range(renders + 2):
        started = time.perf_counter()
        reply = console.http.get("/cases")
        elapsed = time.perf_counter() - started
        if reply.status_code != 200:
            raise RuntimeError(f"GET /cases: {reply.status_code}")
        if index >= 2:
            times.append(elapsed)
        shown = [int(n) for n in WAITING.findall(reply.text)]
        rows = len(REF.findall(reply.text))
    return {**summary(times), "waiting_shown": shown[0] if shown else None, "rows": rows}


def met(value_ms: float, target_s: float) -> str:
    return "met" if value_ms <= target_s * 1000 else "**not met**"


def markdown(results: dict[str, Any]) -> str:
    h, q = results["handoffs"], results["queue"]
    rows = [
        (
            "consent → case in the queue, `GET /cases` polled every 50 ms",
            h["consent_to_queue_poll"],
            "consent_to_queue",
        ),
        (
            "consent → `queue` event on `GET /events` listing the case",
            h["consent_to_queue_sse_event"],
            "consent_to_queue",
        ),
        (
            "consent → open queue page shows it (event + fragment fetched)",
            h["consent_to_queue_sse_shown"],
            "consent_to_queue",
        ),
        ("message during the handoff → on `GET /cases/<ref>`", h["message_to_case"], "message"),
        ("caseworker reply POST → `sendMessage` at Telegram", h["reply_to_chat"], None),
        ("caseworker reply POST answered (303)", h["reply_post"], None),
        (f"`GET /cases` with {results['cases_in_organisation']:,} cases", q, "queue_render"),
    ]
    targets = {"consent_to_queue": 2.0, "message": 1.0, "queue_render": 0.3}
    lines = [
        f"### Caseworker handoff, {results['date']}",
        "",
        "| measure | n | p50 ms | p95 ms | max ms | target p95 | |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, row, key in rows:
        target = targets.get(key or "")
        lines.append(
            f"| {label} | {row['n']} | {row['p50_ms']} | {row['p95_ms']} | {row['max_ms']} | "
            + (f"≤ {target * 1000:.0f} | {met(row['p95_ms'], target)} |" if target else "— | |")
        )
    lines += [
        "",
        f"Handoffs: {h['handoffs']} (after one warm-up); assistant messages during them: "
        f"{h['assistant_messages_during_handoffs']}; every reply delivered exactly once. "
        f"Opening {results['cases_opened']:,} cases with `CaseStore.open_case`: "
        f"{results['fill_seconds']:.0f} s. The queue page with them shows "
        f"{q['rows']} rows and says {q['waiting_shown']} waiting. {results['cpus']} cores; "
        f"load average (1/5/15 min) {results['load_average_before']} before, "
        f"{results['load_average_after']} after.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="Lentera caseworker handoff benchmark")
    parser.add_argument("--handoffs", type=int, default=25)
    parser.add_argument("--cases", type=int, default=10_000, help="cases for the queue page")
    parser.add_argument("--renders", type=int, default=40)
    parser.add_argument("--out", default=str(VAR / "bench"))
    args = parser.parse_args()
    telegram = FakeTelegram(token="123456:BENCHHANDOFF")
    telegram.start()
    results: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            running_stack(Path(tmp), telegram.channel_env(TG_SECRET)) as stack,
            running_console(
                stack, Path(tmp), organisation=ORGANISATION, caseworker=CASEWORKER
            ) as console,
        ):
            results["model"] = stack.model.name
            results["handoffs"] = handoffs(stack, telegram, console, args.handoffs)
            existing = len(console.refs())
            results["cases_opened"] = max(0, args.cases - existing)
            results["fill_seconds"] = fill(stack, results["cases_opened"])
            results["cases_in_organisation"] = existing + results["cases_opened"]
            results["queue"] = queue_renders(console, args.renders)
            results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        telegram.stop()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "handoff.json").write_text(json.dumps(results, indent=2))
    (out / "handoff.md").write_text(markdown(results))
    print(markdown(results))
    print(f"Written: {out / 'handoff.json'}, {out / 'handoff.md'}")


if __name__ == "__main__":
    main()
