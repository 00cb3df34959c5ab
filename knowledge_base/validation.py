"""Validation of raw directory YAML against the referral directory contract.

Validation works on the parsed YAML (plain dicts), before any :class:`Entry` is built, so
that every problem can be reported with the file and entry id it comes from. Errors make
``python -m knowledge_base validate`` (and ``make test``) fail; warnings (stale entries,
undated sources) are listed for the people who keep the directory.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from knowledge_base.vocabulary import (
    CHANNEL_TYPES,
    CONFIDENCE_LEVELS,
    CONFIDENCE_RANK,
    COSTS,
    COUNTRY_NAMES,
    DIALLABLE_TYPES,
    KINDS,
    LANGUAGE_CODES,
    SERVICES,
)

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
E164_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")
URL_RE = re.compile(
    r"^https?://(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}|[0-9]{1,3}(?:\.[0-9]{1,3}){3})"
    r"(?::[0-9]+)?(?:[/?#][^\s]*)?$"
)
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
PARTIAL_DATE_RE = re.compile(r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$")

#: Entries whose ``last_verified`` is older than this are listed as warnings.
STALE_AFTER_DAYS = 365

REQUIRED_ENTRY_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "kind",
    "countries",
    "services",
    "description",
    "channels",
    "languages",
    "serves_undocumented",
    "cost",
    "confidence",
    "last_verified",
    "sources",
)
OPTIONAL_ENTRY_FIELDS: frozenset[str] = frozenset({"cities", "notes", "reachable_from_anywhere"})
REQUIRED_CHANNEL_FIELDS: tuple[str, ...] = ("type", "value", "confidence", "sources")
OPTIONAL_CHANNEL_FIELDS: frozenset[str] = frozenset(
    {"e164", "hours", "languages", "note", "source_date"}
)


@dataclass(frozen=True)
class Issue:
    """One validation finding.

    Attributes:
        severity: ``"error"`` or ``"warning"``.
        file: The YAML file (as given to the validator).
        entry_id: The entry's id, or ``None`` for a file-level problem.
        message: What is wrong, in words an NGO admin can act on.
    """

    severity: str
    file: str
    entry_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry_id}" if self.entry_id else self.file
        return f"{self.severity.upper()} {where}: {self.message}"


def is_e164(value: object) -> bool:
    """Return whether ``value`` is a string in E.164 form (``+`` and 7-15 digits)."""
    return isinstance(value, str) and bool(E164_RE.match(value))


def is_url(value: object) -> bool:
    """Return whether ``value`` is an absolute http(s) URL."""
    return isinstance(value, str) and bool(URL_RE.match(value))


def parse_partial_date(value: str) -> dt.date:
    """Turn ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into a date (missing parts become 1).

    Args:
        value: The date text.

    Returns:
        The date.

    Raises:
        ValueError: If the text is not such a date.
    """
    if not PARTIAL_DATE_RE.match(value):
        raise ValueError(f"not a date: {value!r}")
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


class _Checker:
    """Collects issues for one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[Issue] = []

    def error(self, entry_id: str | None, message: str) -> None:
        self.issues.append(Issue("error", self.file, entry_id, message))

    def warning(self, entry_id: str | None, message: str) -> None:
        self.issues.append(Issue("warning", self.file, entry_id, message))


def _check_bilingual(chk: _Checker, eid: str, field: str, value: Any) -> None:
    if not isinstance(value, dict):
        chk.error(eid, f"'{field}' must be a mapping with 'id' and 'en' texts")
        return
    for lang in ("id", "en"):
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            chk.error(eid, f"'{field}.{lang}' is missing or empty")
    extra = set(value) - {"id", "en"}
    if extra:
        chk.error(eid, f"'{field}' has unknown language keys: {', '.join(sorted(extra))}")


def _check_string_list(
    chk: _Checker, eid: str, field: str, value: Any, *, allowed: frozenset[str] | None = None
) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        chk.error(eid, f"'{field}' must be a list of strings")
        return []
    if len(set(value)) != len(value):
        chk.error(eid, f"'{field}' has duplicates")
    if allowed is not None:
        bad = [v for v in value if v not in allowed]
        if bad:
            chk.error(eid, f"'{field}' has values outside the vocabulary: {', '.join(bad)}")
    return list(value)


