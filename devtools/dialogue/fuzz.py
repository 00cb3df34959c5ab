"""Conversation fuzzing: seeded random walks through a pool of real-looking messages.

Each walk is 15-25 turns drawn from :data:`POOL` (greetings, reports, answers in words,
emoji, gibberish, long stories, questions, language switches, danger, button payloads a
person may press on an old message, very long text, empty-ish text). Walk ``i`` of seed
``s`` depends only on ``(s, i)``, so a failure is reproduced with the same two numbers
whatever the thread scheduling (``python -m bench.fuzz --seed s --only i``).

Checked per turn: not silent, at most 6 messages, no message twice; after the run, no
Rasa log line saying the circuit breaker tripped.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devtools.dialogue.properties import Turn, no_duplicate_in_turn, turn_basics
from devtools.dialogue.suite import circuit_breaker_lines

Send = Callable[[str, str], list[dict]]

_STORY_ID = (
    "kak sy mau cerita, sy kerja di rumah majikan di riyadh udh 2 thn, paspor sy dipegang "
    "nyonya dr awal, gaji sy 8 bulan blm dibayar, tiap sy tanya dibilang nanti nanti terus. "
    "sy kerja dr subuh sampe tengah malem, ga pernah libur, makan kadang cuma sekali. "
    "kemarin tuan marah2 dan lempar piring ke sy, skrg sy ga berani keluar kamar. agen di "
    "indonesia ga bisa dihubungin. sy pengen pulang tp sy jg mau gaji sy dibayar. "
)
_STORY_EN = (
    "Hello, I have been working in Hong Kong for one year. My employer keeps my passport, "
    "pays me less than the contract says and makes me work in her sister's shop on Sundays. "
    "The agency says I must accept or they will send me home and I still owe them money. "
    "I am tired and I do not know who I can trust. What should I do? "
)

#: The message pool, by kind. Button payloads are what a person sends by pressing a button
#: of an earlier message (Telegram keeps old buttons pressable).
POOL: dict[str, list[str]] = {
    "greeting": [
        "halo",
        "hai kak",
        "assalamualaikum",
        "selamat malam",
        "p",
        "hello",
        "hi",
        "good morning",
        "halo lagi",
        "permisi kak",
    ],
    "report": [
        "gaji sy blm dibayar 3 bulan",
        "paspor saya ditahan majikan",
        "majikan sering mukul sy",
        "agensi motong gaji sy terus",
        "sy kerja 18 jam sehari ga ada libur",
        "sy udh bayar 15 juta tp ga jd berangkat",
        "sy mau pulang tp ga dibolehin",
        "teman sy ditangkap polisi",
        "adik sy ga bisa dihubungi 2 minggu",
        "sy sakit tp ga boleh ke dokter",
        "My employer has not paid me for two months",
        "my boss keeps my passport",
        "I want to go home but my agency refuses",
        "my employer shouts at me and gives me little food",
        "I was cheated by an agency",
    ],
    "answer": [
        "iya saya aman",
        "aman kak",
        "safe kok kak, cuma stress",
        "I'm safe, I'm staying with a friend",
        "klo siang aman, malem dijaga mandor",
        "ga aman",
        "not safe at night",
        "aman, tp ga boleh keluar rumah",
        "iya",
        "ga",
        "yes",
        "no",
        "ok",
        "blm tau kak",
    ],
    "place": [
        "sy di riyadh",
        "di hongkong kak",
        "sy di penang, daerah bayan lepas",
        "kuala lumpur",
        "di sabah deket lahad datu",
        "I'm in Singapore",
        "Taiwan, Taichung",
        "di dubai",
        "sy di erbil irak",
        "We are in Poland",
        "masih di indonesia",
        "di jeddah",
    ],
    "question": [
        "nomor kbri di irak ada gk?",
        "Is there an Indonesian embassy in Poland?",
        "can embassy help renew my permit?",
        "nomor kbri riyadh berapa",
        "ada nomor wa nya?",
        "Is there also a WhatsApp number? My credit is almost finished",
        "hp sy mau abis batre, ada nmr wa yg bs sy chat aja?",
        "apa boleh agensi motong gaji buat biaya pelatihan?",
        "how many days off must I get here?",
        "jd sy hrs gmn dulu kak?",
        "nomor yg 24 jam yg mana?",
        "ada yg bs jemput kami gk?",
        "ini robot ya?",
        "bisa ngomong sama orang?",
        "hapus data saya",
    ],
    "language": [
        "can you answer in English from now?",
        "bisa pakai bahasa indonesia aja?",
        "english please",
        "pakai bahasa indonesia",
    ],
    "danger": [
        "tolong sy mau dibunuh majikan",
        "majikan bawa pisau, sy ngumpet di kamar mandi",
        "Help, the boss's men are outside our container house and they say they will beat "
        "us tonight… We are in Poland",
        "tolong kak sy dikunci di rumah di erbil irak",
        "temen sy muntah darah",
        "my friend cannot breathe",
        "teman saya pingsan tidak sadar",
        "help me please he is hitting me right now",
    ],
    "emoji": ["🙏", "😭😭😭", "👍", "🙏🙏🙏 tolong", "❤️", "😡"],
    "gibberish": ["asdfghjkl", "hhhh", "wkwkwk", "qwerty123", "zzz", "[sticker]", "k"],
    "empty": ["?", "??", ".", "...", "…", "-", "ok?"],
    "thanks": ["makasih kak", "terima kasih", "thanks", "ok makasih", "dah ya", "bye"],
    "story": [_STORY_ID, _STORY_EN, _STORY_ID + " jd sy hrs gmn kak?"],
    "very_long": [_STORY_ID * 12, _STORY_EN * 15, ("tolong " * 700).strip()],
    "button": [
        "/affirm",
        "/deny",
        "/request_human",
        "/emergency",
        "/report_unpaid_wages",
        "/report_document_withheld",
        "/want_to_go_home",
        '/inform{"country": "MY"}',
        '/inform{"country": "SA"}',
        '/choose_language{"language": "en"}',
        '/choose_language{"language": "id"}',
    ],
}

#: How often each kind is drawn (relative).
WEIGHTS: dict[str, float] = {
    "greeting": 1.0,
    "report": 3.0,
    "answer": 3.0,
    "place": 2.0,
    "question": 2.5,
    "language": 0.5,
    "danger": 1.0,
    "emoji": 0.8,
    "gibberish": 0.8,
    "empty": 0.8,
    "thanks": 0.8,
    "story": 0.5,
    "very_long": 0.2,
    "button": 1.5,
}

MIN_TURNS, MAX_TURNS = 15, 25


def walk(
    seed: int, index: int, min_turns: int = MIN_TURNS, max_turns: int = MAX_TURNS
) -> list[str]:
    """The messages of walk ``index`` of ``seed`` (pure: the same numbers give the same walk)."""
    rng = random.Random(f"lentera-fuzz:{seed}:{index}")
    kinds = list(WEIGHTS)
    weights = [WEIGHTS[k] for k in kinds]
    n = rng.randint(min_turns, max_turns)
    first = rng.choice(["greeting", "report", "danger", "question", "place", "emoji"])
    chosen = [first] + rng.choices(kinds, weights, k=n - 1)
    return [rng.choice(POOL[kind]) for kind in chosen]


@dataclass
class Violation:
    """One per-turn violation, with what reproduces it."""

    seed: int
    walk: int
    turn: int
    sender: str
    text: str
    problem: str

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        return f"seed {self.seed} walk {self.walk} turn {self.turn} ({text!r}): {self.problem}"


@dataclass
class FuzzResult:
    """What a fuzz run found."""

    seed: int
    conversations: int
    turns: int = 0
    silent: int = 0
    runaway: int = 0
    duplicate: int = 0
    errors: int = 0
    violations: list[Violation] = field(default_factory=list)
    circuit_breaker: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 1
    transcripts: dict[int, list[Turn]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing was wrong."""
        return not self.violations and not self.circuit_breaker

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        lat = sorted(self.latencies)

        def pct(q: float) -> float | None:
            if not lat:
                return None
            return round(1000 * lat[min(len(lat) - 1, max(0, round(q * len(lat)) - 1))], 1)

        return {
            "seed": self.seed,
            "conversations": self.conversations,
            "turns": self.turns,
            "workers": self.workers,
            "silent_turns": self.silent,
            "runaway_turns": self.runaway,
            "duplicate_turns": self.duplicate,
            "request_errors": self.errors,
            "circuit_breaker_trips": len(self.circuit_breaker),
            "seconds": round(self.seconds, 1),
            "turn_ms_p50": pct(0.5),
            "turn_ms_p95": pct(0.95),
            "turn_ms_mean": round(1000 * statistics.mean(lat), 1) if lat else None,
            "violations": [str(v) for v in self.violations[:200]],
            "circuit_breaker_lines": self.circuit_breaker[:50],
        }


