"""Which contacts to show, from the referral directory, as chat-ready text.

Plain functions over `knowledge_base` so the actions stay thin and testable.
"""

from __future__ import annotations

import logging
from pathlib import Path

from actions.messages import text
from knowledge_base.directory import (
    DEFAULT_DIR,
    Directory,
    DirectoryError,
    Entry,
    emergency_contacts,
    load_directory,
    mission_contacts,
    national_hotlines,
)
from knowledge_base.render import render_entries, render_entry

MAX_ENTRIES = 3


logger = logging.getLogger(__name__)
DIRECTORY_PATH = DEFAULT_DIR
_last_good: list[Directory] = []


def directory() -> Directory:
    """The referral directory (cached by `knowledge_base`).

    A directory that an edit broke never silences the assistant: the last good copy keeps
    serving, or, after a restart, every file that still loads (the national hotlines live in
    their own file).
    """
    try:
        loaded = load_directory(DIRECTORY_PATH)
    except DirectoryError:
        logger.exception("The referral directory has errors; serving what still loads")
        return _last_good[-1] if _last_good else valid_files_only(DIRECTORY_PATH)
    _last_good[:] = [loaded]
    return loaded


def valid_files_only(path: Path) -> Directory:
    """The entries of every directory file that loads on its own."""
    entries: list[Entry] = []
    for file in sorted(p for p in path.glob("*.yml") if not p.name.startswith("_")):
        try:
            entries.extend(load_directory(file).entries)
        except DirectoryError:
            logger.error("Skipping broken directory file %s", file.name)
    return Directory(entries=tuple(entries), content_hash="partial", path=path)


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
