"""Which contacts to show, from the referral directory, as chat-ready text.

Plain functions over `knowledge_base` so the actions stay thin and testable. Only an entry's
current channels are rendered (`knowledge_base.render`); notes for maintainers never are.
"""

from __future__ import annotations

from bot.places import places
from bot.texts import text
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


def usable(entries: list[Entry]) -> list[Entry]:
    """Entries that have a channel to show."""
    return [entry for entry in entries if entry.channels]


def area_of(city: str | None) -> str | None:
    """The mission area a known city lies in (Lahad Datu -> Tawau), if the gazetteer says."""
    known = places().city(city)
    return known.area if known else None


def missions_near(directory: Directory, country: str, city: str | None) -> list[Entry]:
    """Indonesia's missions in ``country``: the one covering the city first, then the capital's."""
    return usable(mission_contacts(directory, country, city, area_of(city)))


def has_local_contacts(directory: Directory, country: str | None) -> bool:
    """True when the directory lists an entry of its own for ``country``."""
    return bool(country) and bool(usable(directory.by_country(str(country))))


def no_local_reply(directory: Directory, country: str, lang: str) -> str:
    """Says plainly that nothing local is known, with the national hotlines in one message."""
    header = text("no_local_contacts", lang).format(country=places().country_name(country, lang))
    return header + "\n" + hotlines_text(directory, lang)


def emergency_reply(
    directory: Directory, country: str | None, city: str | None, lang: str
) -> list[str]:
    """Messages for a person in danger: local emergency number, then the mission's hotline.

    With no known country: the national hotlines at once (the question where they are is
    asked by the caller, after these). A country with no entry of its own says so plainly.
    """
    if country and not has_local_contacts(directory, country):
        return [no_local_reply(directory, country, lang)]
    local, mission, national = _emergency_choice(directory, country, city)
    messages: list[str] = []
    if local:
        messages.append(text("emergency_local", lang) + "\n" + render_entry(local, lang))
    if mission:
        messages.append(text("emergency_mission", lang) + "\n" + render_entry(mission, lang))
    if national:
        messages.append(national_reply(directory, lang))
    return messages


def emergency_shown(directory: Directory, country: str | None, city: str | None) -> list[Entry]:
    """The entries :func:`emergency_reply` shows, for follow-ups ("ada nmr wa?")."""
    local, mission, national = _emergency_choice(directory, country, city)
    return [entry for entry in (local, mission) if entry] + national


def _emergency_choice(
    directory: Directory, country: str | None, city: str | None
) -> tuple[Entry | None, Entry | None, list[Entry]]:
    """The local emergency number, the nearest mission and the national hotlines to add.

    A country without entries of its own gets neither of the first two; the national
    hotlines come whenever one of them is missing.
    """
    local: Entry | None = None
    mission: Entry | None = None
    if country and has_local_contacts(directory, country):
        local = next(iter(usable(emergency_contacts(directory, country))), None)
        mission = next(iter(missions_near(directory, country, city)), None)
    national = [] if local and mission else usable(national_hotlines(directory))[:2]
    return local, mission, national


def hotlines_text(directory: Directory, lang: str) -> str:
    """The two national hotlines, rendered."""
    hotlines = usable(national_hotlines(directory))[:2]
    return "\n\n".join(render_entry(entry, lang) for entry in hotlines)


def national_reply(directory: Directory, lang: str) -> str:
    """The national hotlines as one message (used whenever nothing local is known)."""
    # The header and the first hotline stay in one message: channels split on blank lines.
    return text("national_hotlines", lang) + "\n" + hotlines_text(directory, lang)


def entries_reply(entries: list[Entry], lang: str) -> str:
    """At most three entries as one message, after a neutral header.

    The header is the message's first line, what a notification shows: never an entry's
    name such as "Polisi Hong Kong" (bot/privacy/previews.py). It is a block of its own, so
    `actions.flow.Reply` still recognises each entry already shown in the turn.
    """
    return render_entries(entries, lang, max_entries=MAX_ENTRIES, headed=True)
