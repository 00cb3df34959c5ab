"""Safe contact: read the person's answer to "may a caseworker write first, and when?".

A pure parser, both languages and their informal register: ``parse("jam 7-9 malem")`` is
agreement for 19:00-21:00, ``parse("kapan aja")`` agreement at any time, ``parse("jangan
hubungi saya duluan")`` a refusal. Times are the person's local time.

It reads only a short message made entirely of words it knows (hours, parts of the day,
"any time", "no", and fillers such as "boleh", "aja", "kak", "please"). Anything else, a
word it does not know, hours without am/pm or a part of the day ("jam 7-9": morning or
evening?), a day ("hari minggu"), another time zone ("WIB"), "before 9", or a refusal that
names hours ("jangan malam") is None: not a guess. A wrong "yes" would let a caseworker
write when the phone may not be the person's alone, so an unclear answer stays unanswered,
which means no.

What a part of the day means (conservative, narrower than the word can be):

=====================================  =============
pagi, morning                          06:00-11:00
siang, noon, midday                    11:00-15:00
afternoon                              12:00-17:00
sore                                   15:00-18:00
evening                                18:00-21:00
malam, malem, night                    19:00-22:00
=====================================  =============

One time alone ("jam 8 malam", "20:00") is that hour: 20:00-21:00. "After 8pm", "setelah jam
8 malam", "mulai jam 8 malam" run to midnight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.cases.models import ContactPreference

MAX_CHARS = 120  # longer is a story, not an answer to the question
DAY = 24 * 60

# Parts of the day: the window alone, and how an hour said with it reads on a 24-hour clock.
PERIODS = {
    "pagi": "morning",
    "morning": "morning",
    "mornings": "morning",
    "siang": "midday",
    "noon": "midday",
    "midday": "midday",
    "afternoon": "afternoon",
    "afternoons": "afternoon",
    "sore": "late_afternoon",
    "petang": "late_afternoon",
    "evening": "evening",
    "evenings": "evening",
    "malam": "night",
    "malem": "night",
    "mlm": "night",
    "mlam": "night",
    "night": "night",
    "nights": "night",
}
PERIOD_WINDOWS = {
    "morning": ("06:00", "11:00"),
    "midday": ("11:00", "15:00"),
    "afternoon": ("12:00", "17:00"),
    "late_afternoon": ("15:00", "18:00"),
    "evening": ("18:00", "21:00"),
    "night": ("19:00", "22:00"),
}
NUMBERS = {
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
    "sebelas": 11,
    "duabelas": 12,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
NEGATIONS = {
    "jangan",
    "jgn",
    "jngn",
    "tidak",
    "tdk",
    "tak",
    "gak",
    "ga",
    "gk",
    "nggak",
    "ngga",
    "nggk",
    "enggak",
    "engga",
    "ndak",
    "gausah",
    "gaush",
    "no",
    "not",
    "don't",
    "dont",
    "never",
    "nope",
    "nah",
}
# Only what plainly says "any time": "terserah" (up to you) or "bebas" (free, or free now?)
# are not.
ANYTIME = {"anytime", "whenever", "kapanpun", "seharian"}
AFTER = {"after", "setelah", "stlh", "sesudah", "habis", "abis", "sehabis", "lewat", "past"}
FROM = {"dari", "from", "mulai", "since"}
UNTIL = {"sampai", "sampe", "smp", "ampe", "hingga", "until", "till", "til"}
JOINERS = {"-", "to", "and", "dan"}  # a range only between two hours; else a filler
BEFORE = {"before", "sebelum", "sblm"}
SUFFIXES = {"am": "am", "pm": "pm", "a.m.": "am", "p.m.": "pm"}
FILLERS = {
    # agreement and politeness
    "boleh", "bisa", "ya", "iya", "iyaa", "yaa", "yah", "y", "ok", "oke", "okay", "okey",
    "sip", "siap", "baik", "aman", "yes", "yeah", "yep", "sure", "fine", "please", "pls",
    "plz", "silakan", "silahkan", "tolong", "mohon", "makasih", "terima", "kasih", "thanks",
    "thank", "thx", "tq", "usah", "perlu", "mind",
    # who, how
    "kak", "kakak", "ka", "mbak", "mba", "sis", "pak", "bu", "bang", "mas", "dik", "saya",
    "sy", "aku", "gw", "gue", "gua", "me", "i", "you", "my", "petugas", "caseworker",
    "hubungi", "hubungin", "dihubungi", "hub", "chat", "ngechat", "kirim", "pesan", "telpon",
    "telepon", "nelpon", "sms", "wa", "dm", "message", "messages", "msg", "text", "write",
    "contact", "contacted", "call", "duluan", "dulu", "lebih", "terlebih", "dahulu", "first",
    # when, where
    "jam", "pukul", "pkl", "waktu", "wktu", "wkt", "time", "times", "hour", "hours",
    "o'clock", "oclock", "sekitar", "kira", "kira2", "around", "about", "antara", "between",
    "pas", "at", "in", "on", "the", "every", "tiap", "setiap", "hari", "day", "days", "daily",
    "sini", "setempat", "local", "here", "is", "are", "it", "it's", "its", "be", "can",
    "may", "could", "would", "will", "do", "best", "good", "safe", "only", "just", "di",
    "ke", "yg", "yang", "kalau", "kalo", "klo", "saja", "aja", "ajah", "aj", "doang",
    "hanya", "cuma", "cuman", "lah", "deh", "dong", "nih", "sih", "that", "then", "for",
}  # fmt: skip
NEGATED_WORRY = (
    r"\b(?:g|ga|gak|gk|nggak|ngga|enggak|engga|tidak|tdk|ndak)\s*"
    r"(?:apa[\s-]*apa|apa2|papa|pp|masalah)\b"
)
# Phrases read before the words (a regular expression on the lowercased text -> a word).
PHRASES = (
    # "it's fine", not a refusal
    (NEGATED_WORRY, " ok "),
    (r"\b(?:gpp|gapapa|gakpapa|nggakpapa|ngapapa)\b", " ok "),
    (r"\b(?:don'?t|do not) mind\b|\bno (?:problem|worries)\b|\bnot a problem\b", " ok "),
    # any time
    (r"\bkapan\s*(?:saja|aja|ajah|aj|pun)\b|\bany\s*time\b|\ball\s*day\b", " anytime "),
    (r"\b24\s*/\s*7\b", " anytime "),
    (r"\b24\s*(?:jam|hours?)\b|\bsepanjang hari\b|\bat any time\b", " anytime "),
    # spelled-out twelve, midnight and noon as hours
    (r"\bdua\s+belas\b", " duabelas "),
    (r"\btengah\s+malam\b|\bmidnight\b", " 24:00 "),
    (r"\btengah\s+hari\b", " 12 siang "),
    # "s/d", "s.d." = sampai dengan
    (r"\bs\s*[/.]\s*d\b\.?|\bsd\b", " sampai "),
    (r"\bsampai dengan\b", " sampai "),
    (r"[–—~]", " - "),
)
TOKEN = re.compile(r"\d+(?:[:.]\d+)?(?:\s*(?:a\.m\.|p\.m\.|am\b|pm\b))?|[a-z][a-z']*2?|-")
TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(a\.m\.|p\.m\.|am|pm)?$")


@dataclass
class _Time:
    """An hour as written: the number, minutes, am/pm, the part of the day said with it."""

    hour: int
    minute: int
    suffix: str | None
    period: str | None
    padded: bool  # "07:00": a 24-hour clock

    def clock(self, period: str | None = None, suffix: str | None = None) -> int | None:
        """Minutes after midnight, or None if the hour is unclear or impossible."""
        hour, minute = self.hour, self.minute
        suffix = self.suffix or suffix
        period = self.period or period
        if minute > 59 or hour > 24 or (hour == 24 and minute):
            return None
        if suffix is not None:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if suffix == "pm" else 0)
        elif period is not None and hour <= 12:
            hour = _with_period(hour, period)
        elif hour <= 12 and not self.padded and hour != 0:
            return None  # "jam 7": morning or evening?
        return hour * 60 + minute


def _with_period(hour: int, period: str) -> int:
    if period == "morning":
        return 0 if hour == 12 else hour
    if period in ("midday", "afternoon"):
        return hour + 12 if 1 <= hour <= 6 else hour
    if period == "late_afternoon":
        return hour if hour == 12 else hour + 12
    # evening, night: "jam 8 malam" 20:00, "jam 12 malam" midnight, "jam 2 malam" 02:00
    if hour == 12:
        return 0
    return hour + 12 if hour >= 5 else hour


def parse(message: str) -> ContactPreference | None:
    """The person's safe-contact answer in ``message``, or None when it is not clearly one."""
    tokens = _tokens(message)
    if not tokens:
        return None
    kinds = {kind for kind, _ in tokens}
    if "before" in kinds:
        return None
    if "neg" in kinds:
        return ContactPreference(False) if kinds <= {"neg", "joiner"} else None
    if "anytime" in kinds:
        return ContactPreference(True) if kinds <= {"anytime", "joiner"} else None
    return _window(tokens)


