"""Unit tests of the conversation fuzzer (devtools/dialogue/fuzz.py) against fake bots, offline.

The fuzzer itself is run against the real stack by tests/conversations/test_fuzz.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from devtools.dialogue.fuzz import (
    MAX_TURNS,
    MIN_TURNS,
    POOL,
    WEIGHTS,
    format_result,
    run_fuzz,
    walk,
)

TRIP = "WARNING rasa.core.processor - Circuit breaker tripped. Stopped predicting more actions"


def polite(sender: str, text: str) -> list[dict]:
    return [{"recipient_id": sender, "text": f"reply to {len(text)} characters"}]


def walk_lengths(seed: int, walks: int) -> int:
    return sum(len(walk(seed, i)) for i in range(walks))


def test_a_walk_depends_only_on_seed_and_index():
    assert walk(7, 3) == walk(7, 3)
    assert walk(7, 3) != walk(7, 4)
    assert walk(7, 3) != walk(8, 3)


def test_a_walk_has_15_to_25_turns_drawn_from_the_pool():
    every_message = {m for messages in POOL.values() for m in messages}
    for index in range(30):
        turns = walk(1, index)
        assert MIN_TURNS <= len(turns) <= MAX_TURNS
        assert set(turns) <= every_message
    assert set(WEIGHTS) <= set(POOL)


def test_a_bot_that_always_answers_once_passes():
    result = run_fuzz(polite, seed=3, conversations=4, workers=2)
    assert result.ok and result.violations == []
    assert result.turns == walk_lengths(3, 4)
    assert result.silent == result.runaway == result.duplicate == result.errors == 0
    assert len(result.latencies) == result.turns


def test_silent_turns_are_violations_that_say_how_to_reproduce_them():
    silent_on = walk(5, 1)[0]

    def sometimes_silent(sender: str, text: str) -> list[dict]:
        return [] if text == silent_on else polite(sender, text)

    result = run_fuzz(sometimes_silent, seed=5, conversations=2, workers=1)
    assert not result.ok
    assert result.silent == sum(t == silent_on for i in range(2) for t in walk(5, i))
    first = next(v for v in result.violations if v.walk == 1)
    assert (first.seed, first.walk, first.turn) == (5, 1, 1)
    assert str(first).startswith("seed 5 walk 1 turn 1")
    assert "no reply" in first.problem


def test_runaway_duplicate_and_failed_turns_are_counted():
    def seven_times_the_same(sender: str, text: str) -> list[dict]:
        return [{"recipient_id": sender, "text": "Maaf"}] * 7

    result = run_fuzz(seven_times_the_same, seed=2, conversations=1, workers=1)
    assert result.runaway == result.duplicate == result.turns

    def down(sender: str, text: str) -> list[dict]:
        raise ConnectionError("refused")

    result = run_fuzz(down, seed=2, conversations=1, workers=1)
    assert result.errors == result.silent == result.turns
    assert any("request failed" in v.problem for v in result.violations)


def test_only_runs_the_walks_named_and_keeps_the_transcripts_of_failures():
    def silent_in_walk_4(sender: str, text: str) -> list[dict]:
        return [] if sender.endswith("-4") else polite(sender, text)

    result = run_fuzz(
        silent_in_walk_4, seed=9, conversations=10, workers=2, only=[2, 4], keep_transcripts=True
    )
    assert result.conversations == 2
    assert result.turns == len(walk(9, 2)) + len(walk(9, 4))
    assert list(result.transcripts) == [4]
    assert [t.user for t in result.transcripts[4]] == walk(9, 4)


def test_circuit_breaker_lines_of_this_run_only(tmp_path: Path):
    log = tmp_path / "rasa.log"
    log.write_text(f"{TRIP} for sender 'fuzz-old-9-0'.\n")  # before the run: ignored

    def tripping(sender: str, text: str) -> list[dict]:
        with log.open("a") as handle:
            handle.write(f"{TRIP} for sender '{sender}'.\n")
            handle.write(f"{TRIP} for sender 'someone-else'.\n")
        return polite(sender, text)

    result = run_fuzz(tripping, seed=9, conversations=1, workers=1, log_path=log, only=[0])
    assert not result.ok
    assert len(result.circuit_breaker) == len(walk(9, 0))
    assert all("fuzz-old" not in line for line in result.circuit_breaker)
    assert result.as_dict()["circuit_breaker_trips"] == len(walk(9, 0))


def test_format_result_gives_the_counts_then_the_first_violations():
    result = run_fuzz(lambda sender, text: [], seed=4, conversations=1, workers=1)
    shown = format_result(result, limit=3)
    lines = shown.splitlines()
    assert f"{result.turns} turns, {result.turns} silent" in lines[0]
    assert lines[1:4] == [f"  - {v}" for v in result.violations[:3]]
    assert lines[4] == f"  ... and {len(result.violations) - 3} more"


def test_as_dict_is_json_ready():
    data = run_fuzz(polite, seed=1, conversations=1, workers=1).as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["turn_ms_p50"] is not None and data["turn_ms_p50"] <= data["turn_ms_p95"]
