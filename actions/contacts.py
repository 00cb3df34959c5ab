"""Which contacts to show, from the referral directory, as chat-ready text.

Plain functions over `knowledge_base` so the actions stay thin and testable.
"""

from __future__ import annotations

from actions.messages import text
from knowledge_base.directory import (
    DEFAULT_DIR,
    Directory,
    Entry,
    emergency_contacts,
    mission_contacts,
    national_hotlines,
    safe_directory,
)
from knowledge_base.render import render_entries, render_entry

MAX_ENTRIES = 3
DIRECTORY_PATH = DEFAULT_DIR


def directory() -> Directory:
    """The referral directory; a broken edit never silences the assistant (`safe_directory`)."""
    return safe_directory(DIRECTORY_PATH)


def _usable(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.channels]


def emergency_reply(
    directory: Directory, country: str | None, city: str | None, lang: str
) -> list[str]:
    """Messages for a person in danger: local emergency number, then the mission's hotline.

    With no known country: the national hotlines at once (the question where they are is
    asked by the caller, after these).
    """
    messages: list[str] = []
    local = _usable(emergency_contacts(directory, country)) if country else []
    missions = _usable(mission_contacts(directory, country, city)) if country else []
    if local:
        messages.append(text("emergency_local", lang) + "\n" + render_entry(local[0], lang))
    if missions:
        messages.append(text("emergency_mission", lang) + "\n" + render_entry(missions[0], lang))
    if not local or not missions:
        messages.append(national_reply(directory, lang))
    return messages


def national_reply(directory: Directory, lang: str) -> str:
    """The national hotlines as one message (used whenever nothing local is known)."""
    hotlines = _usable(national_hotlines(directory))[:2]
    # The header and the first hotline stay in one message: channels split on blank lines.
    return (
        text("national_hotlines", lang)
        + "\n"
        + "\n\n".join(render_entry(entry, lang) for entry in hotlines)
    )


def entries_reply(entries: list[Entry], lang: str) -> str:
    """At most three entries as one message."""
    return render_entries(entries, lang, max_entries=MAX_ENTRIES)
