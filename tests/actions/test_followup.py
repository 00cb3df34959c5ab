"""Follow-up questions about the contacts just shown, answered from those entries' channels.

Names and numbers are read from the referral directory at test time.
"""

from __future__ import annotations

import re

import pytest

from actions.contacts import directory, usable
from actions.followup import WRITTEN, followup_text
from bot.texts import text
from knowledge_base.directory import Channel, Entry, national_hotlines


def digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def entry(entry_id: str) -> Entry:
    found = directory().get(entry_id)
    assert found is not None, f"{entry_id} is no longer in the directory"
    return found


def number(channel: Channel) -> str:
    return digits(channel.e164 or channel.value)


def written(e: Entry) -> list[Channel]:
    return [c for c in e.channels if c.type in WRITTEN]


def all_day(e: Entry) -> list[Channel]:
    return [c for c in e.channels if "24" in (c.hours or "")]


def hotlines() -> list[Entry]:
    return usable(national_hotlines(directory()))


# KJRI Kota Kinabalu has a WhatsApp number; KRI Tawau has phones only and no 24-hour line.
WITH_WHATSAPP, PHONES_ONLY = "kjri-kota-kinabalu", "kri-tawau"


def test_the_entries_chosen_here_still_have_the_channels_the_tests_rely_on():
    assert written(entry(WITH_WHATSAPP)) and entry(WITH_WHATSAPP).channels != tuple(
        written(entry(WITH_WHATSAPP))
    )
    assert not written(entry(PHONES_ONLY)) and not all_day(entry(PHONES_ONLY))
    assert any(written(h) for h in hotlines()) and any(all_day(h) for h in hotlines())


@pytest.mark.parametrize("lang", ["id", "en"])
def test_whatsapp_is_answered_with_the_written_channels_of_the_contacts_shown(lang):
    shown = entry(WITH_WHATSAPP)
    reply = followup_text(directory(), [PHONES_ONLY, WITH_WHATSAPP], "whatsapp", lang)
    assert reply.startswith(text("followup_whatsapp", lang))
    assert shown.name_in(lang) in reply
    assert number(written(shown)[0]) in digits(reply)
    # only the ways to write: the phone lines and the contact without WhatsApp are left out
    phones = [c for c in shown.channels if c.type == "phone"]
    assert not any(number(c) in digits(reply) for c in phones)
    assert entry(PHONES_ONLY).name_in(lang) not in reply


def test_whatsapp_without_one_among_the_contacts_gives_the_hotlines_that_have_one():
    reply = followup_text(directory(), [PHONES_ONLY], "whatsapp", "en")
    assert reply.startswith(text("followup_no_whatsapp", "en"))
    assert entry(PHONES_ONLY).name_in("en") not in reply
    for hotline in hotlines():
        if written(hotline):
            assert number(written(hotline)[0]) in digits(reply)


def test_hours_without_a_24_hour_line_gives_the_hotlines_always_open():
    reply = followup_text(directory(), [PHONES_ONLY], "hours", "id")
    assert reply.startswith(text("followup_no_hours", "id"))
    open_all_day = [h for h in hotlines() if all_day(h)]
    assert open_all_day
    for hotline in open_all_day:
        assert hotline.name_in("id") in reply
        assert number(all_day(hotline)[0]) in digits(reply)


def test_hours_with_a_24_hour_line_shows_only_that_line():
    day_and_night = next(e for e in directory() if all_day(e) and not e.reachable_from_anywhere)
    reply = followup_text(directory(), [day_and_night.id], "hours", "en")
    assert reply.startswith(text("followup_hours", "en"))
    assert day_and_night.name_in("en") in reply
    assert number(all_day(day_and_night)[0]) in digits(reply)


def test_verify_names_the_newest_check_of_the_contacts_shown_and_two_hotlines():
    shown = [entry(WITH_WHATSAPP), entry(PHONES_ONLY)]
    newest = max(e.last_verified for e in shown).isoformat()
    reply = followup_text(directory(), [e.id for e in shown], "verify", "en")
    assert reply.startswith(text("followup_verify", "en").format(date=newest))
    assert all(h.name_in("en") in reply for h in hotlines()[:2])


def test_ids_no_longer_in_the_directory_are_ignored():
    reply = followup_text(directory(), ["no-such-entry"], "verify", "id")
    assert reply.startswith(text("followup_verify", "id").format(date="-"))
    fallback = followup_text(directory(), ["no-such-entry"], "whatsapp", "id")
    assert fallback == followup_text(directory(), [], "whatsapp", "id")
