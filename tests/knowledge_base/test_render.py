"""Rendering entries for chat messages."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from knowledge_base.directory import load_directory
from knowledge_base.render import (
    contacts_header,
    render_entries,
    render_entry,
    tel_link,
    wa_link,
)
from tests.knowledge_base.conftest import channel, entry


def render_one(make_directory: Callable[..., Path], raw: dict, lang: str, **kw: int) -> str:
    d = load_directory(make_directory([raw]))
    return render_entry(d.entries[0], lang, **kw)


def test_phone_gets_tel_link_and_whatsapp_gets_wa_me(make_directory: Callable[..., Path]) -> None:
    raw = entry(
        channels=[
            channel(),
            channel(type="whatsapp", value="+62 811-8080-141", e164="+628118080141"),
        ]
    )
    text = render_one(make_directory, raw, "en")
    assert "tel:+60123456789" in text
    assert "https://wa.me/628118080141" in text
    assert text.splitlines()[0] == "Name test-entry"
    assert "Free legal aid." in text


def test_same_number_phone_and_whatsapp_share_a_line(make_directory: Callable[..., Path]) -> None:
    raw = entry(channels=[channel(), channel(type="whatsapp")])
    text = render_one(make_directory, raw, "id")
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(lines) == 1 and "Telepon/WhatsApp" in lines[0]
    assert "tel:+60123456789" in lines[0] and "https://wa.me/60123456789" in lines[0]


def test_short_codes_dial_locally(make_directory: Callable[..., Path]) -> None:
    d = load_directory(
        make_directory(
            [entry(channels=[channel(value="999", e164=None), channel(value="#8008", e164=None)])]
        )
    )
    links = [tel_link(c) for c in d.entries[0].channels]
    assert links == ["tel:999", "tel:%238008"]
    assert wa_link(d.entries[0].channels[0]) is None


def test_low_confidence_channel_gets_verify_note_and_goes_last(
    make_directory: Callable[..., Path],
) -> None:
    raw = entry(
        confidence="medium",
        channels=[
            channel(value="+60 11-111 1111", e164="+60111111111", confidence="low"),
            channel(value="+60 12-222 2222", e164="+60122222222", confidence="medium"),
        ],
    )
    text_id = render_one(make_directory, raw, "id")
    lines = [line for line in text_id.splitlines() if line.startswith("- ")]
    assert "+60122222222" in lines[0] and "(!)" in lines[1]
    assert "Mohon cek ulang" in text_id
    assert "Please verify" in render_one(make_directory, raw, "en")


def test_no_verify_note_without_low_channels(make_directory: Callable[..., Path]) -> None:
    text = render_one(make_directory, entry(), "en")
    assert "verify" not in text.lower()


def test_max_channels_and_hours_and_languages(make_directory: Callable[..., Path]) -> None:
    chans = [
        channel(value=f"+60 12-000 000{i}", e164=f"+6012000000{i}", hours="24/7") for i in range(5)
    ]
    text = render_one(
        make_directory, entry(channels=chans, languages=["id", "en"]), "en", max_channels=2
    )
    assert sum(1 for line in text.splitlines() if line.startswith("- ")) == 2
    assert "Hours: 24/7" in text
    assert "Languages: Indonesian, English" in text


def test_channel_labels_shown_operator_notes_never(make_directory: Callable[..., Path]) -> None:
    raw = entry(
        notes={"id": "Hotline lama +852 6894 2799 tidak dipakai.", "en": "Old +852 6894 2799."},
        channels=[
            channel(note={"id": "Hotline konsuler", "en": "Consular hotline"}),
            channel(
                value="+60 3-2116 4000",
                e164="+60321164000",
                note={"id": "juga 2116 4017", "en": "also 2116 4017"},
            ),
        ],
    )
    assert "Hotline konsuler" in render_one(make_directory, raw, "id")
    assert "Consular hotline" in render_one(make_directory, raw, "en")
    for lang in ("id", "en", "xx"):
        shown = render_one(make_directory, raw, lang)
        assert "6894" not in shown and "4017" not in shown


def test_render_shipped_entries() -> None:
    d = load_directory()
    text = render_entries([d.get("kbri-riyadh"), d.get("kjri-jeddah")], "id")
    assert "tel:+966569173990" in text and "tel:+966503609667" in text
    sapa = render_entry(d.get("sapa-129"), "en")
    assert "https://wa.me/628111129129" in sapa


def test_a_headed_message_of_entries_starts_with_the_neutral_header_block() -> None:
    d = load_directory()
    police = [d.get("hk-police"), d.get("kjri-hong-kong")]
    for lang in ("id", "en"):
        text = render_entries(police, lang, headed=True)
        header, first, second = text.split("\n\n")
        assert header == contacts_header(lang)
        assert (first, second) == (render_entry(police[0], lang), render_entry(police[1], lang))
    assert render_entries([], "id", headed=True) == ""  # no header without entries


DIGIT_RUN = re.compile(r"\+?\d[\d\s().\-/]*\d|\d")


def _allowed_digits(entry) -> set[str]:
    """Digit strings an entry may show: its channels' values and E.164 forms, its hours."""
    allowed = set()
    for ch in entry.channels:
        for value in (ch.value, ch.e164 or "", ch.hours or ""):
            allowed.update(re.sub(r"\D", "", m) for m in DIGIT_RUN.findall(value))
            allowed.add(re.sub(r"\D", "", value))
    return allowed


def test_every_rendered_entry_shows_only_its_current_channels() -> None:
    """Scan every entry of every country in both languages for digits that are not a channel."""
    d = load_directory()
    for e in d.entries:
        allowed = _allowed_digits(e)
        texts = [e.name_in(lang) + "\n" + e.description_in(lang) for lang in ("id", "en")]
        for lang in ("id", "en"):
            body = render_entry(e, lang)
            for line in body.splitlines()[2:]:  # name and description are prose
                for run in DIGIT_RUN.findall(line.replace("%23", "#")):
                    digits = re.sub(r"\D", "", run)
                    ok = any(digits in a for a in allowed) or any(run in t for t in texts)
                    assert ok, f"{e.id} ({lang}) shows {run!r}, not a current channel: {line}"