def _tokens(message: str) -> list[tuple[str, object]] | None:
    """The meaningful words of ``message`` as (kind, value); None if any word is unknown."""
    text = " ".join(message.lower().replace("\u2019", "'").split())
    if not text or len(text) > MAX_CHARS or re.search(r"[^\W\d_a-z]", text):
        return None  # too long for an answer, or letters of another script
    for pattern, replacement in PHRASES:
        text = re.sub(pattern, replacement, text)
    out: list[tuple[str, object]] = []
    for word in TOKEN.findall(text):
        word = word.strip()
        if word[0].isdigit():
            parsed = _time(word)
            if parsed is None:
                return None
            out.append(("time", parsed))
        elif word in NUMBERS:
            out.append(("time", _Time(NUMBERS[word], 0, None, None, False)))
        elif word in SUFFIXES and out and out[-1][0] == "time":
            held = out[-1][1]
            assert isinstance(held, _Time)
            if held.suffix is not None:
                return None
            held.suffix = SUFFIXES[word]
        elif word in PERIODS:
            out.append(("period", PERIODS[word]))
        elif word in NEGATIONS:
            out.append(("neg", word))
        elif word in ANYTIME:
            out.append(("anytime", word))
        elif word in AFTER or word in FROM:
            out.append(("after", word))
        elif word in UNTIL:
            out.append(("until", word))
        elif word in JOINERS:
            out.append(("joiner", word))
        elif word in BEFORE:
            out.append(("before", word))
        elif word not in FILLERS:
            return None
    return out


