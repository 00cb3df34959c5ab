"""Innocent previews: the first line of everything Lentera sends holds no alarming word.

The unit tests pin what a preview is and how words match; the rest renders every text a
person can receive, as it is sent (both languages, every country of the directory, format
placeholders filled), and checks its first 60 characters against the shipped denylist:

- the text store (``bot/texts/messages.yml``, ``answers.yml``) and domain responses;
- the dialogue's output (``actions.flow.respond``) for every problem, the emergency, each
  referral request, rights questions, follow-ups, a handoff and deletion;
- the connectors' own messages (the guard's apology, the emergency contacts during a
  handoff, the safe word's line, the unsupported-media reply);
- the canned replies the console seeds.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.fernet import Fernet

from actions.contacts import directory
from actions.flow import PROBLEM_OF_INTENT, respond
from actions.handoff import HandoffUnavailable, Team
from actions.referral import TOPIC_OF_INTENT
from actions.state import State
from actions.understanding import Message
from bot.cases.models import OfficeHours
from bot.channels.guard import apology, emergency_messages
from bot.channels.handoff import contact_confirmation
from bot.console.cli import seed_demo
from bot.console.staff import StaffStore
from bot.languages import LANGUAGES
from bot.privacy.previews import (
    PREVIEW_CHARS,
    SHIPPED_DENYLIST,
    alarming_words,
    denylist,
    preview,
    read_denylist,
)
from bot.privacy.safe_contact import parse as parse_contact
from bot.settings import SettingsError, load_console_settings
from bot.storage.engine import create_engine
from bot.texts import ANSWERS_PATH, messages, text

ROOT = Path(__file__).resolve().parents[3]
ALWAYS = OfficeHours(tz="UTC", days=(0, 1, 2, 3, 4, 5, 6), start="00:00", end="24:00")
NEVER = OfficeHours(tz="UTC", days=(), start="09:00", end="17:00")
# Realistic values for the texts' placeholders (names of the kind NGOs really carry).
VALUES = {
    "org": "Serikat Buruh Migran Indonesia",
    "days": "180",
    "hours": "Senin-Jumat 09:00-17:00 (Asia/Jakarta)",
    "country": "Polandia",
    "date": "2026-11-25",
}
# Button labels: never a message's text, so never in a notification.
BUTTON_LABELS = {"long_story_topics", "more_contacts_button", "choose_button"}


# -- what a preview is ---------------------------------------------------------------------


def test_the_preview_is_the_first_line_cut_at_60_characters() -> None:
    assert preview("\n  Halo\nPolisi setempat") == "Halo"
    long = "a" * 59 + " police"
    assert preview(long) == long[:PREVIEW_CHARS]
    assert alarming_words(long) == []  # the word starts past what the screen shows
    assert alarming_words("Hubungi polisi\n") == ["polisi"]
    assert alarming_words("Kontak:\nPolisi Hong Kong - darurat 999") == []


def test_words_match_whole_any_case_and_phrases_across_spaces_and_hyphens() -> None:
    assert alarming_words("POLICE nearby") == ["police"]
    assert alarming_words("Our policy on data") == []  # a word, not a prefix
    assert alarming_words("Anti-trafficking hotline") == ["trafficking"]
    assert alarming_words("Ada rumah  aman di sini?") == ["rumah aman"]
    assert alarming_words("Don't run-away") == ["run away"]
    assert alarming_words("Saya dipukul, lalu kabur") == ["dipukul", "kabur"]  # in order
    assert alarming_words("Rumah Anda aman?") == []


def test_the_shipped_list_covers_both_languages() -> None:
    words = read_denylist(SHIPPED_DENYLIST)
    for word in (
        "kekerasan",
        "disiksa",
        "siksa",
        "trafiking",
        "perdagangan orang",
        "kabur",
        "polisi",
        "shelter",
        "rumah aman",
        "dipukul",
        "diperkosa",
        "pelecehan",
        "abuse",
        "abused",
        "trafficking",
        "violence",
        "police",
        "escape",
        "rape",
        "beaten",
        "runaway",
    ):
        assert word in words
    assert len(words) == len(set(words)) and all(w == w.lower() for w in words)
    assert denylist() == words  # the default when LENTERA_PREVIEW_DENYLIST is not set


def test_lentera_preview_denylist_replaces_the_shipped_list(tmp_path, monkeypatch) -> None:
    own = tmp_path / "words.txt"
    own.write_text("# our list\nResep Rahasia\n\nbadword\n", encoding="utf-8")
    monkeypatch.setenv("LENTERA_PREVIEW_DENYLIST", str(own))
    assert denylist() == ("resep rahasia", "badword")
    assert alarming_words("Resep  rahasia tersimpan") == ["resep rahasia"]
    assert alarming_words("Call the police") == []  # the shipped list is not in force


def test_a_denylist_path_that_is_no_file_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LENTERA_PREVIEW_DENYLIST", str(tmp_path / "missing.txt"))
    with pytest.raises(SettingsError, match="LENTERA_PREVIEW_DENYLIST"):
        denylist()


# -- the texts, as sent ----------------------------------------------------------------------


def failures(texts: list[tuple[str, str]]) -> list[str]:
    """``where: preview -> words`` for every text whose preview has a denylisted word."""
    return [
        f"{where}: {preview(body)!r} -> {alarming_words(body)}"
        for where, body in texts
        if alarming_words(body)
    ]


def store_texts() -> Iterator[tuple[str, str]]:
    """Every button-free text of messages.yml in both languages, placeholders filled."""
    for key, entry in messages().items():
        if key in BUTTON_LABELS or not isinstance(entry, dict) or "payload" in entry:
            continue
        if "id" not in entry:
            continue
        for lang in LANGUAGES:
            yield f"messages.yml {key} ({lang})", text(key, lang).format(**VALUES)


def answer_texts() -> Iterator[tuple[str, str]]:
    """Every answer of answers.yml, per topic, country and language."""
    with ANSWERS_PATH.open(encoding="utf-8") as handle:
        answers = yaml.safe_load(handle)
    for topic, by_country in answers.items():
        for country, item in by_country.items():
            for lang in LANGUAGES:
                yield f"answers.yml {topic}.{country} ({lang})", str(item[lang])


def domain_texts() -> Iterator[tuple[str, str]]:
    """Every response variation of domain.yml (there may be none: actions send the texts)."""
    with (ROOT / "domain.yml").open(encoding="utf-8") as handle:
        domain = yaml.safe_load(handle) or {}
    for name, variations in (domain.get("responses") or {}).items():
        for n, variation in enumerate(variations or []):
            if variation.get("text"):
                yield f"domain.yml {name}[{n}]", str(variation["text"])


def test_every_stored_text_and_response_has_an_innocent_first_line() -> None:
    texts = [*store_texts(), *answer_texts(), *domain_texts()]
    assert len(texts) > 100
    assert failures(texts) == []


# -- the dialogue ------------------------------------------------------------------------------


class Desk:
    """A desk that always takes the case (open, or closed so the numbers follow)."""

    retention_days = 180

    def __init__(self, hours: OfficeHours) -> None:
        self.hours = hours

    def organisation(self, country: str | None) -> Team:
        return Team(VALUES["org"], self.hours)

    def open_case(self, state: State, consent_at: float) -> Team:
        return self.organisation(state.country)


class DeskDown(Desk):
    def organisation(self, country: str | None) -> Team:
        raise HandoffUnavailable("database down")


def msg(words: str, intent: str, *, button: bool = False, **entities: str) -> Message:
    said = f"/{intent}" if button else words
    return Message(said, intent, 0.9, ((intent, 0.9),), tuple(entities.items()))


def conversations(country: str | None) -> Iterator[tuple[str, list[Message]]]:
    """Conversations that reach every kind of reply, in ``country`` (None: not said)."""
    place = {"country": country} if country else {}
    where = msg(f"saya di {country}", "inform", **place) if country else None
    placed = [where] if where else []
    for intent in PROBLEM_OF_INTENT:
        yield intent, [msg("tolong saya", intent, **place), msg("ya", "affirm", button=True)]
        yield (
            f"{intent}, not safe",
            [
                msg("tolong", intent, **place),
                msg("tidak", "deny", button=True),
                *placed,
                msg("kontak lain", "more_options", button=True),
            ],
        )
    yield "emergency", [msg("tolong cepat", "emergency", **place), *placed]
    yield "emergency, then the place", [msg("tolong cepat", "emergency"), *placed]
    for intent in TOPIC_OF_INTENT:
        yield (
            intent,
            [
                msg("minta kontak", intent, **place),
                *placed,
                msg("kontak lain", "more_options", button=True),
                msg("ada nomor wa yang bisa saya chat?", intent),
                msg("yang buka 24 jam?", intent),
                msg("nomor ini masih aktif?", intent),
            ],
        )
    for intent in ("ask_rights", "ask_safe_migration"):
        yield intent, [msg("hak saya apa", intent, **place)]
    yield (
        "a caseworker, yes",
        [
            *placed,
            msg("mau bicara dengan petugas", "request_human"),
            msg("ya", "affirm", button=True),
        ],
    )
    yield (
        "a caseworker, no",
        [
            *placed,
            msg("mau bicara dengan petugas", "request_human"),
            msg("tidak", "deny", button=True),
        ],
    )
    yield (
        "trafficking, consent offered",
        [
            msg("saya dijual", "report_trafficking", **place),
            msg("tidak", "deny", button=True),
            *placed,
            msg("ya", "affirm", button=True),
        ],
    )
    yield "delete my data", [msg("hapus data saya", "delete_my_data"), msg("ya", "affirm")]
    yield (
        "small talk",
        [
            msg("halo", "greet"),
            msg("halo", "greet"),
            msg("kamu robot?", "bot_challenge"),
            msg("cuaca hari ini", "out_of_scope"),
            msg("asdf", "nlu_fallback"),
            msg("qwer", "nlu_fallback"),
            msg("makasih", "thank"),
            msg("dah", "goodbye"),
            msg("english please", "choose_language", language="en"),
        ],
    )


def dialogue_texts(lang: str, desks: list[Any]) -> Iterator[tuple[str, str]]:
    places = [None, *sorted(directory().countries()), "PL"]  # PL: nothing local listed
    for country in places:
        for desk in desks:
            for name, turns in conversations(country):
                state = State(language=lang)
                for n, turn in enumerate(turns):
                    for m in respond(state, turn, directory(), desk):
                        yield f"{name} in {country} ({lang}), turn {n + 1}", m["text"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reply_of_the_dialogue_has_an_innocent_first_line(lang: str) -> None:
    desks = [Desk(ALWAYS), Desk(NEVER), DeskDown(ALWAYS), None]
    texts = list(dialogue_texts(lang, desks))
    assert len({body for _, body in texts}) > 200
    assert failures(texts) == []


# -- the connectors and the console ----------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_connectors_own_messages_have_an_innocent_first_line(lang: str) -> None:
    texts = [("guard apology", apology(lang)["text"])]
    for country in [None, *sorted(directory().countries())]:
        during_case = emergency_messages(country, lang)
        # bot/channels/handoff.py: the urgent notice leads the first emergency message.
        during_case[0] = text("handoff_urgent", lang) + "\n\n" + during_case[0]
        texts += [(f"emergency during a case in {country}", body) for body in during_case]
    for key in ("safe_exit", "unsupported", "choose", "numbered_hint", "handoff_returned"):
        texts.append((key, text(key, lang)))
    for answer in ("jam 19-21", "kapan saja", "jangan"):  # the safe-contact confirmations
        preference = parse_contact(answer)
        assert preference is not None
        texts.append((f"contact answer {answer}", contact_confirmation(preference, lang)))
    assert failures(texts) == []


def test_the_canned_replies_the_console_seeds_have_an_innocent_first_line(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    env = {
        "LENTERA_DATABASE_URL": url,
        "LENTERA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "LENTERA_CONSOLE_ADMIN_PASSWORD": "a long demo password 1",
    }
    seed_demo(load_console_settings(env), io.StringIO())
    engine = create_engine(url)
    staff = StaffStore(engine)
    admin = staff.by_email("admin@lentera.local")
    assert admin is not None  # the seed ran
    seeded = staff.canned(admin.organisation_id)
    assert failures([(f"canned {c.title}", c.body) for c in seeded]) == []
    engine.dispose()