def _check_sources(chk: _Checker, eid: str, where: str, value: Any) -> None:
    if not isinstance(value, list) or not value:
        chk.error(eid, f"{where} has no source: 'sources' must list at least one URL")
        return
    for url in value:
        if not is_url(url):
            chk.error(eid, f"{where}: source {url!r} is not an http(s) URL")


def _check_channel(chk: _Checker, eid: str, index: int, ch: Any, today: dt.date) -> str | None:
    where = f"channel {index + 1}"
    if not isinstance(ch, dict):
        chk.error(eid, f"{where} must be a mapping")
        return None
    ctype = ch.get("type")
    where = f"channel {index + 1} ({ctype})"
    for field in REQUIRED_CHANNEL_FIELDS:
        if field not in ch:
            chk.error(eid, f"{where} is missing '{field}'")
    unknown = set(ch) - set(REQUIRED_CHANNEL_FIELDS) - OPTIONAL_CHANNEL_FIELDS
    if unknown:
        chk.error(eid, f"{where} has unknown fields: {', '.join(sorted(unknown))}")
    if ctype not in CHANNEL_TYPES:
        chk.error(eid, f"{where}: type {ctype!r} is not one of {', '.join(sorted(CHANNEL_TYPES))}")
    value = ch.get("value")
    if not isinstance(value, str) or not value.strip():
        chk.error(eid, f"{where}: 'value' is missing or empty")
        value = ""
    e164 = ch.get("e164")
    if ctype in DIALLABLE_TYPES:
        if e164 is not None and not is_e164(e164):
            chk.error(
                eid, f"{where}: e164 {e164!r} is not a valid E.164 number (+ and 7-15 digits)"
            )
        if ctype == "whatsapp" and e164 is None:
            chk.error(eid, f"{where}: a WhatsApp channel needs its e164 number")
    elif e164 is not None:
        chk.error(eid, f"{where}: e164 is only for phone, whatsapp and sms channels")
    if ctype == "web" and value and not is_url(value):
        chk.error(eid, f"{where}: web value {value!r} is not an http(s) URL")
    if ctype == "email" and value and not EMAIL_RE.match(value):
        chk.error(eid, f"{where}: {value!r} is not an email address")
    conf = ch.get("confidence")
    if conf not in CONFIDENCE_LEVELS:
        chk.error(eid, f"{where}: confidence {conf!r} is not one of high, medium, low")
        conf = None
    _check_sources(chk, eid, where, ch.get("sources"))
    for field in ("hours",):
        if ch.get(field) is not None and not isinstance(ch.get(field), str):
            chk.error(eid, f"{where}: '{field}' must be text")
    note = ch.get("note")
    if note is not None and not isinstance(note, str):
        if isinstance(note, dict):
            _check_bilingual(chk, eid, f"{where} note", note)
        else:
            chk.error(eid, f"{where}: 'note' must be text or a mapping with 'id' and 'en'")
    if "languages" in ch:
        _check_string_list(chk, eid, f"{where} languages", ch["languages"], allowed=LANGUAGE_CODES)
    source_date = ch.get("source_date")
    if isinstance(source_date, dt.date):
        source_date = source_date.isoformat()
    if source_date is None:
        chk.warning(eid, f"{where}: source is undated; re-check it")
    elif not isinstance(source_date, str) or not PARTIAL_DATE_RE.match(source_date):
        chk.error(eid, f"{where}: source_date {source_date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    else:
        try:
            if parse_partial_date(source_date) > today:
                chk.error(eid, f"{where}: source_date {source_date} is in the future")
        except ValueError:
            chk.error(eid, f"{where}: source_date {source_date!r} is not a real date")
    return conf


def validate_entry(chk: _Checker, raw: Any, index: int, today: dt.date) -> str | None:
    """Validate one raw entry, recording issues; return its id when it has a usable one."""
    if not isinstance(raw, dict):
        chk.error(f"#{index + 1}", "entry must be a mapping")
        return None
    raw_id = raw.get("id")
    eid = raw_id if isinstance(raw_id, str) and raw_id else f"#{index + 1}"
    if not isinstance(raw_id, str) or not ID_RE.match(raw_id):
        chk.error(eid, f"id {raw_id!r} must be a slug of [a-z0-9-] (e.g. kbri-riyadh)")
    for field in REQUIRED_ENTRY_FIELDS:
        if field not in raw:
            chk.error(eid, f"missing required field '{field}'")
    unknown = set(raw) - set(REQUIRED_ENTRY_FIELDS) - OPTIONAL_ENTRY_FIELDS
    if unknown:
        chk.error(eid, f"unknown fields: {', '.join(sorted(unknown))}")
    if "name" in raw:
        _check_bilingual(chk, eid, "name", raw["name"])
    if "description" in raw:
        _check_bilingual(chk, eid, "description", raw["description"])
    if raw.get("notes") is not None:
        _check_bilingual(chk, eid, "notes", raw["notes"])
    if "kind" in raw and raw["kind"] not in KINDS:
        chk.error(eid, f"kind {raw['kind']!r} is not one of {', '.join(sorted(KINDS))}")
    if "countries" in raw:
        countries = _check_string_list(
            chk, eid, "countries", raw["countries"], allowed=frozenset(COUNTRY_NAMES)
        )
        if not countries and isinstance(raw["countries"], list):
            chk.error(eid, "'countries' must list at least one ISO 3166-1 alpha-2 code")
    if raw.get("cities") is not None:
        _check_string_list(chk, eid, "cities", raw["cities"])
    if "services" in raw:
        services = _check_string_list(chk, eid, "services", raw["services"], allowed=SERVICES)
        if not services and isinstance(raw["services"], list):
            chk.error(eid, "'services' must list at least one service")
    if "languages" in raw:
        _check_string_list(chk, eid, "languages", raw["languages"], allowed=LANGUAGE_CODES)
    if "serves_undocumented" in raw and raw["serves_undocumented"] not in (True, False, None):
        chk.error(eid, "'serves_undocumented' must be true, false or null")
    if "reachable_from_anywhere" in raw and not isinstance(raw["reachable_from_anywhere"], bool):
        chk.error(eid, "'reachable_from_anywhere' must be true or false")
    if "cost" in raw and raw["cost"] not in COSTS:
        chk.error(eid, f"cost {raw['cost']!r} is not one of free, paid, unknown")
    confidence = raw.get("confidence")
    if "confidence" in raw and confidence not in CONFIDENCE_LEVELS:
        chk.error(eid, f"confidence {confidence!r} is not one of high, medium, low")
    if "last_verified" in raw:
        lv = raw["last_verified"]
        if isinstance(lv, str):
            try:
                lv = dt.date.fromisoformat(lv)
            except ValueError:
                lv = None
        if not isinstance(lv, dt.date) or isinstance(lv, dt.datetime):
            chk.error(
                eid, f"last_verified {raw['last_verified']!r} is not an ISO date (YYYY-MM-DD)"
            )
        elif lv > today:
            chk.error(eid, f"last_verified {lv.isoformat()} is in the future")
        elif (today - lv).days > STALE_AFTER_DAYS:
            chk.warning(
                eid, f"last verified {lv.isoformat()}, over 12 months ago: re-check its contacts"
            )
    if "sources" in raw:
        _check_sources(chk, eid, "entry", raw["sources"])
    channels = raw.get("channels")
    if "channels" in raw:
        if not isinstance(channels, list) or not channels:
            chk.error(eid, "'channels' must list at least one channel (an entry is shown to users)")
        else:
            confs = [_check_channel(chk, eid, i, ch, today) for i, ch in enumerate(channels)]
            ranks = [CONFIDENCE_RANK[c] for c in confs if c is not None]
            if ranks and confidence in CONFIDENCE_RANK and CONFIDENCE_RANK[confidence] < min(ranks):
                chk.error(
                    eid,
                    f"confidence {confidence!r} is higher than its best channel's "
                    f"({CONFIDENCE_LEVELS[min(ranks)]!r})",
                )
    return raw_id if isinstance(raw_id, str) else None


def validate_document(file: str, document: Any, *, today: dt.date | None = None) -> list[Issue]:
    """Validate one parsed directory file.

    Args:
        file: The file name, used in messages.
        document: The parsed YAML.
        today: The date staleness is measured from (default: today).

    Returns:
        The issues found, in file order.
    """
    chk = _Checker(file)
    today = today or dt.date.today()
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        chk.error(None, "a directory file must be a mapping with an 'entries' list")
        return chk.issues
    unknown = set(document) - {"entries"}
    if unknown:
        chk.error(None, f"unknown top-level keys: {', '.join(sorted(unknown))}")
    for index, raw in enumerate(document["entries"]):
        validate_entry(chk, raw, index, today)
    return chk.issues
