"""The scripted conversations of ``scripts/*.yml``: loading, running, judging, reporting.

A script is what a person types, turn by turn, and the properties the conversation must
meet. Format (one file holds a list under ``conversations``)::

    conversations:
      - name: wages-then-safe            # unique over all files
        language: id                     # id | en | any (code-mixed: not judged)
        about: "why this conversation is here"
        turns:
          - halo kak                     # a plain string is a typed message
          - text: gaji sy blm dibayar 3 bulan
          - text: iya saya aman
            no_reask: true               # an answer: the previous question must not come back
          - text: nomor kbri di irak ada gk?
            answered: true               # a new request: not only the pending question again
          - text: sy di riyadh
            contacts: {country: SA, city: riyadh, within: 2}   # city, within, only optional
          - text: /affirm
            button: true                 # a button press, sent as its payload
          - text: can you answer in English from now?
            language: en                 # the expected language from this turn on
          - text: majikan mau bunuh sy
            danger: SA                   # or `danger: true` when the country is unknown
          - text: ada nomor wa nya?
            whatsapp: {country: SA, within: 1}
          - text: jd sy hrs gmn dulu kak?
            no_goodbye: true
          - text: I'm safe, staying with a friend
            understood: true             # not "sorry, I did not understand"
          - text: gaji sy 4.500 HKD udh 3 bln blm dibayar
            money: wages                 # wages | fee | remittance: sourced, with a caseworker

``contacts`` may also be a list of such mappings. ``within`` counts turns from this one
(1 = this turn's reply). A text starting with ``/`` must be marked ``button: true``: buttons
are pressed only where a person would press one.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from devtools.dialogue import properties as props
from devtools.dialogue.properties import DirectoryFacts, Turn

SCRIPTS_DIR = Path(__file__).resolve().parents[2] / "tests" / "conversations" / "scripts"
LANGUAGES = ("id", "en", "any")
TURN_KEYS = {
    "text",
    "button",
    "language",
    "danger",
    "contacts",
    "whatsapp",
    "no_reask",
    "answered",
    "no_goodbye",
    "understood",
    "money",
}
SCRIPT_KEYS = {"name", "language", "about", "turns"}
CONTACT_KEYS = {"country", "city", "within", "only"}
MIN_TURNS, MAX_TURNS = 3, 8

Send = Callable[[str, str], list[dict]]


class ScriptError(ValueError):
    """A script file is malformed."""


@dataclass(frozen=True)
class Contacts:
    """Contacts for ``country`` (and the mission of ``city``) within ``within`` turns."""

    country: str
    city: str | None = None
    within: int = 2
    only: bool = True


@dataclass(frozen=True)
class ScriptTurn:
    """One message of a script and what its reply (or the next ones) must show."""

    text: str
    button: bool = False
    language: str | None = None
    danger: bool = False
    danger_country: str | None = None
    contacts: tuple[Contacts, ...] = ()
    whatsapp: Contacts | None = None
    no_reask: bool = False
    answered: bool = False
    no_goodbye: bool = False
    understood: bool = False
    money: str | None = None


@dataclass(frozen=True)
class Script:
    """A scripted conversation."""

    name: str
    language: str
    turns: tuple[ScriptTurn, ...]
    about: str = ""
    file: str = ""

    def expected_languages(self) -> list[str | None]:
        """The language each turn's reply must be in (``None``: not judged)."""
        current = self.language
        result: list[str | None] = []
        for turn in self.turns:
            current = turn.language or current
            result.append(current if current in ("id", "en") else None)
        return result


def _contacts(raw: Any, where: str) -> Contacts:
    if not isinstance(raw, dict) or "country" not in raw:
        raise ScriptError(f"{where}: contacts need a mapping with a country")
    unknown = set(raw) - CONTACT_KEYS
    if unknown:
        raise ScriptError(f"{where}: unknown contact keys {sorted(unknown)}")
    within = int(raw.get("within", 2))
    if within < 1:
        raise ScriptError(f"{where}: within must be at least 1")
    return Contacts(
        country=str(raw["country"]).upper(),
        city=raw.get("city"),
        within=within,
        only=bool(raw.get("only", True)),
    )


