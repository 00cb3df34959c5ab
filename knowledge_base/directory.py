"""The referral directory: typed entries loaded from the YAML files NGO admins edit.

The YAML under ``knowledge_base/directory/`` is the source of truth (see
``docs/referral_directory.md``). :func:`load_directory` validates it (see
:mod:`knowledge_base.validation`) and returns a :class:`Directory` of frozen
:class:`Entry` objects. The helpers at the bottom answer the questions the referral
actions ask most: the local emergency numbers, the Indonesian mission, the national
hotlines, and which services fit a problem.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge_base.validation import Issue, parse_partial_date, validate_document
from knowledge_base.vocabulary import CONFIDENCE_RANK, MISSION_KINDS

logger = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_DIR = PACKAGE_DIR / "directory"
PROBLEM_SERVICES_FILE = PACKAGE_DIR / "problem_services.yml"

#: Kinds that :func:`national_hotlines` returns (among entries reachable from anywhere).
NATIONAL_HOTLINE_KINDS = frozenset({"government_hotline", "app"})

#: How people type a city, normalised to the English spelling used in ``cities``.
CITY_ALIASES: dict[str, str] = {
    "kl": "kuala lumpur",
    "k.l.": "kuala lumpur",
    "jb": "johor bahru",
    "johor baru": "johor bahru",
    "kk": "kota kinabalu",
    "pulau pinang": "penang",
    "georgetown": "george town",
    "jeddah": "jeddah",
    "jedah": "jeddah",
    "jiddah": "jeddah",
    "mekah": "makkah",
    "mekkah": "makkah",
    "mecca": "makkah",
    "madinah": "madinah",
    "medina": "madinah",
    "riyad": "riyadh",
    "taipe": "taipei",
    "tokyo": "tokyo",
    "osaka": "osaka",
    "seoul": "seoul",
    "hongkong": "hong kong",
}


class DirectoryError(Exception):
    """The directory could not be loaded: a file is unreadable or an entry is broken.

    Attributes:
        issues: The validation errors, each naming its file and entry.
    """

    def __init__(self, message: str, issues: Iterable[Issue] = ()) -> None:
        super().__init__(message)
        self.issues: tuple[Issue, ...] = tuple(issues)


@dataclass(frozen=True)
class Channel:
    """One way to reach an entry.

    Attributes:
        type: ``phone``, ``whatsapp``, ``sms``, ``email``, ``web``, ``app``, ``telegram``,
            ``line`` or ``address``.
        value: As shown to people.
        e164: The number in E.164 form, for phone/whatsapp/sms reachable from abroad.
        hours: Opening hours, as the source gives them.
        languages: ISO 639-1 codes spoken on this channel (empty when unknown).
        note: Short English note (what the number is for, caveats).
        confidence: ``high``, ``medium`` or ``low``.
        source: The first (best) source URL.
        sources: Every source URL.
        source_date: Date of the newest source (``YYYY[-MM[-DD]]``), or ``None`` if undated.
        note_id: The note in Indonesian.
    """

    type: str
    value: str
    e164: str | None
    hours: str | None
    languages: tuple[str, ...]
    note: str | None
    confidence: str
    source: str | None
    sources: tuple[str, ...] = ()
    source_date: str | None = None
    note_id: str | None = None

    def note_in(self, lang: str) -> str | None:
        """Return the note in ``lang`` (``id`` or ``en``), falling back to the other one."""
        if lang == "id":
            return self.note_id or self.note
        return self.note or self.note_id


@dataclass(frozen=True)
class Entry:
    """One organisation, office or hotline in the directory.

    Attributes mirror the fields of ``shared/spec/referral_schema.md``; ``notes`` holds
    bilingual caveats (for example where sources disagree), ``cities`` the English city
    or area names served, ``reachable_from_anywhere`` marks Indonesian national channels
    usable from every country, and ``file`` the YAML file the entry came from.
    """

    id: str
    name: Mapping[str, str]
    kind: str
    countries: tuple[str, ...]
    cities: tuple[str, ...]
    services: tuple[str, ...]
    description: Mapping[str, str]
    channels: tuple[Channel, ...]
    languages: tuple[str, ...]
    serves_undocumented: bool | None
    cost: str
    confidence: str
    last_verified: dt.date
    sources: tuple[str, ...]
    notes: Mapping[str, str] | None = None
    reachable_from_anywhere: bool = False
    file: str = ""

    def __hash__(self) -> int:
        return hash(self.id)

    def name_in(self, lang: str) -> str:
        """Return the name in ``lang`` (``id`` or ``en``)."""
        return self.name.get(lang) or self.name["en"]

    def description_in(self, lang: str) -> str:
        """Return the description in ``lang`` (``id`` or ``en``)."""
        return self.description.get(lang) or self.description["en"]

    def notes_in(self, lang: str) -> str | None:
        """Return the notes in ``lang``, or ``None`` when the entry has none."""
        if not self.notes:
            return None
        return self.notes.get(lang) or self.notes.get("en")

    def serves(self, country: str) -> bool:
        """Return whether the entry serves people in ``country`` (reachable-anywhere counts)."""
        return country.upper() in self.countries or self.reachable_from_anywhere

    @property
    def is_local_only(self) -> bool:
        """Whether the entry is tied to its countries (not an anywhere-reachable channel)."""
        return not self.reachable_from_anywhere


@dataclass(frozen=True)
class Directory:
    """All entries of a loaded directory, in file order.

    Attributes:
        entries: Every entry.
        content_hash: SHA-256 of the files' names and bytes; the search index is rebuilt
            when it changes.
        path: Where the directory was loaded from.
        warnings: Non-fatal validation findings (stale entries, undated sources).
        errors: Errors of entries left out by a non-strict load (empty when strict).
    """

    entries: tuple[Entry, ...]
    content_hash: str
    path: Path
    warnings: tuple[Issue, ...] = ()
    errors: tuple[Issue, ...] = ()
    _by_id: Mapping[str, Entry] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {e.id: e for e in self.entries})

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    def get(self, entry_id: str) -> Entry | None:
        """Return the entry with ``entry_id``, or ``None``."""
        return self._by_id.get(entry_id)

    def by_country(self, country: str) -> list[Entry]:
        """Return the entries whose ``countries`` list ``country`` (not the global ones)."""
        code = country.upper()
        return [e for e in self.entries if code in e.countries]

    def serving(self, country: str) -> list[Entry]:
        """Return entries serving ``country``: its local entries, then anywhere-reachable ones."""
        code = country.upper()
        local = [e for e in self.entries if code in e.countries and not e.reachable_from_anywhere]
        anywhere = [e for e in self.entries if e.reachable_from_anywhere]
        return local + anywhere

    def countries(self) -> set[str]:
        """Return every country code some entry serves."""
        return {c for e in self.entries for c in e.countries}


def _list_files(path: Path) -> list[Path]:
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if p.suffix in (".yml", ".yaml") and not p.name.startswith(("_", "."))
        )
    else:
        raise DirectoryError(f"{path}: no such directory file or folder")
    if not files:
        raise DirectoryError(f"{path}: no .yml directory files found")
    return files


def _read(files: list[Path]) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in files]


def _read_files(path: Path) -> list[tuple[Path, bytes]]:
    return _read(_list_files(path))


#: A file modified less than this long ago may change again within the same timestamp tick
#: (file systems keep coarse mtimes), so its stat is not trusted: the bytes are hashed.
RACY_NS = 2_000_000_000

Signature = tuple[tuple[str, int, int, int], ...]


def _signature(files: list[Path]) -> tuple[Signature, bool]:
    """The files' names, inodes, mtimes and sizes, and whether the mtimes can be trusted."""
    now = time.time_ns()
    stats = [(p.name, p.stat()) for p in files]
    signature = tuple((name, st.st_ino, st.st_mtime_ns, st.st_size) for name, st in stats)
    return signature, all(now - st.st_mtime_ns >= RACY_NS for _, st in stats)


