"""Reading the safe-contact answer: hours, any time, no, in both languages; unclear is None."""

from __future__ import annotations

import re

import pytest

from bot.cases.models import ContactPreference
from bot.privacy.safe_contact import parse
from bot.texts import text

NO = ContactPreference(False)
ANY = ContactPreference(True)


def hours(start: str, end: str) -> ContactPreference:
    return ContactPreference(True, start, end)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # Indonesian, formal and informal
        ("jam 19-21", hours("19:00", "21:00")),
        ("Jam 19.00 - 21.00 ya kak 🙏", hours("19:00", "21:00")),
        ("pukul 19:30 s/d 21:00", hours("19:30", "21:00")),
        ("malam jam 8 sampai 10", hours("20:00", "22:00")),
        ("jam 7-9 malem", hours("19:00", "21:00")),
        ("ya boleh kak jam 7-9 mlm", hours("19:00", "21:00")),
        ("jam 7 s/d 9 malam", hours("19:00", "21:00")),
        ("jam 8 malam sampai jam 10", hours("20:00", "22:00")),
        ("jam 10 malam sampai 1 pagi", hours("22:00", "01:00")),
        ("jam 10 malam sampai tengah malam", hours("22:00", "24:00")),
        ("dari jam 8 pagi sampai jam 5 sore", hours("08:00", "17:00")),
        ("antara jam 7 dan 9 malam", hours("19:00", "21:00")),
        ("jam 5-7 sore aja", hours("17:00", "19:00")),
        ("jam 12-2 siang", hours("12:00", "14:00")),
        ("jam 9-17", hours("09:00", "17:00")),
        ("07.00-09.00", hours("07:00", "09:00")),
        ("jam delapan malam", hours("20:00", "21:00")),
        ("jam 8 malam aja", hours("20:00", "21:00")),
        ("setelah jam 9 malam", hours("21:00", "24:00")),
        ("mulai jam 8 malam", hours("20:00", "24:00")),
        ("siang aja", hours("11:00", "15:00")),
        ("sore", hours("15:00", "18:00")),
        ("malam aja kak", hours("19:00", "22:00")),
        ("pagi", hours("06:00", "11:00")),
        ("kapan saja", ANY),
        ("kapan aja kak", ANY),
        ("boleh kapanpun", ANY),
        ("gak papa kapan aja", ANY),
        ("24 jam", ANY),
        ("jangan", NO),
        ("jgn", NO),
        ("jangan hubungi saya duluan", NO),
        ("tidak, jangan hubungi saya duluan", NO),
        ("tidak usah kak, makasih", NO),
        ("gk usah", NO),
        ("nggak aman", NO),
        ("tidak boleh", NO),
        # English
        ("7pm to 9pm", hours("19:00", "21:00")),
        ("7-9pm", hours("19:00", "21:00")),
        ("evenings 8 to 10", hours("20:00", "22:00")),
        ("between 7 and 9 pm", hours("19:00", "21:00")),
        ("from 7 to 9pm please", hours("19:00", "21:00")),
        ("8.30-10 pm", hours("20:30", "22:00")),
        ("11-1pm", hours("11:00", "13:00")),
        ("10pm - 1am", hours("22:00", "01:00")),
        ("20:00-22:00", hours("20:00", "22:00")),
        ("after 8pm", hours("20:00", "24:00")),
        ("ok to message me after 8 p.m.", hours("20:00", "24:00")),
        ("at 8pm", hours("20:00", "21:00")),
        ("evening only", hours("18:00", "21:00")),
        ("mornings", hours("06:00", "11:00")),
        ("anytime", ANY),
        ("any time is fine", ANY),
        ("whenever", ANY),
        ("I don't mind, anytime", ANY),
        ("no", NO),
        ("no thanks", NO),
        ("nope", NO),
        ("don't contact me first", NO),
        ("please don't message me first", NO),
        ("it's not safe", NO),
    ],
)
def test_an_answer_is_read(message: str, expected: ContactPreference) -> None:
    assert parse(message) == expected


@pytest.mark.parametrize(
    "message",
    [
        # no hours at all, or only a yes: agreed, but when?
        "",
        "   ",
        "boleh",
        "ya kak",
        "ok",
        "yes",
        # hours that could be morning or evening
        "jam 7",
        "jam 7-9",
        "8 to 10",
        "after 10",
        "jam 19-9",
        # before / until: from when?
        "sebelum jam 9",
        "sampai jam 9 malam",
        "until 9pm",
        "before 7am",
        # a refusal that names hours, two parts of the day, an odd shape
        "jangan malam",
        "no, after 8pm",
        "pagi atau malam",
        "pagi dan malam",
        "jam 8 sampai malam",
        "after 7 to 9",
        # days, other clocks, one-offs, the maybe-words
        "hari minggu aja",
        "weekends",
        "jam 8 wib",
        "tonight",
        "besok pagi",
        "terserah kakak",
        "bebas",
        "kapan2",
        "pagi2",
        # what people also write during a case
        "halo kak",
        "tolong",
        "majikan tidak bayar gaji saya",
        "saya kerja jam 7 sampai 9 malam",
        "jangan hubungi majikan saya",
        "nomor saya 081234567",
        "I work from 7 to 9pm",
        "jam 7-9 malam " + "ya " * 50,  # too long for an answer
        "جام ٨",
    ],
)
def test_anything_unclear_is_not_a_guess(message: str) -> None:
    assert parse(message) is None


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_example_the_question_gives_is_understood(lang: str) -> None:
    examples = re.findall(r'"([^"]+)"', text("contact_question", lang))
    assert len(examples) == 4
    read = [parse(example) for example in examples]
    assert None not in read
    assert read[-2] == ANY and read[-1] == NO
