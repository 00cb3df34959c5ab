"""The held-out NLU sets, never trained on: one list for the gates and the pipeline bench.

`tests/test_nlu_gates.py` gates on them and `bench.nlu_pipelines` scores variants on them
(bench code may not import `tests`, so the list lives here).
"""

from __future__ import annotations

from pathlib import Path

from bot.stack.paths import ROOT

NLU_TESTS = ROOT / "tests" / "nlu"
# Set name: (file pattern, languages it has).
SETS = {
    "split": ("test_nlu_{language}.yml", ("id", "en")),
    # Real-looking messages by someone who had not seen the training data.
    "realistic": ("realistic/realistic_{language}.yml", ("id", "en")),
    # A second English set, written blind on 2026-12-03 (tests/nlu/realistic/README.md).
    "realistic_b": ("realistic/realistic_{language}_b.yml", ("en",)),
}


def held_out_files() -> dict[tuple[str, str], Path]:
    """(set, language): the file of that held-out set."""
    return {
        (name, language): NLU_TESTS / pattern.format(language=language)
        for name, (pattern, languages) in SETS.items()
        for language in languages
    }
