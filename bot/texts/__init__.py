"""Every text Lentera sends, in both languages.

``messages.yml`` is the one store for the actions and the connectors; ``answers.yml`` holds
the answers to questions about rights and procedures.

Plain YAML lookups, no Rasa: the action server and the connectors both read them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.languages import DEFAULT_LANGUAGE, known_or_default

MESSAGES_PATH = Path(__file__).with_name("messages.yml")
ANSWERS_PATH = Path(__file__).with_name("answers.yml")


@lru_cache(maxsize=1)
def messages() -> dict[str, Any]:
    """The whole message store (read once)."""
    with MESSAGES_PATH.open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def _variant(entry: dict[str, Any], lang: str | None) -> str:
    return str(entry.get(known_or_default(lang)) or entry[DEFAULT_LANGUAGE])


def text(key: str, lang: str | None) -> str:
    """The text of message ``key`` in ``lang`` (both languages for bilingual messages)."""
    message = messages()[key]
    if message.get("both"):
        first, second = ("en", "id") if lang == "en" else ("id", "en")
        return f"{message[first]}\n\n{message[second]}"
    return _variant(message, lang)


def buttons(key: str, lang: str | None) -> list[dict[str, str]]:
    """Rasa-style buttons of message (or button list) ``key``, titled in ``lang``."""
    entry = messages()[key]
    items = entry if isinstance(entry, list) else entry.get("buttons", [])
    return [{"title": _variant(item, lang), "payload": item["payload"]} for item in items]


def raw(key: str) -> Any:
    """The raw content of ``key`` (for structured entries such as topic labels)."""
    return messages()[key]


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
