"""Conversation fuzzing against the running stack (see :mod:`devtools.dialogue.fuzz`).

The size fits ``make test``: ``LENTERA_FUZZ_CONVERSATIONS`` walks (default below) of 15-25
turns with 4 conversations in flight; ``python -m bench.fuzz`` runs the large version.
``LENTERA_FUZZ_SEED`` changes the seed (default fixed, so a run is reproducible).

Why 40 and not 300: measured on this 2-core machine, one Rasa server answers about 5 REST
turns per second whether 1 or 4 conversations are in flight (p50 200 ms alone, 800 ms with
4 in flight), so 40 walks (about 800 turns) take 160-220 s, while 300 walks (6,000 turns)
take 20-25 min: that size is ``make bench`` (``bench/fuzz.py``). The 4 threads do not add
throughput; they are there so that senders interleave as they do in production.
"""

from __future__ import annotations

import os

import pytest

from devtools.dialogue.fuzz import format_result, run_fuzz
from devtools.dialogue.suite import rasa_log_path

pytestmark = pytest.mark.stack

DEFAULT_CONVERSATIONS = 40
DEFAULT_SEED = 7


def test_random_walks_are_never_silent_never_a_wall_and_never_trip(rasa_stack) -> None:
    conversations = int(os.environ.get("LENTERA_FUZZ_CONVERSATIONS", DEFAULT_CONVERSATIONS))
    seed = int(os.environ.get("LENTERA_FUZZ_SEED", DEFAULT_SEED))
    log = rasa_log_path(rasa_stack)
    assert log is not None, "the stack's Rasa log (rasa.log beside endpoints.yml) is missing"
    result = run_fuzz(
        rasa_stack.rest, seed, conversations, workers=4, log_path=log, keep_transcripts=True
    )
    assert result.turns >= conversations * 15
    if not result.ok:
        pytest.fail("\n" + format_result(result), pytrace=False)
