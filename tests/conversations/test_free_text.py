"""The scripted conversations, typed as people type, through the running stack's REST channel.

Every script of ``scripts/*.yml`` runs as a fresh sender; every property of
:mod:`devtools.dialogue.properties` is asserted, plus "the circuit breaker never tripped
for this sender" from the Rasa log. A failure shows the whole transcript. After the module,
the share of conversations meeting every property is written to
``var/bench/conversations.json`` (and ``.md``) for docs/benchmarks.md, and every transcript to
``var/bench/conversations-transcripts.txt`` (and ``.json``, to judge again offline).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator

import pytest

from bot.stack.paths import VAR
from devtools.dialogue.properties import DirectoryFacts, directory_facts
from devtools.dialogue.suite import (
    Outcome,
    circuit_breaker_lines,
    format_transcript,
    judge,
    load_scripts,
    rasa_log_path,
    run_script,
    summary,
    summary_markdown,
)

pytestmark = pytest.mark.stack

SCRIPTS = load_scripts()
OUTCOMES: dict[str, Outcome] = {}
SUMMARY_JSON = VAR / "bench" / "conversations.json"
# Conversations known to be wrong (docs/benchmarks.md says what each does), name ->
# (property, reason). They may only miss the place or channel property named here; silence,
# repeats, walls, unknown numbers or a missed emergency still fail them. None on 2026-12-03.
KNOWN_FAILURES: dict[str, tuple[str, str]] = {}


@pytest.fixture(scope="module")
def facts() -> DirectoryFacts:
    return directory_facts()


@pytest.fixture(scope="module", autouse=True)
def _write_summary() -> Iterator[None]:
    OUTCOMES.clear()
    yield
    if not OUTCOMES:
        return
    outcomes = [OUTCOMES[s.name] for s in SCRIPTS if s.name in OUTCOMES]
    result = summary(outcomes)
    result["date"] = dt.date.today().isoformat()
    result["complete"] = len(outcomes) == len(SCRIPTS)
    SUMMARY_JSON.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY_JSON.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    SUMMARY_JSON.with_suffix(".md").write_text(summary_markdown(result, result["date"]) + "\n")
    transcripts = "\n\n".join(format_transcript(o) for o in outcomes)
    (SUMMARY_JSON.parent / "conversations-transcripts.txt").write_text(transcripts + "\n")
    raw = [
        {"name": o.script.name, "sender": o.sender, "turns": [vars(t) for t in o.turns]}
        for o in outcomes
    ]
    (SUMMARY_JSON.parent / "conversations-transcripts.json").write_text(
        json.dumps(raw, ensure_ascii=False, indent=1)
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_conversation_meets_every_property(rasa_stack, facts, script) -> None:
    outcome = run_script(script, rasa_stack.rest)
    outcome.violations = judge(outcome, facts)
    log = rasa_log_path(rasa_stack)
    if log is not None:
        time.sleep(0.2)  # the last turn's log lines
        trips = circuit_breaker_lines(log.read_text(errors="replace"), outcome.sender)
        outcome.violations += [f"no_circuit_breaker: {line.strip()}" for line in trips]
    else:
        outcome.notes.append("Rasa log not found: circuit breaker not checked")
    OUTCOMES[script.name] = outcome
    if not outcome.ok:
        known = KNOWN_FAILURES.get(script.name)
        if known and all(v.startswith(known[0]) for v in outcome.violations):
            pytest.xfail(f"known: {known[1]}")
        pytest.fail("\n" + format_transcript(outcome), pytrace=False)
