"""Properties of one conversation's transcript, independent of how the dialogue is built.

A transcript is a list of :class:`Turn`: what the person typed (or the button payload they
pressed) and the bot messages the REST webhook returned for it (dicts with ``text`` and
maybe ``buttons``). Every check is a plain function returning a list of violations
(human-readable strings naming the turn, 1-based); an empty list means the property holds.

What is checked is behaviour a person would notice, never wording:

- never silent, at most 6 messages a turn, no message twice in one turn;
- no question sent identically in 3 or more turns;
- every phone-like number shown is a current channel of some directory entry, never a
  number that only appears in operator notes (superseded, disputed or placeholder numbers);
- contacts for the right country (and the mission of the right city) within N turns;
- the first reply to a danger message holds an emergency number;
- the reply language follows the person;
- a question just answered is not asked again at once, a new request inside a flow is not
  answered with the pending question only, and a story is never answered "goodbye".

Numbers are recognised by :func:`shown_numbers`: ``tel:`` and ``wa.me`` links, runs with a
``+``, runs of 7 or more digits (dates, times, year ranges and amounts excluded), and short
runs (3-6 digits) that are either a known directory number or written where a number is
expected ("Telepon: 1234", "call 1234", "hubungi 1234").
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from bot.languages import LANGUAGES
from bot.texts import text as bot_text
from knowledge_base.directory import (
    CITY_ALIASES,
    DEFAULT_DIR,
    PACKAGE_DIR,
    Directory,
    Entry,
    emergency_contacts,
    load_directory,
    national_hotlines,
)
from knowledge_base.vocabulary import MISSION_KINDS

MAX_MESSAGES = 6
QUESTION_TURNS_LIMIT = 3

# --------------------------------------------------------------------------- transcripts


@dataclass
class Turn:
    """One user message and the bot messages that answered it."""

    user: str
    bot: list[dict] = field(default_factory=list)
    button: bool = False


def as_turns(raw: Iterable[Any]) -> list[Turn]:
    """Accept :class:`Turn`, ``(text, messages)`` pairs or ``{"user", "bot"}`` dicts."""
    turns = []
    for item in raw:
        if isinstance(item, Turn):
            turns.append(item)
        elif isinstance(item, Mapping):
            turns.append(
                Turn(str(item["user"]), list(item.get("bot") or []), bool(item.get("button")))
            )
        else:
            text, messages = item
            turns.append(Turn(str(text), list(messages or [])))
    return turns


def message_text(message: Mapping[str, Any]) -> str:
    """The text of a bot message ("" for a message without text)."""
    return str(message.get("text") or "")


def _norm_space(text: str) -> str:
    return " ".join(text.split())


def message_key(message: Mapping[str, Any]) -> str:
    """What makes two messages identical: their text and their button payloads."""
    buttons = message.get("buttons") or []
    payloads = "|".join(str(b.get("payload", b.get("title", ""))) for b in buttons)
    other = sorted(k for k in message if k not in ("text", "buttons", "recipient_id"))
    extra = "|".join(f"{k}={message[k]!r}" for k in other)
    return f"{_norm_space(message_text(message))}\x00{payloads}\x00{extra}"


def button_payloads(message: Mapping[str, Any]) -> list[str]:
    """The payloads of a message's buttons."""
    return [str(b.get("payload", "")) for b in message.get("buttons") or []]


def is_question(message: Mapping[str, Any]) -> bool:
    """A message whose text ends with "?" or has a line ending with "?"."""
    text = message_text(message).strip()
    return text.endswith("?") or any(line.rstrip().endswith("?") for line in text.splitlines())


