"""Questions about contacts just shown: WhatsApp instead of calling, 24 hours, "is it right?".

Answered from those entries' own channels only; when they have none of the kind asked for,
the national hotlines that do are given instead.
"""

from __future__ import annotations

from actions.contacts import usable
from bot.texts import text
from knowledge_base.directory import Channel, Directory, Entry, national_hotlines
from knowledge_base.render import render_channels

# Ways to write instead of calling, for a person with no credit or who cannot talk.
WRITTEN = ("whatsapp", "sms", "telegram", "line")


def _written(channel: Channel) -> bool:
    return channel.type in WRITTEN


def _all_day(channel: Channel) -> bool:
    hours = (channel.hours or "").lower()
    return "24" in hours


def followup_text(directory: Directory, shown: list[str], kind: str, lang: str) -> str:
    """The answer to a follow-up question of ``kind`` about the entries ``shown``."""
    entries = [e for e in (directory.get(i) for i in shown) if e is not None]
    hotlines = usable(national_hotlines(directory))
    if kind == "verify":
        dates = [e.last_verified.isoformat() for e in entries]
        header = text("followup_verify", lang).format(date=max(dates) if dates else "-")
        return header + "\n" + "\n\n".join(render(e, lang) for e in hotlines[:2])
    found = blocks_for(entries, kind, lang)
    if found:
        return text(f"followup_{kind}", lang) + "\n" + "\n\n".join(found)
    fallback = blocks_for(hotlines, kind, lang) or [render(e, lang) for e in hotlines[:2]]
    return text(f"followup_no_{kind}", lang) + "\n" + "\n\n".join(fallback)


def blocks_for(entries: list[Entry], kind: str, lang: str) -> list[str]:
    """Each entry with only its channels of ``kind`` (written or 24-hour), rendered."""
    test = _written if kind == "whatsapp" else _all_day
    blocks = []
    for entry in entries:
        channels = [c for c in entry.channels if test(c)]
        if channels:
            blocks.append(render_channels(entry, channels[:2], lang))
    return blocks


def render(entry: Entry, lang: str) -> str:
    """An entry with all its (current) channels."""
    return render_channels(entry, list(entry.channels)[:3], lang)
