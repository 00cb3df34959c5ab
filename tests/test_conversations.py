"""End-to-end conversation tests: every rule and story, in both languages.

Runs `rasa test` on the test stories against the real action server, failing on any
prediction error (NLU or dialogue).
"""

from __future__ import annotations

import subprocess

import pytest

from bot.stack.paths import BIN, ROOT
from devtools.stack import RasaStack

pytestmark = pytest.mark.stack


@pytest.mark.parametrize("language", ["id", "en"])
def test_conversation_stories_pass(rasa_stack: RasaStack, tmp_path, language: str) -> None:
    stories = ROOT / "tests" / "stories" / f"test_stories_{language}.yml"
    result = subprocess.run(
        [
            str(BIN / "rasa"),
            "test",
            "core",
            "--stories",
            str(stories),
            "--model",
            str(rasa_stack.model),
            "--endpoints",
            str(rasa_stack.endpoints),
            "--out",
            str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT,
        env=dict(rasa_stack.env),
        capture_output=True,
        text=True,
        timeout=900,
    )
    failed = tmp_path / "failed_test_stories.yml"
    detail = (
        failed.read_text() if failed.exists() else result.stdout[-3000:] + result.stderr[-3000:]
    )
    assert result.returncode == 0, detail
