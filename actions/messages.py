"""The actions' texts, in both languages, from `content/messages.yml`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk.executor import CollectingDispatcher

MESSAGES_PATH = Path(__file__).parent / "content" / "messages.yml"


@lru_cache(maxsize=1)
def _messages() -> dict[str, Any]:
    with MESSAGES_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def text(key: str, lang: str) -> str:
    """The text of message `key` in `lang` (both languages for bilingual messages)."""
    message = _messages()[key]
    if message.get("both"):
        return (
            f"{message['id']}\n\n{message['en']}"
            if lang == "id"
            else (f"{message['en']}\n\n{message['id']}")
        )
    return str(message["en" if lang == "en" else "id"])


def buttons(key: str, lang: str) -> list[dict[str, str]]:
    """Rasa buttons of message (or button list) `key`, titled in `lang`."""
    entry = _messages()[key]
    items = entry if isinstance(entry, list) else entry.get("buttons", [])
    return [
        {"title": item["en" if lang == "en" else "id"], "payload": item["payload"]}
        for item in items
    ]


def say(dispatcher: CollectingDispatcher, key: str, lang: str) -> None:
    """Send message `key` with its buttons, if any."""
    dispatcher.utter_message(text=text(key, lang), buttons=buttons(key, lang) or None)


def raw(key: str) -> Any:
    """The raw content of ``key`` (for structured entries such as topic labels)."""
    return _messages()[key]
