"""Plain-text rendering of directory entries for a chat message (Telegram, WhatsApp, web).

One entry becomes a few short lines: the name, what they do, up to ``max_channels`` ways
to reach them with tap-to-call ``tel:`` and ``https://wa.me/`` links where the channel
allows, hours, languages, and a "please verify" note when a shown channel is only weakly
sourced (``low`` confidence). Both languages of the bot are supported. A message of
several entries can start with a neutral header, so that what a lock-screen notification
shows is never an entry's name ("... Police", "... Shelter").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from knowledge_base.directory import Channel, Entry

_LOCAL_DIAL_RE = re.compile(r"^[0-9#*][0-9 #*\-]{1,20}$")
_DIGITS_RE = re.compile(r"[0-9]")

LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "id": {"id": "Indonesia", "en": "Indonesian"},
    "en": {"id": "Inggris", "en": "English"},
    "ms": {"id": "Melayu", "en": "Malay"},
    "zh": {"id": "Mandarin/Kanton", "en": "Chinese"},
    "ar": {"id": "Arab", "en": "Arabic"},
    "vi": {"id": "Vietnam", "en": "Vietnamese"},
    "th": {"id": "Thai", "en": "Thai"},
    "tl": {"id": "Tagalog", "en": "Tagalog"},
    "ja": {"id": "Jepang", "en": "Japanese"},
    "ko": {"id": "Korea", "en": "Korean"},
    "km": {"id": "Khmer", "en": "Khmer"},
    "ne": {"id": "Nepal", "en": "Nepali"},
    "ta": {"id": "Tamil", "en": "Tamil"},
    "hi": {"id": "Hindi", "en": "Hindi"},
    "pa": {"id": "Punjabi", "en": "Punjabi"},
    "ur": {"id": "Urdu", "en": "Urdu"},
}

_LABELS: dict[str, dict[str, str]] = {
    "phone": {"id": "Telepon", "en": "Phone"},
    "whatsapp": {"id": "WhatsApp", "en": "WhatsApp"},
    "phone+whatsapp": {"id": "Telepon/WhatsApp", "en": "Phone/WhatsApp"},
    "sms": {"id": "SMS", "en": "SMS"},
    "email": {"id": "Email", "en": "Email"},
    "web": {"id": "Situs", "en": "Website"},
    "app": {"id": "Aplikasi", "en": "App"},
    "telegram": {"id": "Telegram", "en": "Telegram"},
    "line": {"id": "LINE", "en": "LINE"},
    "address": {"id": "Alamat", "en": "Address"},
}

_TEXT: dict[str, dict[str, str]] = {
    # The neutral first line of a message of entries: an entry's name ("... Police", "...
    # Shelter") must not be what a lock-screen notification shows (bot/privacy/previews.py).
    "contacts": {"id": "Kontak yang bisa dihubungi:", "en": "Contacts you can reach:"},
    "languages": {"id": "Bahasa", "en": "Languages"},
    "hours": {"id": "Jam", "en": "Hours"},
    "verify": {
        "id": "⚠️ Mohon cek ulang nomor bertanda (!): sumbernya belum pasti.",
        "en": "⚠️ Please verify the contact marked (!): its source is not confirmed.",
    },
    "verify_all": {
        "id": "⚠️ Mohon cek ulang: kontak ini belum terverifikasi.",
        "en": "⚠️ Please verify: these contacts are not confirmed.",
    },
}


def tel_link(channel: Channel) -> str | None:
    """Return a ``tel:`` link for a phone/SMS/WhatsApp channel, if it can be dialled.

    International numbers use their E.164 form; local short codes and toll-free numbers
    written only with digits (``999``, ``1800 339 5505``, ``#8008``) use the local digits.
    """
    if channel.type not in ("phone", "whatsapp", "sms"):
        return None
    if channel.e164:
        return f"tel:{channel.e164}"
    value = channel.value.strip()
    if _LOCAL_DIAL_RE.match(value):
        digits = re.sub(r"[ \-]", "", value).replace("#", "%23")
        return f"tel:{digits}"
    return None


def wa_link(channel: Channel) -> str | None:
    """Return the ``https://wa.me/<digits>`` link of a WhatsApp channel."""
    if channel.type != "whatsapp" or not channel.e164:
        return None
    return "https://wa.me/" + channel.e164.lstrip("+")


def _ordered_channels(channels: Iterable[Channel]) -> list[Channel]:
    """Keep the curated order, but never show a low-confidence channel before a better one."""
    chans = list(channels)
    return [c for c in chans if c.confidence != "low"] + [c for c in chans if c.confidence == "low"]


def _group(channels: Sequence[Channel]) -> list[tuple[str, list[Channel]]]:
    """Merge a phone and a WhatsApp channel with the same number into one line."""
    groups: list[tuple[str, list[Channel]]] = []
    by_number: dict[str, int] = {}
    for ch in channels:
        if ch.type in ("phone", "whatsapp") and ch.e164 and ch.e164 in by_number:
            idx = by_number[ch.e164]
            kind, members = groups[idx]
            if {m.type for m in members} | {ch.type} == {"phone", "whatsapp"}:
                groups[idx] = ("phone+whatsapp", members + [ch])
                continue
        if ch.type in ("phone", "whatsapp") and ch.e164:
            by_number[ch.e164] = len(groups)
        groups.append((ch.type, [ch]))
    return groups


def _channel_line(kind: str, members: list[Channel], lang: str) -> str:
    first = members[0]
    label = _LABELS.get(kind, _LABELS.get(first.type, {"id": first.type, "en": first.type}))[lang]
    parts = [f"{label}: {first.value}"]
    links = []
    for ch in members:
        link = wa_link(ch) if ch.type == "whatsapp" else tel_link(ch)
        if link and link not in links:
            links.append(link)
    if links:
        parts.append(" ".join(links))
    line = " ".join(parts)
    extras = []
    hours = next((m.hours for m in members if m.hours), None)
    if hours:
        extras.append(f"{_TEXT['hours'][lang]}: {hours}")
    note = first.note_in(lang)
    if note and not _DIGITS_RE.search(note):
        # A note with digits is for maintainers (old or alternative numbers): a frightened
        # person dials whatever number they see, so only the channel's own value is shown.
        extras.append(note)
    if extras:
        line += " (" + "; ".join(extras) + ")"
    if any(m.confidence == "low" for m in members):
        line += " (!)"
    return "- " + line


def render_channels(entry: Entry, channels: Sequence[Channel], lang: str) -> str:
    """The entry's name and only the given channels (for "which one has WhatsApp?")."""
    lang = lang if lang in ("id", "en") else "en"
    lines = [entry.name_in(lang)]
    lines += [_channel_line(kind, members, lang) for kind, members in _group(list(channels))]
    return "\n".join(lines)


def language_list(codes: Iterable[str], lang: str) -> str:
    """Name languages by ISO 639-1 code in ``lang`` (unknown codes shown as is)."""
    return ", ".join(LANGUAGE_NAMES.get(c, {}).get(lang, c) for c in codes)


def render_entry(entry: Entry, lang: str, *, max_channels: int = 3) -> str:
    """Render one entry as short plain text for a chat message.

    Args:
        entry: The directory entry.
        lang: ``"id"`` or ``"en"`` (anything else falls back to ``"en"``).
        max_channels: How many contact lines to show at most.

    Returns:
        The text: name, one-line description, contact lines with ``tel:``/``wa.me``
        links, languages, and a verify note when a shown channel has low confidence.
    """
    lang = lang if lang in ("id", "en") else "en"
    lines = [entry.name_in(lang), entry.description_in(lang)]
    shown = _group(_ordered_channels(entry.channels))[: max(0, max_channels)]
    for kind, members in shown:
        lines.append(_channel_line(kind, members, lang))
    if entry.languages:
        lines.append(f"{_TEXT['languages'][lang]}: {language_list(entry.languages, lang)}")
    low_shown = [m for _, members in shown for m in members if m.confidence == "low"]
    if low_shown:
        all_low = len(low_shown) == sum(len(m) for _, m in shown)
        lines.append(_TEXT["verify_all" if all_low else "verify"][lang])
    return "\n".join(lines)


def render_entries(
    entries: Sequence[Entry], lang: str, *, max_entries: int = 3, headed: bool = False
) -> str:
    """Render up to ``max_entries`` entries separated by blank lines.

    With ``headed``, a neutral header (:func:`contacts_header`) comes first, as a block of
    its own, so the message's first line is never an entry's name.
    """
    blocks = [render_entry(e, lang) for e in list(entries)[:max_entries]]
    if headed and blocks:
        blocks.insert(0, contacts_header(lang))
    return "\n\n".join(blocks)


def contacts_header(lang: str) -> str:
    """A neutral first line for a message of contacts ("Contacts you can reach:")."""
    return _TEXT["contacts"][lang if lang in ("id", "en") else "en"]
