"""spaCy, imported without torch: Lentera uses only its tokenizer and PhraseMatcher.

thinc, under spaCy, imports torch whenever torch is installed (it is: `make index` embeds the
directory with it). In the Rasa process that cost about 450 MB resident, CUDA libraries
included, for nothing Lentera runs (docs/benchmarks.md, 2026-12-03). So torch is hidden while
spaCy is first imported. A process that has already imported torch keeps it, and torch stays
importable afterwards; only thinc's own torch support is off.
"""

from __future__ import annotations

import sys


def _import_spacy() -> None:
    """Import spaCy and the parts Lentera uses with `import torch` failing, then undo that."""
    hide = "torch" not in sys.modules
    if hide:
        sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` fails
    try:
        import spacy.language
        import spacy.matcher
        import spacy.tokens  # noqa: F401  # loaded now, so the imports below find them
    finally:
        if hide and sys.modules.get("torch", ...) is None:
            del sys.modules["torch"]


_import_spacy()
# What the gazetteer and the tokenizer use. Import them from here, never from spaCy directly,
# so that this module is always the first to import spaCy.
import spacy  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.matcher import PhraseMatcher  # noqa: E402
from spacy.tokens import Doc  # noqa: E402

__all__ = ["Doc", "Language", "PhraseMatcher", "spacy"]