def content_hash_of(files: list[tuple[Path, bytes]]) -> str:
    """Return the SHA-256 over the files' names and contents (order-independent of mtime)."""
    digest = hashlib.sha256()
    for p, data in files:
        digest.update(p.name.encode())
        digest.update(b"\0")
        digest.update(data)
        digest.update(b"\0")
    return digest.hexdigest()


def directory_hash(path: Path = DEFAULT_DIR) -> str:
    """Return the content hash of the directory at ``path`` without building entries."""
    return content_hash_of(_read_files(Path(path)))


def _as_date_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _build_channel(raw: Mapping[str, Any]) -> Channel:
    note = raw.get("note")
    note_en: str | None
    note_id: str | None
    if isinstance(note, dict):
        note_en, note_id = note.get("en"), note.get("id")
    else:
        note_en = note_id = note
    sources = tuple(raw.get("sources") or ())
    return Channel(
        type=raw["type"],
        value=str(raw["value"]).strip(),
        e164=raw.get("e164"),
        hours=raw.get("hours"),
        languages=tuple(raw.get("languages") or ()),
        note=note_en,
        confidence=raw["confidence"],
        source=sources[0] if sources else None,
        sources=sources,
        source_date=_as_date_text(raw.get("source_date")),
        note_id=note_id,
    )


