"""The languages Lentera speaks, and the one default. Every module asks here."""

from __future__ import annotations

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"


def known_or_default(code: object) -> str:
    """``code`` when it is a language Lentera speaks, else the default."""
    return code if isinstance(code, str) and code in LANGUAGES else DEFAULT_LANGUAGE


def normalise_language(code: str | None) -> str | None:
    """Map a platform language code (``en-US``, ``id``, ``ms``) to ``id``/``en`` or None."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    if base in ("id", "in", "ms", "jv", "su"):
        return "id"
    if base == "en":
        return "en"
    return None
