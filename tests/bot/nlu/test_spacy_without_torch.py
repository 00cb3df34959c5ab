"""spaCy imported with torch hidden: no torch loaded for it, torch still importable after."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def _run(code: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_gazetteer_works_without_loading_torch_and_torch_stays_importable() -> None:
    result = _run(
        "import json, sys\n"
        "from bot.nlu.gazetteer import gazetteer\n"
        "found = [m.value for m in gazetteer().find('sy di kuala lumpur, malaysia')]\n"
        "loaded = 'torch' in sys.modules\n"
        "import torch\n"
        "ok = bool(torch.__version__)\n"
        "print(json.dumps({'found': found, 'torch_loaded': loaded, 'importable': ok}))\n"
    )
    assert result == {"found": ["Kuala Lumpur", "MY"], "torch_loaded": False, "importable": True}


def test_a_process_that_already_has_torch_keeps_it() -> None:
    result = _run(
        "import json, sys\n"
        "import torch\n"
        "from bot.nlu.spacy_without_torch import PhraseMatcher\n"
        "import thinc.compat\n"
        "same = sys.modules['torch'] is torch\n"
        "print(json.dumps({'same': same, 'thinc': thinc.compat.has_torch}))\n"
    )
    assert result == {"same": True, "thinc": True}
