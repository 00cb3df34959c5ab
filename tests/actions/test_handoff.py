"""Handing over to a caseworker, as plain dialogue: consent first, a case only on yes."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.contacts import directory
from actions.flow import respond
from actions.handoff import CONSENT_VERSION, HandoffUnavailable, Team, describe, open_at
from actions.state import State
from actions.understanding import Message
from bot.cases.models import OfficeHours
from bot.texts import text

ALWAYS = OfficeHours(tz="UTC", days=(0, 1, 2, 3, 4, 5, 6), start="00:00", end="24:00")
NEVER = OfficeHours(tz="UTC", days=(), start="09:00", end="17:00")


class FakeDesk:
    """A desk that records what it was asked (the real one is tests/actions/test_turn.py's)."""

    retention_days = 180

    def __init__(self, hours: OfficeHours = ALWAYS, fail: bool = False) -> None:
        self.hours = hours
        self.fail = fail
        self.opened: list[tuple[State, float]] = []

    def organisation(self, country: str | None) -> Team:
        return Team("Serikat Buruh Migran", self.hours)

    def open_case(self, state: State, consent_at: float) -> Team:
        if self.fail:
            raise HandoffUnavailable("database down")
        self.opened.append((state.copy(), consent_at))
        return self.organisation(state.country)


def msg(text: str, intent: str, conf: float = 0.9, **entities: str) -> Message:
    return Message(text, intent, conf, ((intent, conf),), tuple(entities.items()))


def talk(desk: FakeDesk, turns: list[Message], lang: str = "id") -> tuple[State, list[str]]:
    state = State(language=lang)
    replies = []
    for message in turns:
        replies.append("\n".join(m["text"] for m in respond(state, message, directory(), desk)))
    return state, replies


def test_asking_for_a_person_asks_consent_naming_who_and_how_long():
    desk = FakeDesk()
    state, replies = talk(desk, [msg("mau ngomong sama orang aja", "request_human")])
    assert "Serikat Buruh Migran" in replies[0] and "180" in replies[0]
    assert state.pending == "consent" and desk.opened == []


def test_yes_opens_one_case_and_says_what_happens_next():
    desk = FakeDesk()
    state, replies = talk(
        desk,
        [
            msg("gaji sy gk dibayar, sy di riyadh", "report_unpaid_wages", city="Riyadh"),
            msg("mau bicara dgn petugas", "request_human"),
            msg("iya boleh", "affirm"),
        ],
    )
    assert len(desk.opened) == 1
    opened, consent_at = desk.opened[0]
    assert opened.problem == "unpaid_wages" and opened.country == "SA"
    assert consent_at > 0 and state.handoff_active and state.consent_share
    assert "petugas" in replies[-1].lower()


@pytest.mark.parametrize("hours", [ALWAYS, NEVER], ids=["office-open", "office-closed"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_safe_contact_question_follows_the_case_opening(hours: OfficeHours, lang: str):
    desk = FakeDesk(hours=hours)
    state = State(language=lang)
    respond(state, msg("talk to a caseworker", "request_human"), directory(), desk)
    before = respond(state, msg("ya", "affirm"), directory(), desk)
    texts = [m["text"] for m in before]
    assert len(desk.opened) == 1
    assert texts[-1] == text("contact_question", lang)  # the last word of the turn
    assert texts.count(text("contact_question", lang)) == 1
    opened = "handoff_opened" if hours is ALWAYS else "handoff_opened_closed"
    assert texts[0].startswith(text(opened, lang).split("{")[0])


def test_without_a_case_there_is_no_contact_question():
    question = text("contact_question", "id")
    _, down = talk(FakeDesk(fail=True), [msg("petugas", "request_human"), msg("ya", "affirm")])
    _, declined = talk(FakeDesk(), [msg("petugas", "request_human"), msg("tidak", "deny")])
    assert question not in down[-1] and question not in declined[-1]


def test_no_opens_nothing_and_gives_the_contacts():
    desk = FakeDesk()
    state, replies = talk(
        desk,
        [
            msg("sy di hong kong", "inform", country="Hong Kong"),
            msg("can I talk to a human", "request_human"),
            msg("gak usah", "deny"),
        ],
    )
    assert desk.opened == [] and state.consent_share is False and not state.handoff_active
    assert any(ch.isdigit() for ch in replies[-1])  # a number to call instead


def test_outside_office_hours_the_person_is_told_honestly_with_hotlines():
    desk = FakeDesk(hours=NEVER)
    _, replies = talk(
        desk, [msg("talk to a caseworker", "request_human"), msg("yes", "affirm")], "en"
    )
    assert "closed" in replies[-1] and any(ch.isdigit() for ch in replies[-1])


def test_a_store_that_is_down_still_answers_with_hotlines():
    desk = FakeDesk(fail=True)
    state, replies = talk(desk, [msg("petugas", "request_human"), msg("ya", "affirm")])
    assert not state.handoff_active and any(ch.isdigit() for ch in replies[-1])


def test_trafficking_offers_a_caseworker_once_with_the_contacts():
    desk = FakeDesk()
    state, replies = talk(
        desk,
        [
            msg(
                "kami dikurung di rumah di erbil, paspor diambil",
                "report_trafficking",
                city="Erbil",
            ),
            msg("tidak aman", "deny"),
        ],
    )
    joined = "\n".join(replies)
    assert joined.count("Serikat Buruh Migran") == 1
    assert state.pending in ("consent", "emergency_place", "storage", None)


def test_an_emergency_during_the_consent_question_gets_the_numbers_first():
    desk = FakeDesk()
    state, replies = talk(
        desk,
        [
            msg("sy di dubai", "inform", city="Dubai"),
            msg("petugas", "request_human"),
            msg("tolong dia mau bunuh sy", "emergency"),
        ],
    )
    assert desk.opened == []
    assert any(ch.isdigit() for ch in replies[-1])


def test_without_a_desk_asking_for_a_person_gives_the_hotlines():
    state = State()
    reply = respond(state, msg("petugas", "request_human"), directory())
    assert any(ch.isdigit() for m in reply for ch in m["text"])


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.timezone.utc), True),  # Wed 10:00 WIB
        (dt.datetime(2026, 12, 2, 11, 0, tzinfo=dt.timezone.utc), False),  # Wed 18:00 WIB
        (dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.timezone.utc), False),  # Saturday
    ],
)
def test_office_hours_in_the_organisations_time_zone(when: dt.datetime, expected: bool):
    assert open_at(OfficeHours(), when.timestamp()) is expected


def test_office_hours_described_in_the_persons_language():
    assert describe(OfficeHours(), "id") == "Senin–Jumat 09:00–17:00 (Asia/Jakarta)"
    assert describe(OfficeHours(), "en").startswith("Monday–Friday")


def test_the_consent_version_is_named():
    assert CONSENT_VERSION.startswith("handoff-consent-")


def test_asking_for_a_person_again_while_asked_to_agree_is_a_yes():
    desk = FakeDesk()
    state, _ = talk(
        desk,
        [
            msg("sy di hong kong", "inform", country="Hong Kong"),
            msg("sy mau bicara dgn petugas", "request_human"),
            msg("ya sambungkan", "request_human"),  # typed to "Setuju?": not asked again
        ],
    )
    assert len(desk.opened) == 1 and state.consent_share is True