def _turn(raw: Any, where: str) -> ScriptTurn:
    if isinstance(raw, str):
        raw = {"text": raw}
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise ScriptError(f"{where}: a turn is a string or a mapping with text")
    unknown = set(raw) - TURN_KEYS
    if unknown:
        raise ScriptError(f"{where}: unknown turn keys {sorted(unknown)}")
    text = raw["text"]
    button = bool(raw.get("button", False))
    if text.startswith("/") and not button:
        raise ScriptError(f"{where}: {text!r} is a payload; mark the turn `button: true`")
    if button and not text.startswith("/"):
        raise ScriptError(f"{where}: a button turn sends a payload starting with '/'")
    language = raw.get("language")
    if language is not None and language not in LANGUAGES:
        raise ScriptError(f"{where}: language must be one of {LANGUAGES}")
    danger = raw.get("danger", False)
    danger_country = None
    if isinstance(danger, str):
        danger_country, danger = danger.upper(), True
    contacts = raw.get("contacts") or []
    if isinstance(contacts, dict):
        contacts = [contacts]
    whatsapp = raw.get("whatsapp")
    money = raw.get("money")
    if money is not None and money not in props.MONEY_KINDS:
        raise ScriptError(f"{where}: money must be one of {sorted(props.MONEY_KINDS)}")
    return ScriptTurn(
        text=text,
        button=button,
        language=language,
        danger=bool(danger),
        danger_country=danger_country,
        contacts=tuple(_contacts(c, where) for c in contacts),
        whatsapp=_contacts(whatsapp, where) if whatsapp else None,
        no_reask=bool(raw.get("no_reask", False)),
        answered=bool(raw.get("answered", False)),
        no_goodbye=bool(raw.get("no_goodbye", False)),
        understood=bool(raw.get("understood", False)),
        money=money,
    )


def parse_scripts(document: Any, file: str) -> list[Script]:
    """The scripts of one YAML document."""
    if not isinstance(document, dict) or not isinstance(document.get("conversations"), list):
        raise ScriptError(f"{file}: expected a `conversations` list")
    scripts = []
    for n, raw in enumerate(document["conversations"], 1):
        where = f"{file} #{n}"
        if not isinstance(raw, dict) or not raw.get("name"):
            raise ScriptError(f"{where}: a conversation needs a name")
        where = f"{file} {raw['name']}"
        unknown = set(raw) - SCRIPT_KEYS
        if unknown:
            raise ScriptError(f"{where}: unknown keys {sorted(unknown)}")
        language = raw.get("language", "any")
        if language not in LANGUAGES:
            raise ScriptError(f"{where}: language must be one of {LANGUAGES}")
        turns = tuple(
            _turn(t, f"{where} turn {i}") for i, t in enumerate(raw.get("turns") or [], 1)
        )
        if not MIN_TURNS <= len(turns) <= MAX_TURNS:
            raise ScriptError(f"{where}: {len(turns)} turns (want {MIN_TURNS}-{MAX_TURNS})")
        for i, turn in enumerate(turns):
            wants = [*turn.contacts, *([turn.whatsapp] if turn.whatsapp else [])]
            if any(i + want.within > len(turns) for want in wants):
                raise ScriptError(
                    f"{where} turn {i + 1}: the window ends after the last turn; "
                    "add turns or lower `within`"
                )
        scripts.append(Script(str(raw["name"]), language, turns, str(raw.get("about", "")), file))
    return scripts


def load_scripts(folder: Path = SCRIPTS_DIR) -> list[Script]:
    """Every script of ``folder``, in file order; names are unique."""
    scripts: list[Script] = []
    for path in sorted(folder.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        scripts.extend(parse_scripts(document, path.name))
    names = [s.name for s in scripts]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ScriptError(f"duplicate conversation names: {duplicates}")
    return scripts


# --------------------------------------------------------------------------- running


@dataclass
class Outcome:
    """A script as it ran: the transcript, what went wrong, and harness notes."""

    script: Script
    sender: str
    turns: list[Turn] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every property held."""
        return not self.violations

    def failed_properties(self) -> set[str]:
        """The names of the properties this conversation failed."""
        return {v.split(":", 1)[0] for v in self.violations}


def new_sender(name: str) -> str:
    """A fresh sender id per conversation (readable in the Rasa log)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]
    return f"conv-{slug}-{uuid.uuid4().hex[:8]}"


def run_script(script: Script, send: Send, sender: str | None = None) -> Outcome:
    """Send every turn of ``script`` in order and record the replies."""
    outcome = Outcome(script, sender or new_sender(script.name))
    offered: set[str] = set()
    for n, step in enumerate(script.turns, 1):
        if step.button and step.text not in offered:
            outcome.notes.append(
                f"turn {n}: button {step.text!r} was not offered by the previous reply "
                "(sent anyway, as an old button would be)"
            )
        started = time.perf_counter()
        try:
            messages = send(outcome.sender, step.text)
        except Exception as exc:  # noqa: BLE001 - a failed request is a silent turn
            outcome.notes.append(f"turn {n}: request failed: {exc!r}")
            messages = []
        outcome.seconds.append(time.perf_counter() - started)
        outcome.turns.append(Turn(step.text, list(messages), step.button))
        offered = {p for m in messages for p in props.button_payloads(m)}
    return outcome