def _build_entry(raw: Mapping[str, Any], file: str) -> Entry:
    channels = tuple(_build_channel(c) for c in raw["channels"])
    sources: list[str] = list(raw["sources"])
    for ch in channels:
        sources.extend(s for s in ch.sources if s not in sources)
    last_verified = raw["last_verified"]
    if isinstance(last_verified, str):
        last_verified = dt.date.fromisoformat(last_verified)
    notes = raw.get("notes")
    return Entry(
        id=raw["id"],
        name=dict(raw["name"]),
        kind=raw["kind"],
        countries=tuple(raw["countries"]),
        cities=tuple(raw.get("cities") or ()),
        services=tuple(raw["services"]),
        description=dict(raw["description"]),
        channels=channels,
        languages=tuple(raw["languages"]),
        serves_undocumented=raw["serves_undocumented"],
        cost=raw["cost"],
        confidence=raw["confidence"],
        last_verified=last_verified,
        sources=tuple(sources),
        notes=dict(notes) if notes else None,
        reachable_from_anywhere=bool(raw.get("reachable_from_anywhere", False)),
        file=file,
    )


def check_directory(
    path: Path = DEFAULT_DIR, *, today: dt.date | None = None
) -> tuple[list[Issue], list[tuple[str, dict[str, Any]]]]:
    """Parse and validate every file of a directory.

    Args:
        path: A directory of ``*.yml`` files, or one file.
        today: Reference date for staleness warnings.

    Returns:
        All issues (errors and warnings) and the raw entries with their file names.

    Raises:
        DirectoryError: If ``path`` has no directory files.
    """
    files = _read_files(Path(path))
    return _check_files(files, today=today)


