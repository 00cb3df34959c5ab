"""The real desk: `action_turn` opens a case in the case store on SQLite, after consent only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from rasa_sdk.events import SlotSet

from actions import case_desk
from actions.case_desk import summary, transcript
from actions.handoff import CONSENT_VERSION
from actions.state import State
from actions.turn import ActionTurn
from bot.cases.store import CaseStore
from bot.security.encryption import Cipher
from bot.storage.engine import create_engine
from tests.helpers.trackers import make_tracker, user_event

KEY = Fernet.generate_key().decode()


@pytest.fixture
def engine(tmp_path, monkeypatch) -> sa.engine.Engine:
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    monkeypatch.setenv("LENTERA_DATABASE_URL", url)
    monkeypatch.setenv("LENTERA_ENCRYPTION_KEYS", KEY)
    monkeypatch.setattr(case_desk, "_stores", {})
    return create_engine(url)


@pytest.fixture
def store(engine) -> CaseStore:
    cases = CaseStore(engine, Cipher((KEY,)))
    cases.create_organisation("Migrant Care HK", ["HK"], default=False)
    cases.create_organisation("Lentera Demo", [], default=True)
    return cases


def history() -> list[dict]:
    return [
        user_event("majikan sy mukul sy, sy di hong kong", "report_abuse"),
        {"event": "bot", "text": "Maaf itu terjadi. Apakah Anda aman sekarang?"},
        user_event("mau ngomong sama petugas", "request_human"),
        {"event": "bot", "text": "Saya bisa sambungkan Anda dengan petugas Migrant Care HK."},
    ]


def test_consent_question_names_the_organisation_serving_the_country(store, dispatcher, texts):
    tracker = make_tracker(intent="request_human", text="petugas", slots={"country": "HK"})
    ActionTurn().run(dispatcher, tracker, {})
    assert "Migrant Care HK" in "\n".join(texts())
    assert store.queue(store.organisation_for("HK").id) == []  # nothing before consent


def test_yes_opens_the_case_with_summary_transcript_and_consent(store, dispatcher, texts):
    slots = {"country": "HK", "problem": "abuse", "pending": "consent", "is_safe_now": False}
    tracker = make_tracker(intent="affirm", text="iya", slots=slots, events=history())
    ActionTurn().run(dispatcher, tracker, {})
    org = store.organisation_for("HK")
    [case] = store.queue(org.id)
    assert case.conversation_id == "test-user" and case.risk == "urgent"
    assert case.consent_version == CONSENT_VERSION and case.consent_at > 0
    assert "abuse" in (case.summary or "")
    said = [m.body for m in store.transcript(case.id)]
    assert "majikan sy mukul sy, sy di hong kong" in said
    assert any("Apakah Anda aman" in line for line in said)  # the assistant's turns too
    assert "Migrant Care HK" in texts()[0]


def test_no_leaves_no_case_row(store, engine, dispatcher, texts):
    slots = {"country": "HK", "pending": "consent"}
    tracker = make_tracker(intent="deny", text="gak usah", slots=slots, events=history())
    ActionTurn().run(dispatcher, tracker, {})
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from cases")).scalar() == 0
    assert any(ch.isdigit() for ch in "".join(texts()))


def test_the_same_conversation_never_gets_two_cases(store, dispatcher):
    slots = {"country": "HK", "pending": "consent"}
    for _ in range(2):
        ActionTurn().run(dispatcher, make_tracker(intent="affirm", text="ya", slots=slots), {})
    assert len(store.queue(store.organisation_for("HK").id)) == 1


def test_summary_has_no_message_text_and_transcript_keeps_order():
    state = State(problem="detention", country="MY", city="Johor Bahru", is_safe_now=False)
    assert summary(state).startswith("problem: detention; country: MY")
    tracker = make_tracker(intent="affirm", text="ya", events=history())
    authors = [author for author, _, _ in transcript(tracker)]
    assert authors[:2] == ["person", "assistant"] and authors[-1] == "person"


def test_the_answer_to_the_storage_notice_is_recorded_with_time_and_version(engine, dispatcher):
    from bot.privacy.consent import NOTICE_VERSION, Consents

    tracker = make_tracker(intent="affirm", text="boleh simpan", slots={"pending": "storage"})
    events = ActionTurn().run(dispatcher, tracker, {})
    assert SlotSet("storage_consent", True) in events
    agreed, version, at = Consents(engine).get(tracker.sender_id)
    assert agreed and version == NOTICE_VERSION and at > 0
    later = make_tracker(
        intent="delete_my_data", text="jangan simpan chat saya", slots={"storage_consent": True}
    )
    ActionTurn().run(dispatcher, later, {})
    assert Consents(engine).get(tracker.sender_id)[0] is False


def test_the_computed_wage_claim_goes_into_the_case_summary():
    line = "Wage claim computed from the person's own figures: HKD 4,500/month x 3"
    assert line in summary(State(problem="unpaid_wages", country="HK", money_summary=line))