def _time(word: str) -> _Time | None:
    found = TIME.match(word)
    if found is None:
        return None
    hours, minutes, suffix = found.groups()
    return _Time(
        hour=int(hours),
        minute=int(minutes or 0),
        suffix=SUFFIXES.get(suffix) if suffix else None,
        period=None,
        padded=len(hours) == 2 and hours.startswith("0"),
    )


def _window(tokens: list[tuple[str, object]]) -> ContactPreference | None:
    """Hours, a range of hours or a part of the day; None for anything else.

    The shapes read::

        [after|from] [part of the day] HOUR [part] [(until|-|to|and) HOUR [part]]
        part of the day

    A part of the day right after an hour belongs to it ("jam 8 malam"); one before the
    first hour, to both ("malam jam 8 sampai 10"). "-", "to", "and" elsewhere are fillers.
    """
    significant = [
        (kind, value)
        for index, (kind, value) in enumerate(tokens)
        if kind != "joiner" or _between_hours(tokens, index)
    ]
    lead: str | None = None
    leading: str | None = None
    rest = significant
    while rest and rest[0][0] in ("after", "period"):
        kind, value = rest[0]
        if kind == "after" and lead is None:
            lead = str(value)
        elif kind == "period" and leading is None:
            leading = str(value)
        else:
            return None
        rest = rest[1:]
    if not rest:
        if lead is not None or leading is None:
            return None
        start, end = PERIOD_WINDOWS[leading]
        return ContactPreference(True, start, end)
    first, rest = _hour(rest)
    if first is None:
        return None
    if not rest:
        return _single(first, leading, after=lead is not None)
    if rest[0][0] not in ("until", "joiner") or lead is not None and lead not in FROM:
        return None  # "jam 8 malam aja ya 9", "after 7 to 9"
    second, rest = _hour(rest[1:])
    if second is None or rest:
        return None
    return _range(first, second, leading)


def _between_hours(tokens: list[tuple[str, object]], index: int) -> bool:
    """A "-", "to" or "and" with an hour (or an hour's part of the day) before and an hour after."""
    before = index > 0 and tokens[index - 1][0] in ("time", "period")
    return before and index + 1 < len(tokens) and tokens[index + 1][0] == "time"


def _hour(
    tokens: list[tuple[str, object]],
) -> tuple[_Time | None, list[tuple[str, object]]]:
    """An hour and the part of the day said right after it; the tokens after them."""
    if not tokens or tokens[0][0] != "time":
        return None, tokens
    time = tokens[0][1]
    assert isinstance(time, _Time)
    rest = tokens[1:]
    if rest and rest[0][0] == "period":
        time.period = str(rest[0][1])
        rest = rest[1:]
    return time, rest


def _single(time: _Time, leading: str | None, *, after: bool) -> ContactPreference | None:
    """One hour: that hour ("jam 8 malam" 20:00-21:00); after it: until midnight."""
    start = time.clock(leading)
    if start is None or start >= DAY or after and start == 0:
        return None
    end = DAY if after else start + 60
    return ContactPreference(True, _hhmm(start), _hhmm(end, end=True))


def _range(first: _Time, second: _Time, leading: str | None) -> ContactPreference | None:
    """Two hours; what one end says (part of the day, am/pm) holds for the other too."""
    period = second.period or first.period or leading
    suffix = second.suffix or first.suffix
    end = second.clock(period, suffix)
    if end is None:
        return None
    start = first.clock(period, suffix)
    bare = first.hour * 60 + first.minute
    if first.suffix is None and first.period is None and first.hour <= 12:
        if start is None and end >= 13 * 60:
            start = bare  # "jam 9-17": a 24-hour clock
        elif start is not None and start > end and bare < end:
            start = bare  # "11-1pm" is 11:00-13:00, not 23:00-13:00
    if start is None or start >= DAY or start == end % DAY:
        return None
    return ContactPreference(True, _hhmm(start), _hhmm(end, end=True))


def _hhmm(minutes: int, *, end: bool = False) -> str:
    """``HH:MM``; an end at midnight is ``24:00``."""
    if end and minutes % DAY == 0:
        return "24:00"
    minutes %= DAY
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