def _short(text: str, limit: int = 80) -> str:
    text = _norm_space(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- basic checks


def never_silent(turns: Sequence[Turn]) -> list[str]:
    """Every user turn gets at least one bot message."""
    return [
        f"turn {i}: no reply to {_short(t.user)!r}" for i, t in enumerate(turns, 1) if not t.bot
    ]


def at_most_messages(turns: Sequence[Turn], limit: int = MAX_MESSAGES) -> list[str]:
    """No turn is a wall of more than ``limit`` messages."""
    return [
        f"turn {i}: {len(t.bot)} messages (at most {limit})"
        for i, t in enumerate(turns, 1)
        if len(t.bot) > limit
    ]


def no_duplicate_in_turn(turns: Sequence[Turn]) -> list[str]:
    """The same message (text and buttons) is never sent twice in one turn."""
    found = []
    for i, t in enumerate(turns, 1):
        counts = Counter(message_key(m) for m in t.bot)
        for key, n in counts.items():
            if n > 1:
                found.append(f"turn {i}: message sent {n} times: {_short(key.split(chr(0))[0])!r}")
    return found


def no_question_thrice(turns: Sequence[Turn], times: int = QUESTION_TURNS_LIMIT) -> list[str]:
    """No question is sent identically in ``times`` or more turns of one conversation."""
    seen: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(turns, 1):
        for text in {_norm_space(message_text(m)) for m in t.bot if is_question(m)}:
            seen[text].append(i)
    return [
        f"question asked in {len(where)} turns {where}: {_short(text)!r}"
        for text, where in seen.items()
        if len(where) >= times
    ]


def not_reasked(turns: Sequence[Turn], index: int) -> list[str]:
    """Turn ``index`` (0-based) does not repeat a question the previous turn asked.

    Used where the person has just answered that question in words, or asked something
    new: asking the same thing again at once means the answer was not understood.
    """
    if index <= 0 or index >= len(turns):
        return []
    before = {_norm_space(message_text(m)) for m in turns[index - 1].bot if is_question(m)}
    again = [
        _norm_space(message_text(m))
        for m in turns[index].bot
        if is_question(m) and _norm_space(message_text(m)) in before
    ]
    return [
        f"turn {index + 1}: asked again right after {_short(turns[index].user)!r}: {_short(q)!r}"
        for q in again
    ]


def answered_not_reasked(turns: Sequence[Turn], index: int) -> list[str]:
    """Turn ``index`` (0-based) is more than the previous turn's question asked again.

    Used where the person asks something new inside a flow: answering it and then asking
    the pending question once more is fine; only asking the question again is not.
    """
    if index <= 0 or index >= len(turns):
        return []
    before = {_norm_space(message_text(m)) for m in turns[index - 1].bot if is_question(m)}
    rest = [m for m in turns[index].bot if _norm_space(message_text(m)) not in before]
    if turns[index].bot and not rest:
        return [
            f"turn {index + 1}: only the previous question again after "
            f"{_short(turns[index].user)!r}"
        ]
    return []


_GOODBYE = re.compile(
    r"\b(sampai jumpa|selamat tinggal|good ?bye|bye bye|see you)\b", re.IGNORECASE
)


def no_goodbye(turns: Sequence[Turn], index: int) -> list[str]:
    """Turn ``index`` (0-based) is not answered with a goodbye."""
    if index >= len(turns):
        return []
    return [
        f"turn {index + 1}: goodbye in answer to {_short(turns[index].user)!r}: "
        f"{_short(message_text(m))!r}"
        for m in turns[index].bot
        if _GOODBYE.search(message_text(m))
    ]


def _not_understood_texts() -> tuple[str, ...]:
    keys = ("ask_rephrase", "fallback_human")  # the assistant's "I did not understand"
    return tuple(bot_text(key, language) for key in keys for language in LANGUAGES)


def understood(turns: Sequence[Turn], index: int) -> list[str]:
    """Turn ``index`` (0-based) is not answered with "I did not understand"."""
    if index >= len(turns):
        return []
    return [
        f"turn {index + 1}: not understood: {_short(turns[index].user)!r}"
        for m in turns[index].bot
        if message_text(m).startswith(_not_understood_texts())
    ]


MONEY_KINDS = {"wages": "wages_title", "fee": "fee_title", "remittance": "remit_title"}


@functools.lru_cache(maxsize=1)
def _money_copy() -> dict[str, Any]:
    from bot.texts import MESSAGES_PATH

    with MESSAGES_PATH.with_name("money.yml").open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def money_help(turns: Sequence[Turn], index: int, kind: str) -> list[str]:
    """Turn ``index`` (0-based) gets the money help of ``kind`` (wages, fee, remittance).

    Told by its title opening a message, and it must name its sources and offer a
    caseworker with a button (issue 12: always sourced, always the caseworker offer).
    """
    if index >= len(turns):
        return []
    copy, bot = _money_copy(), turns[index].bot
    where = f"turn {index + 1} ({_short(turns[index].user)!r})"
    titles = tuple(copy[MONEY_KINDS[kind]][lang] for lang in LANGUAGES)
    sources = tuple(copy["sources_title"][lang] for lang in LANGUAGES)
    problems = []
    if not any(message_text(m).startswith(titles) for m in bot):
        problems.append(f"{where}: no {kind} money help")
    elif not any(message_text(m).startswith(sources) for m in bot):
        problems.append(f"{where}: money help without its sources")
    if not any("/request_human" in button_payloads(m) for m in bot):
        problems.append(f"{where}: money help without the caseworker button")
    return problems


def turn_basics(turn: Turn, number: int) -> list[str]:
    """The per-turn checks of the fuzzer: not silent, not a wall, no duplicate."""
    found = []
    for violation in never_silent([turn]) + at_most_messages([turn]) + no_duplicate_in_turn([turn]):
        found.append(violation.replace("turn 1:", f"turn {number}:", 1))
    return found


# --------------------------------------------------------------------------- numbers

_LINK_RE = re.compile(
    r"tel:(?P<tel>[+%#*0-9A-Fa-f\-]+)|wa\.me/(?P<wa>\+?\d+)|api\.whatsapp\.com/send\?phone=(?P<api>\d+)",
    re.IGNORECASE,
)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_RUN_RE = re.compile(r"(?<![\w/#%:@.+-])(?P<run>[+#]?\d+(?:[ \-.]\d+)*)(?![\w@])")
_TIME_RE = re.compile(r"^\d{1,2}[.:]\d{2}(?:\s?-\s?\d{1,2}[.:]\d{2})?$")
_DATE_RE = re.compile(r"^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})$")
_YEARS_RE = re.compile(r"^(?:19|20)\d\d\s?-\s?(?:19|20)?\d\d$")
_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
_AMOUNT_RE = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
_CURRENCY_BEFORE = re.compile(
    r"(?:rm|rp|hk\$|nt\$|s\$|us\$|\$|sgd|sar|usd|aed|qar|kwd|myr|idr|twd|krw|jpy|¥|₩|€|£)\s*$",
    re.IGNORECASE,
)
_UNIT_AFTER = re.compile(
    r"^[ \t]*(?:jam|hours?|hrs?|hari|days?|bulan|months?|minggu|weeks?|tahun|years?|menit|minutes?|"
    r"%|persen|percent|ringgit|riyal|real|dolar|dollars?|won|yen|rupiah|dirham|dinar|km|kali|"
    r"times|orang|people|wni|pmi|karakter|characters)\b",
    re.IGNORECASE,
)
_PHONE_CONTEXT = re.compile(
    r"\b(?:telepon|telpon|telp|tel|phone|call|calling|hubungi|dial|sms|whatsapp|wa|hotline|"
    r"nomor|nomer|nmr|number)\s*:?\s*$",
    re.IGNORECASE,
)
_LABEL_CONTEXT = re.compile(
    r"\b(?:telepon|telp|phone|sms|whatsapp|hotline)(?:/whatsapp)?\s*:\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ShownNumber:
    """A phone-like number found in a text.

    Attributes:
        raw: As written.
        digits: Its digits only.
        form: ``link`` (tel:/wa.me), ``intl`` (+...), ``long`` (7+ digits) or ``short``.
        whatsapp: Whether it was a WhatsApp link.
        in_context: Written where a phone number is expected ("Telepon: 999", "call 999").
    """

    raw: str
    digits: str
    form: str
    whatsapp: bool = False
    in_context: bool = False


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _candidate_runs(text: str) -> list[ShownNumber]:
    """Every digit run of ``text`` that could be a phone number, with its form, in order."""
    found: list[tuple[int, ShownNumber]] = []
    for match in _LINK_RE.finditer(text):
        if match.group("tel"):
            value = unquote(match.group("tel"))
            number = ShownNumber(match.group(0), _digits(value), "link", False, True)
        else:
            value = match.group("wa") or match.group("api")
            number = ShownNumber(match.group(0), _digits(value), "link", True, True)
        found.append((match.start(), number))
    # links and other URLs are blanked with spaces of the same length: positions stay
    blanked = _LINK_RE.sub(lambda m: " " * len(m.group(0)), text)
    blanked = _URL_RE.sub(lambda m: " " * len(m.group(0)), blanked)
    for match in _RUN_RE.finditer(blanked):
        raw = match.group("run").strip(" -.")
        digits = _digits(raw)
        if len(digits) < 3:
            continue
        bare = raw.lstrip("+#")
        before = blanked[max(0, match.start() - 40) : match.start()]
        before_line = before.rsplit("\n", 1)[-1]
        after = blanked[match.end() : match.end() + 20]
        if _TIME_RE.match(bare) or _DATE_RE.match(bare) or _YEARS_RE.match(bare):
            continue
        if _AMOUNT_RE.match(bare) or _CURRENCY_BEFORE.search(before_line):
            continue
        in_context = bool(_PHONE_CONTEXT.search(before_line) or _LABEL_CONTEXT.search(before_line))
        if raw.startswith("+"):
            form = "intl"
        elif len(digits) >= 7:
            form = "long"
        else:
            if _UNIT_AFTER.match(after):
                continue
            form = "short"
        found.append((match.start(), ShownNumber(raw, digits, form, False, in_context)))
    return [number for _, number in sorted(found, key=lambda pair: pair[0])]


def _variants(digits: str, international: bool) -> set[str]:
    """The digit strings a number may be written as (with/without calling code, trunk 0)."""
    found = {digits}
    if international:
        for k in (1, 2, 3):
            national = digits[k:]
            if len(national) >= 6:
                found.add(national)
                found.add("0" + national)
    return found


@dataclass
class DirectoryFacts:
    """What the checks need from the directory, indexed by digits."""

    directory: Directory
    by_digits: dict[str, set[str]]
    whatsapp_digits: dict[str, set[str]]
    note_only: dict[str, str]

    def entry(self, entry_id: str) -> Entry:
        """The entry with this id."""
        found = self.directory.get(entry_id)
        assert found is not None, entry_id
        return found

    def entries_of(self, number: ShownNumber) -> set[str]:
        """Ids of the entries whose current channels include ``number``."""
        return set(self.by_digits.get(number.digits, set()))

    def is_known(self, number: ShownNumber) -> bool:
        """True when the number is a current channel of some entry."""
        return number.digits in self.by_digits

    def entries_in(self, country: str) -> set[str]:
        """Ids of the entries of a country."""
        code = country.upper()
        return {e.id for e in self.directory if code in e.countries}

    def national(self) -> set[str]:
        """Ids of the national hotlines."""
        return {e.id for e in national_hotlines(self.directory)}

    def missions_serving(self, country: str, city: str | None = None) -> set[str]:
        """Missions of ``country``; with ``city``, only those whose area covers it."""
        code = country.upper()
        wanted = _norm_city(city) if city else None
        return {
            e.id
            for e in self.directory
            if e.kind in MISSION_KINDS
            and code in e.countries
            and (wanted is None or any(_norm_city(c) == wanted for c in e.cities))
        }


def _norm_city(city: str) -> str:
    c = " ".join(city.lower().replace("_", " ").split())
    return CITY_ALIASES.get(c, c)


def _channel_number_texts(entry: Entry) -> Iterable[tuple[str, str, bool]]:
    """(channel type, digits, international) of each diallable channel of ``entry``."""
    for ch in entry.channels:
        if ch.type not in ("phone", "whatsapp", "sms"):
            continue
        value = re.sub(r"\([^)]*\)", "", ch.value).strip()
        if not re.search(r"[A-Za-z]", value) and len(_digits(value)) >= 3:
            yield ch.type, _digits(value), value.startswith("+")
        if ch.e164:
            yield ch.type, _digits(ch.e164), True


def _note_texts(entry: Entry) -> Iterable[str]:
    for text in (entry.notes or {}).values():
        yield str(text)
    for ch in entry.channels:
        for note in (ch.note, ch.note_id):
            if note:
                yield note


def _omitted_texts(path: Path) -> Iterable[str]:
    if not path.exists():
        return
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for section in ("channels", "emergency_numbers"):
        for item in document.get(section) or []:
            value = item.get("value") or item.get("number")
            if value:
                yield str(value)


def build_facts(directory: Directory, omitted: Path | None = None) -> DirectoryFacts:
    """Index ``directory``: current numbers, WhatsApp numbers, and note-only numbers."""
    by_digits: dict[str, set[str]] = defaultdict(set)
    whatsapp: dict[str, set[str]] = defaultdict(set)
    for entry in directory:
        for kind, digits, international in _channel_number_texts(entry):
            for variant in _variants(digits, international):
                by_digits[variant].add(entry.id)
                if kind == "whatsapp":
                    whatsapp[variant].add(entry.id)
    note_only: dict[str, str] = {}
    texts: list[tuple[str, str]] = [(e.id, t) for e in directory for t in _note_texts(e)]
    texts += [("omitted.yml", t) for t in _omitted_texts(omitted or PACKAGE_DIR / "omitted.yml")]
    for where, text in texts:
        for number in _candidate_runs(text):
            if number.form == "short" or number.digits in by_digits:
                continue
            for variant in _variants(number.digits, number.raw.startswith("+")):
                if variant not in by_digits:
                    note_only[variant] = f"{number.raw} (only in notes of {where})"
    return DirectoryFacts(directory, dict(by_digits), dict(whatsapp), note_only)


@functools.lru_cache(maxsize=4)
def _facts_for(path: str) -> DirectoryFacts:
    return build_facts(load_directory(Path(path)))


def directory_facts(path: Path = DEFAULT_DIR) -> DirectoryFacts:
    """The facts of the repository's directory (cached)."""
    return _facts_for(str(path))


def shown_numbers(text: str, facts: DirectoryFacts) -> list[ShownNumber]:
    """The phone-like numbers of ``text`` (see the module docstring for what counts)."""
    found = []
    for number in _candidate_runs(text):
        if number.form == "short" and not (
            facts.is_known(number)
            or number.digits in facts.note_only
            or (number.in_context and not _YEAR_RE.match(number.digits))
        ):
            continue
        found.append(number)
    return found


def turn_numbers(turn: Turn, facts: DirectoryFacts) -> list[ShownNumber]:
    """Every number shown in one turn's messages, in order."""
    return [n for m in turn.bot for n in shown_numbers(message_text(m), facts)]


def numbers_are_current(turns: Sequence[Turn], facts: DirectoryFacts) -> list[str]:
    """Every number shown is a current channel of some entry, never a note-only number."""
    found = []
    for i, t in enumerate(turns, 1):
        for number in turn_numbers(t, facts):
            if number.digits in facts.note_only and not facts.is_known(number):
                found.append(
                    f"turn {i}: shows a number that is not a current channel: "
                    f"{facts.note_only[number.digits]}"
                )
            elif not facts.is_known(number):
                found.append(
                    f"turn {i}: shows {number.raw!r}, which is no channel of any directory entry"
                )
    return found


# --------------------------------------------------------------------------- places


def _window(turns: Sequence[Turn], start: int, within: int) -> range:
    return range(start, min(len(turns), start + max(1, within)))


def contacts_for_country(
    turns: Sequence[Turn],
    facts: DirectoryFacts,
    country: str,
    start: int,
    within: int,
    city: str | None = None,
    only: bool = True,
) -> list[str]:
    """Contacts for ``country`` are shown in turns ``start`` .. ``start + within - 1``.

    A number counts when it belongs to an entry whose countries include ``country``; for
    a country with no directory entry, a national hotline counts. With ``city``, a mission
    serving the city must be shown, and it must be the first mission shown in the window.
    With ``only``, no number of another country's local entries is shown in the window
    (Indonesia's own services and numbers shared with ``country`` are fine).
    """
    code = country.upper()
    local = facts.entries_in(code)
    allowed = local or facts.national()
    where = f"turns {start + 1}-{min(len(turns), start + within)}"
    if start >= len(turns):
        return [f"{where}: conversation ended before contacts for {code} were expected"]
    found: list[str] = []
    hit = False
    first_mission: tuple[int, str] | None = None
    city_missions = facts.missions_serving(code, city) if city else set()
    all_missions = facts.missions_serving(code)
    city_hit = False
    for i in _window(turns, start, within):
        for number in turn_numbers(turns[i], facts):
            entries = facts.entries_of(number)
            if entries & allowed:
                hit = True
            missions = entries & all_missions
            if missions and first_mission is None:
                first_mission = (i, ", ".join(sorted(missions)))
                if city and not missions & city_missions:
                    found.append(
                        f"turn {i + 1}: first mission shown is {first_mission[1]}, "
                        f"not the one serving {city} ({', '.join(sorted(city_missions))})"
                    )
            if entries & city_missions:
                city_hit = True
            if only and entries:
                other = {
                    c
                    for eid in entries
                    for c in facts.entry(eid).countries
                    if not facts.entry(eid).reachable_from_anywhere
                }
                if code not in other and other - {"ID"}:
                    found.append(
                        f"turn {i + 1}: shows {number.raw!r} of {', '.join(sorted(entries))} "
                        f"({'/'.join(sorted(other))}), not {code}"
                    )
    if not hit:
        what = "contacts" if local else "national hotlines (no local entry)"
        found.append(f"{where}: no {what} for {code} shown")
    if city and city_missions and not city_hit:
        found.append(f"{where}: no contact of the mission serving {city} shown")
    return found


def whatsapp_for_country(
    turns: Sequence[Turn], facts: DirectoryFacts, country: str, start: int, within: int
) -> list[str]:
    """A WhatsApp channel of an entry of ``country`` (or a national one) is shown in the window."""
    allowed = facts.entries_in(country) | facts.national()
    for i in _window(turns, start, within):
        for number in turn_numbers(turns[i], facts):
            if facts.whatsapp_digits.get(number.digits, set()) & allowed:
                return []
    return [
        f"turns {start + 1}-{min(len(turns), start + within)}: no WhatsApp number for "
        f"{country.upper()} shown"
    ]


def danger_first_reply(
    turns: Sequence[Turn], facts: DirectoryFacts, index: int, country: str | None
) -> list[str]:
    """The reply to the danger message at ``index`` holds an emergency number.

    A local emergency number of ``country`` (:func:`emergency_contacts`) when the directory
    has one, else (country unknown or without entries) a national hotline.
    """
    if index >= len(turns):
        return [f"turn {index + 1}: conversation ended before the danger message"]
    local = {e.id for e in emergency_contacts(facts.directory, country)} if country else set()
    allowed = local or facts.national()
    for number in turn_numbers(turns[index], facts):
        if facts.entries_of(number) & allowed:
            return []
    what = f"local emergency number of {country}" if local else "national hotline"
    return [
        f"turn {index + 1}: first reply to danger ({_short(turns[index].user)!r}) has no {what}"
    ]


# --------------------------------------------------------------------------- language

_ID_WORDS_TEXT = """
    yang dan di ke dari untuk dengan ini itu tidak bisa saya anda kami kita apa ada atau
    juga akan sudah belum kalau jika tolong silakan mohon dalam pada karena sekarang hubungi
    mana negara kota baik terima kasih agar supaya lagi bahwa oleh sedang harus perlu nomor
    bantuan kontak telepon petugas berikut boleh hak gaji orang kerja aman bahaya darurat
    tempat setempat masih hanya sini lain saja sebagai tentang bagi kepada punya tetap jangan
    bukan menulis ceritakan apakah siapa bagaimana kapan paspor pulang maaf belum paham
    membantu bantu keluarga majikan pemerintah kedutaan konsulat polisi jam lewat juga"""
_EN_WORDS_TEXT = """
    the and to of you your is are in for with this that can not we i if or please call
    help will have has be it from at what which who right now our they do there here am my
    me an a on by about also when where how safe danger contact number people work home go
    get so any more other would could should was were been let us as embassy consulate
    police family employer government hours sorry understand tell"""
ID_WORDS = frozenset(_ID_WORDS_TEXT.split())
EN_WORDS = frozenset(_EN_WORDS_TEXT.split())
MIN_LANGUAGE_WORDS = 5
_WORD_RE = re.compile(r"[a-zA-Z']+")


def language_counts(text: str) -> tuple[int, int]:
    """How many common Indonesian and English function words ``text`` has."""
    text = _URL_RE.sub(" ", text)
    words = [w.lower().strip("'") for w in _WORD_RE.findall(text)]
    return sum(w in ID_WORDS for w in words), sum(w in EN_WORDS for w in words)


def detect_language(text: str) -> str | None:
    """``id`` or ``en`` when the text clearly is one; ``None`` if too short or bilingual."""
    id_count, en_count = language_counts(text)
    total = id_count + en_count
    if total < MIN_LANGUAGE_WORDS:
        return None
    share = id_count / total
    if share >= 0.7:
        return "id"
    if share <= 0.3:
        return "en"
    return None


def _is_first_contact(message: Mapping[str, Any]) -> bool:
    return any(p.startswith("/choose_language") for p in button_payloads(message))


def language_follows(turns: Sequence[Turn], expected: Sequence[str | None]) -> list[str]:
    """Each judged bot message is in the language expected for its turn.

    ``expected[i]`` is ``id``, ``en`` or ``None`` (not judged: code-mixed, or undecided).
    Messages too short to tell, bilingual ones and the first-contact message are skipped.
    """
    found = []
    for i, (turn, want) in enumerate(zip(turns, expected, strict=False), 1):
        if want not in ("id", "en"):
            continue
        for message in turn.bot:
            if _is_first_contact(message):
                continue
            got = detect_language(message_text(message))
            if got and got != want:
                found.append(
                    f"turn {i}: reply in {got}, person writes {want}: "
                    f"{_short(message_text(message))!r}"
                )
    return found
