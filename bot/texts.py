"""The connectors' own short texts, in Indonesian and English.

Everything else the user reads comes from Rasa responses already in their language.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "unsupported": {
        "id": (
            "Maaf, saya belum bisa membaca pesan suara, foto, stiker, atau dokumen. "
            "Silakan ketik pesanmu dengan teks ya."
        ),
        "en": (
            "Sorry, I can't read voice messages, photos, stickers or documents yet. "
            "Please type your message."
        ),
    },
    "choose": {"id": "Pilih salah satu:", "en": "Choose one:"},
    # The last line of defence when a turn produced nothing (bot/channels/guard.py).
    "turn_failed": {
        "id": (
            "Maaf, ada gangguan di sistem saya. Pesan Anda tidak hilang. Kalau darurat, "
            "hubungi polisi setempat atau hotline pemerintah Indonesia ini:"
        ),
        "en": (
            "Sorry, something went wrong on my side. Your message is not lost. In an "
            "emergency, call the local police or these Indonesian government hotlines:"
        ),
    },
    "caseworker_button": {"id": "Bicara dengan petugas", "en": "Talk to a caseworker"},
    "choose_button": {"id": "Pilihan", "en": "Options"},
    "numbered_hint": {
        "id": "Balas dengan angka pilihanmu.",
        "en": "Reply with the number of your choice.",
    },
}

SUPPORTED_LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"


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


def text(key: str, language: str | None) -> str:
    """Return canned text ``key`` in ``language`` (default Indonesian)."""
    variants = TEXTS[key]
    return variants.get(language or DEFAULT_LANGUAGE, variants[DEFAULT_LANGUAGE])


def split_text(body: str, limit: int) -> list[str]:
    """Split ``body`` into chunks of at most ``limit`` characters at natural breaks."""
    chunks: list[str] = []
    rest = body
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut < limit // 2:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not chunks:
        chunks.append(rest)
    return chunks