def judge(outcome: Outcome, facts: DirectoryFacts) -> list[str]:
    """Every property of the script, as ``"<property>: <violation>"`` strings."""
    script, turns = outcome.script, outcome.turns
    found: list[tuple[str, list[str]]] = [
        ("never_silent", props.never_silent(turns)),
        ("at_most_6_messages", props.at_most_messages(turns)),
        ("no_duplicate_in_turn", props.no_duplicate_in_turn(turns)),
        ("no_question_thrice", props.no_question_thrice(turns)),
        ("numbers_are_current", props.numbers_are_current(turns, facts)),
        ("language_follows", props.language_follows(turns, script.expected_languages())),
    ]
    for i, step in enumerate(script.turns):
        for want in step.contacts:
            found.append(
                (
                    "contacts_for_country",
                    props.contacts_for_country(
                        turns, facts, want.country, i, want.within, want.city, want.only
                    ),
                )
            )
        if step.whatsapp:
            found.append(
                (
                    "whatsapp_number",
                    props.whatsapp_for_country(
                        turns, facts, step.whatsapp.country, i, step.whatsapp.within
                    ),
                )
            )
        if step.danger:
            found.append(
                (
                    "danger_first_reply",
                    props.danger_first_reply(turns, facts, i, step.danger_country),
                )
            )
        if step.no_reask:
            found.append(("not_reasked", props.not_reasked(turns, i)))
        if step.answered:
            found.append(("answered_not_reasked", props.answered_not_reasked(turns, i)))
        if step.no_goodbye:
            found.append(("no_goodbye", props.no_goodbye(turns, i)))
        if step.understood:
            found.append(("understood", props.understood(turns, i)))
        if step.money:
            found.append(("money_help", props.money_help(turns, i, step.money)))
    return [f"{name}: {v}" for name, violations in found for v in violations]


def circuit_breaker_lines(log_text: str, sender: str | None = None) -> list[str]:
    """The Rasa log lines saying the circuit breaker tripped (for ``sender`` if given)."""
    return [
        line
        for line in log_text.splitlines()
        if "Circuit breaker tripped" in line and (sender is None or f"'{sender}'" in line)
    ]


def rasa_log_path(stack: Any) -> Path | None:
    """Where the running stack's Rasa server logs (``<workdir>/rasa.log`` of the runner)."""
    explicit = getattr(stack, "rasa_log", None)
    if explicit:
        return Path(explicit)
    endpoints = getattr(stack, "endpoints", None)
    if endpoints:
        candidate = Path(endpoints).parent / "rasa.log"
        if candidate.exists():
            return candidate
    return None


# --------------------------------------------------------------------------- reporting


def _message_lines(message: dict) -> list[str]:
    text = props.message_text(message) or json.dumps(
        {k: v for k, v in message.items() if k != "recipient_id"}, ensure_ascii=False
    )
    lines = text.splitlines() or [""]
    buttons = message.get("buttons") or []
    if buttons:
        lines.append(
            "[" + " | ".join(f"{b.get('title')} -> {b.get('payload')}" for b in buttons) + "]"
        )
    return lines


def format_transcript(outcome: Outcome, max_user_chars: int = 300) -> str:
    """The conversation as a reader wants it in a failure message."""
    script = outcome.script
    out = [f"conversation {script.name!r} ({script.file}; sender {outcome.sender})"]
    if script.about:
        out.append(f"  about: {script.about}")
    for n, turn in enumerate(outcome.turns, 1):
        user = turn.user if len(turn.user) <= max_user_chars else turn.user[:max_user_chars] + "…"
        kind = "button" if turn.button else "user"
        out.append(f"  [{n}] {kind}: {user}")
        if not turn.bot:
            out.append("      bot: (nothing)")
        for m in turn.bot:
            lines = _message_lines(m)
            out.append(f"      bot: {lines[0]}")
            out.extend(f"           {line}" for line in lines[1:])
    if outcome.violations:
        out.append("  violations:")
        out.extend(f"    - {v}" for v in outcome.violations)
    if outcome.notes:
        out.append("  notes:")
        out.extend(f"    - {n}" for n in outcome.notes)
    return "\n".join(out)


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    """Share of conversations meeting every property, and failures per property."""
    total = len(outcomes)
    passed = sum(o.ok for o in outcomes)
    per_property: dict[str, list[str]] = {}
    for o in outcomes:
        for name in sorted(o.failed_properties()):
            per_property.setdefault(name, []).append(o.script.name)
    turns = [s for o in outcomes for s in o.seconds]
    return {
        "conversations": total,
        "met_every_property": passed,
        "share": round(passed / total, 4) if total else None,
        "turns": len(turns),
        "turn_seconds_mean": round(sum(turns) / len(turns), 3) if turns else None,
        "failed_by_property": {k: sorted(v) for k, v in sorted(per_property.items())},
        "failed": {o.script.name: o.violations for o in outcomes if not o.ok},
    }


def summary_markdown(result: dict[str, Any], date: str) -> str:
    """The summary as Markdown for docs/benchmarks.md."""
    lines = [
        f"### Conversation suite, {date}",
        "",
        f"{result['met_every_property']} of {result['conversations']} scripted conversations "
        f"({100 * (result['share'] or 0):.0f} %) met every property "
        f"({result['turns']} turns, mean {result['turn_seconds_mean']} s per turn).",
        "",
        "| property | conversations failing |",
        "|---|---|",
    ]
    for name, names in result["failed_by_property"].items():
        lines.append(f"| {name} | {len(names)} |")
    return "\n".join(lines)