def _display_name(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def _check_files(
    files: list[tuple[Path, bytes]], *, today: dt.date | None = None
) -> tuple[list[Issue], list[tuple[str, dict[str, Any]]]]:
    issues: list[Issue] = []
    raws: list[tuple[str, dict[str, Any]]] = []
    seen: dict[str, str] = {}
    for p, data in files:
        name = _display_name(p)
        try:
            document = yaml.safe_load(data.decode("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            issues.append(
                Issue("error", name, None, f"cannot parse YAML: {exc}".replace("\n", " "))
            )
            continue
        file_issues = validate_document(name, document, today=today)
        issues.extend(file_issues)
        if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
            continue
        for raw in document["entries"]:
            if not isinstance(raw, dict):
                continue
            eid = raw.get("id")
            if isinstance(eid, str):
                if eid in seen:
                    issues.append(
                        Issue("error", name, eid, f"duplicate id (first defined in {seen[eid]})")
                    )
                else:
                    seen[eid] = name
            raws.append((name, raw))
    return issues, raws


@dataclass(frozen=True)
class _Loaded:
    signature: Signature
    trusted: bool  # the signature was taken when every mtime was already settled
    directory: Directory  # all valid entries; ``errors`` lists the broken ones


_CACHE: dict[str, _Loaded] = {}
_CACHE_LOCK = threading.Lock()


def _parse(path: Path, files: list[tuple[Path, bytes]], *, today: dt.date | None) -> Directory:
    """Validate and build every valid entry (the broken ones are listed in ``errors``)."""
    issues, raws = _check_files(files, today=today)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        broken = {(i.file, i.entry_id) for i in errors}
        kept: list[tuple[str, dict[str, Any]]] = []
        seen_ids: set[str] = set()
        for name, raw in raws:
            eid = raw.get("id")
            if (name, eid) in broken or (name, None) in broken or eid in seen_ids:
                continue
            seen_ids.add(str(eid))
            kept.append((name, raw))
        raws = kept
    entries = tuple(_build_entry(raw, name) for name, raw in raws)
    warnings = tuple(i for i in issues if i.severity == "warning")
    logger.debug(
        "Loaded %s directory entries from %s (%s warnings)", len(entries), path, len(warnings)
    )
    return Directory(
        entries=entries,
        content_hash=content_hash_of(files),
        path=path,
        warnings=warnings,
        errors=tuple(errors),
    )


def _errors_message(path: Path, errors: tuple[Issue, ...]) -> str:
    shown = "\n".join(f"  {e}" for e in errors[:20])
    more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
    return f"referral directory {path} has {len(errors)} error(s):\n{shown}{more}"


def load_directory(
    path: Path = DEFAULT_DIR, *, today: dt.date | None = None, strict: bool = True
) -> Directory:
    """Load and validate the directory, parsed again only when its files change.

    Each call lists the files and stats them (names, inodes, mtimes, sizes): while that
    signature is unchanged, the directory parsed last is returned without reading a byte.
    When it changed (or a file is too new for its mtime to be trusted) the files are read
    and hashed, and parsed only if the content hash differs from the last one.

    Args:
        path: A folder of ``*.yml`` files (files starting with ``_`` are skipped) or one file.
        today: Reference date for staleness warnings (tests); always parses, never cached.
        strict: Raise on any error (default). With ``False``, broken entries (and files
            that do not parse) are left out and the rest is returned; their errors are in
            :attr:`Directory.errors`.

    Returns:
        The directory.

    Raises:
        DirectoryError: In strict mode, if a file cannot be read or parsed, or an entry is
            broken; the message names the file and entry id of every error. In both modes,
            if ``path`` has no directory files.
    """
    path = Path(path)
    files = _list_files(path)
    if today is not None:
        directory = _parse(path, _read(files), today=today)
    else:
        key = str(path.resolve())
        signature, trusted = _signature(files)  # before reading: a later edit changes it
        with _CACHE_LOCK:
            cached = _CACHE.get(key)
        if cached is not None and cached.trusted and cached.signature == signature:
            directory = cached.directory
        else:
            contents = _read(files)
            if cached is not None and cached.directory.content_hash == content_hash_of(contents):
                directory = cached.directory  # touched, not changed
            else:
                directory = _parse(path, contents, today=None)
            with _CACHE_LOCK:
                _CACHE[key] = _Loaded(signature, trusted, directory)
    if strict and directory.errors:
        raise DirectoryError(_errors_message(path, directory.errors), directory.errors)
    return directory


_LAST_GOOD: dict[str, Directory] = {}
_REPORTED: dict[str, str] = {}  # path -> content hash of the broken directory last logged


def safe_directory(path: Path = DEFAULT_DIR) -> Directory:
    """Return the directory for the bot, never raising because of a broken file.

    A valid directory is returned (and remembered) as is. When an NGO admin's edit broke a
    file, the error is logged once per broken version (file and entry id only) and the last
    valid directory loaded by this process is returned; without one, the valid entries are
    returned and the broken ones left out. So the assistant can always answer, at least
    with the national hotlines.

    Args:
        path: The directory folder or file.

    Returns:
        A directory (possibly partial).
    """
    key = str(Path(path).resolve())
    try:
        directory = load_directory(path, strict=False)
    except DirectoryError as exc:  # no directory files at all
        logger.error("Referral directory cannot be read: %s", exc)
        last = _LAST_GOOD.get(key)
        if last is not None:
            return last
        return Directory(entries=(), content_hash="empty", path=Path(path), errors=exc.issues)
    if not directory.errors:
        _LAST_GOOD[key] = directory
        return directory
    if _REPORTED.get(key) != directory.content_hash:
        _REPORTED[key] = directory.content_hash
        logger.error(
            "Referral directory has errors; using the last valid one: %s",
            _errors_message(Path(path), directory.errors),
        )
    return _LAST_GOOD.get(key, directory)


def confidence_rank(entry: Entry) -> int:
    """Rank of the entry's confidence (0 = high); used to sort contacts."""
    return CONFIDENCE_RANK.get(entry.confidence, len(CONFIDENCE_RANK))


def _newest_first_key(entry: Entry) -> int:
    return -entry.last_verified.toordinal()


def emergency_contacts(directory: Directory, country: str) -> list[Entry]:
    """Return the local emergency numbers for ``country``, best-confirmed first.

    Entries of kind ``emergency_service`` (and ``police`` entries offering the
    ``emergency`` service) of that country are returned high confidence before medium,
    file order within a level. A low-confidence entry is never first: when a country has
    only low-confidence emergency entries, none is returned.

    Args:
        directory: The loaded directory.
        country: ISO 3166-1 alpha-2 code.

    Returns:
        The entries, possibly empty (unknown country).
    """
    code = (country or "").upper()
    found = [
        e
        for e in directory.entries
        if code in e.countries
        and not e.reachable_from_anywhere
        and (e.kind == "emergency_service" or (e.kind == "police" and "emergency" in e.services))
    ]
    found.sort(key=confidence_rank)
    if found and found[0].confidence == "low":
        return []
    return found


def _norm_city(city: str) -> str:
    c = " ".join(city.lower().replace("_", " ").split())
    return CITY_ALIASES.get(c, c)


def mission_contacts(
    directory: Directory, country: str, city: str | None = None, area: str | None = None
) -> list[Entry]:
    """Return Indonesia's missions (KBRI, KJRI, KRI, KDEI) in ``country``.

    The mission serving ``city`` (by its ``cities`` list, aliases such as KL or JB
    understood) comes first, then the one serving the city's mission ``area`` (Lahad Datu is
    in Tawau's), then embassies before consulates, in file order.

    Args:
        directory: The loaded directory.
        country: ISO 3166-1 alpha-2 code.
        city: The city the person is in, as typed or normalised.
        area: The mission area the city lies in (from the gazetteer), if known.

    Returns:
        The missions, possibly empty.
    """
    code = (country or "").upper()
    missions = [e for e in directory.entries if e.kind in MISSION_KINDS and code in e.countries]
    wanted = [_norm_city(place) for place in (city, area) if place]

    def key(e: Entry) -> tuple[int, int]:
        served = {_norm_city(c) for c in e.cities}
        rank = next((i for i, place in enumerate(wanted) if place in served), len(wanted))
        return (rank, 0 if e.kind == "embassy" else 1)

    return sorted(missions, key=key)


def national_hotlines(directory: Directory) -> list[Entry]:
    """Return the Indonesian channels reachable from anywhere (Kemlu PWNI, KP2MI, Safe Travel).

    Args:
        directory: The loaded directory.

    Returns:
        The hotlines in file order (the order the bot shows them).
    """
    return [
        e
        for e in directory.entries
        if e.reachable_from_anywhere and e.kind in NATIONAL_HOTLINE_KINDS
    ]


_PROBLEM_CACHE: dict[str, dict[str, list[str]]] = {}


def load_problem_services(path: Path = PROBLEM_SERVICES_FILE) -> dict[str, list[str]]:
    """Load the problem -> services table.

    Args:
        path: The YAML file (default ``knowledge_base/problem_services.yml``).

    Returns:
        A mapping of problem name to services, most useful first.

    Raises:
        DirectoryError: If the file is malformed or names a service outside the vocabulary.
    """
    from knowledge_base.vocabulary import SERVICES

    key = str(Path(path).resolve())
    if key in _PROBLEM_CACHE:
        return _PROBLEM_CACHE[key]
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DirectoryError(f"{path}: cannot read problem table: {exc}") from exc
    problems = document.get("problems") if isinstance(document, dict) else None
    if not isinstance(problems, dict):
        raise DirectoryError(f"{path}: expected a 'problems' mapping")
    table: dict[str, list[str]] = {}
    for problem, services in problems.items():
        if not isinstance(services, list) or not services:
            raise DirectoryError(f"{path}: problem {problem!r} needs a list of services")
        bad = [s for s in services if s not in SERVICES]
        if bad:
            raise DirectoryError(f"{path}: problem {problem!r} has unknown services: {bad}")
        table[str(problem)] = list(services)
    _PROBLEM_CACHE[key] = table
    return table


def services_for_problem(problem: str) -> list[str]:
    """Return the services that help with ``problem``, most useful first.

    Args:
        problem: A problem slot value (``unpaid_wages``, ``abuse`` ...); the intent name
            (``report_unpaid_wages``) is accepted too.

    Returns:
        The services, or an empty list for an unknown problem.
    """
    table = load_problem_services()
    key = (problem or "").strip().lower()
    for prefix in ("report_", "ask_"):
        if key not in table and key.startswith(prefix):
            key = key[len(prefix) :]
    if key == "want_to_go_home":
        key = "go_home"
    if key == "embassy_contact":
        key = "embassy"
    return list(table.get(key, []))


def newest_source_date(entry: Entry) -> dt.date | None:
    """Return the newest dated channel source of ``entry``, if any."""
    dates = []
    for ch in entry.channels:
        if ch.source_date:
            try:
                dates.append(parse_partial_date(ch.source_date))
            except ValueError:
                continue
    return max(dates) if dates else None
