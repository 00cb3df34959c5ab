"""Short answers about rights and safe migration, with the authority to contact."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from actions.contacts import entries_reply, missions_near
from bot.texts import ANSWERS_PATH
from knowledge_base.directory import Directory


@lru_cache(maxsize=1)
def _answers() -> dict[str, Any]:
    with ANSWERS_PATH.open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def answer(
    topic: str, country: str | None, lang: str, directory: Directory, city: str | None = None
) -> list[str]:
    """The answer text for a topic and country, then the contacts to ask, as messages.

    The mission is the one serving the person's city (KJRI Penang in Penang, not KL's).
    """
    by_country = _answers()[topic]
    item = by_country.get(country or "", by_country["default"])
    entries = [directory.get(entry_id) for entry_id in item.get("contacts", [])]
    contacts = [entry for entry in entries if entry is not None]
    if item.get("mission") and country:
        contacts += missions_near(directory, country, city)[:1]
    messages = [item[lang]]
    if contacts:
        messages.append(entries_reply(contacts, lang))
    return messages