def _one(
    send: Send, seed: int, index: int, run_id: str
) -> tuple[list[Turn], list[Violation], list[float], int]:
    sender = f"fuzz-{run_id}-{seed}-{index}"
    turns: list[Turn] = []
    problems: list[Violation] = []
    seconds: list[float] = []
    errors = 0
    for n, text in enumerate(walk(seed, index), 1):
        started = time.perf_counter()
        try:
            messages = send(sender, text)
        except Exception as exc:  # noqa: BLE001 - a failed request is a silent turn
            errors += 1
            messages = []
            problems.append(Violation(seed, index, n, sender, text, f"request failed: {exc!r}"))
        seconds.append(time.perf_counter() - started)
        turn = Turn(text, list(messages), text.startswith("/"))
        turns.append(turn)
        for problem in turn_basics(turn, n):
            problems.append(Violation(seed, index, n, sender, text, problem.split(": ", 1)[1]))
    return turns, problems, seconds, errors


def run_fuzz(
    send: Send,
    seed: int,
    conversations: int,
    *,
    workers: int = 4,
    log_path: Path | None = None,
    only: Sequence[int] | None = None,
    keep_transcripts: bool = False,
) -> FuzzResult:
    """Run ``conversations`` walks of ``seed`` against ``send`` with ``workers`` threads.

    Args:
        send: One REST turn: ``send(sender, text) -> bot messages``.
        seed: The run's seed.
        conversations: How many walks (indexes ``0 .. conversations - 1``).
        workers: Conversations in flight at once (each conversation's turns stay in order).
        log_path: Rasa's log file; lines written during the run are scanned for the
            circuit breaker.
        only: Run just these walk indexes (to reproduce a failure).
        keep_transcripts: Keep the transcripts of walks that failed.
    """
    indexes = list(only) if only is not None else list(range(conversations))
    offset = log_path.stat().st_size if log_path and log_path.exists() else 0
    run_id = uuid.uuid4().hex[:6]
    result = FuzzResult(seed, len(indexes), workers=workers)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {i: pool.submit(_one, send, seed, i, run_id) for i in indexes}
        for i, future in futures.items():
            turns, problems, seconds, errors = future.result()
            result.turns += len(turns)
            result.latencies.extend(seconds)
            result.errors += errors
            result.violations.extend(problems)
            result.silent += sum(1 for t in turns if not t.bot)
            result.runaway += sum(1 for t in turns if len(t.bot) > 6)
            result.duplicate += sum(1 for t in turns if no_duplicate_in_turn([t]))
            if problems and keep_transcripts:
                result.transcripts[i] = turns
    result.seconds = time.perf_counter() - started
    if log_path and log_path.exists():
        time.sleep(0.5)  # let the last log lines reach the file
        with log_path.open("rb") as log:
            log.seek(offset)
            new = log.read().decode("utf-8", errors="replace")
        result.circuit_breaker = [
            line for line in circuit_breaker_lines(new) if f"fuzz-{run_id}-" in line
        ]
    return result


def format_result(result: FuzzResult, limit: int = 15) -> str:
    """A readable account of a failed run: counts, then the first violations."""
    d = result.as_dict()
    lines = [
        f"fuzz seed {result.seed}: {result.conversations} conversations, {result.turns} turns, "
        f"{d['silent_turns']} silent, {d['runaway_turns']} runaway (> 6 messages), "
        f"{d['duplicate_turns']} with a duplicate message, {d['request_errors']} request errors, "
        f"{d['circuit_breaker_trips']} circuit-breaker trips"
    ]
    lines += [f"  - {v}" for v in result.violations[:limit]]
    if len(result.violations) > limit:
        lines.append(f"  ... and {len(result.violations) - limit} more")
    lines += [f"  log: {line.strip()}" for line in result.circuit_breaker[:5]]
    for i, turns in list(result.transcripts.items())[:2]:
        lines.append(f"  walk {i}:")
        for n, t in enumerate(turns, 1):
            user = t.user if len(t.user) <= 80 else t.user[:79] + "…"
            texts = [str(m.get("text") or m)[:70].replace("\n", " ") for m in t.bot]
            lines.append(f"    [{n}] {user!r} -> {len(t.bot)} msg: {texts}")
    return "\n".join(lines)
