"""Unit tests of the conversation scripts and their harness (devtools/dialogue/suite.py).

The harness runs offline here, against a fake bot; the scripts themselves are run against the
real stack by tests/conversations/test_free_text.py.
"""

from __future__ import annotations

import pytest

from devtools.dialogue.suite import (
    MAX_TURNS,
    MIN_TURNS,
    Outcome,
    ScriptError,
    circuit_breaker_lines,
    format_transcript,
    judge,
    load_scripts,
    parse_scripts,
    run_script,
    summary,
)

SAFE_Q = {"text": "Apakah Anda aman sekarang?", "buttons": [{"title": "Ya", "payload": "/affirm"}]}
RIYADH = "KBRI Riyadh\n- Telepon: +966 56 917 3990 tel:+966569173990"


def msg(text: str, **extra) -> dict:
    return {"recipient_id": "x", "text": text, **extra}


def test_scripts_load_and_cover_what_issue_7_lists() -> None:
    scripts = load_scripts()
    assert len(scripts) >= 60
    assert {s.language for s in scripts} >= {"id", "en", "any"}
    assert all(MIN_TURNS <= len(s.turns) <= MAX_TURNS for s in scripts)
    texts = [t.text for s in scripts for t in s.turns]
    for typed in [
        "gaji sy blm dibayar 3 bulan",
        "iya saya aman",
        "aman kak",
        "safe kok kak, cuma stress",
        "I'm safe, I'm staying with a friend",
        "klo siang aman, malem dijaga mandor",
        "sy di penang, daerah bayan lepas",
        "ada yg bs jemput kami gk?",
        "nomor kbri di irak ada gk?",
        "Is there an Indonesian embassy in Poland?",
        "can embassy help renew my permit?",
        "can you answer in English from now?",
        "nomor kbri riyadh berapa",
        "jd sy hrs gmn dulu kak?",
        "Is there also a WhatsApp number? My credit is almost finished",
        "hp sy mau abis batre, ada nmr wa yg bs sy chat aja?",
        "Help, the boss's men are outside our container house and they say they will beat "
        "us tonight… We are in Poland",
    ]:
        assert typed in texts, typed
    assert max(len(t) for t in texts) >= 3000
    assert sum(t.danger for s in scripts for t in s.turns) >= 15
    assert all(t.text.startswith("/") == t.button for s in scripts for t in s.turns)


def test_a_payload_must_be_marked_as_a_button() -> None:
    raw = {"conversations": [{"name": "x", "turns": ["halo", "/affirm", "ok"]}]}
    with pytest.raises(ScriptError, match="button"):
        parse_scripts(raw, "x.yml")
    raw["conversations"][0]["turns"][1] = {"text": "/affirm", "button": True}
    assert parse_scripts(raw, "x.yml")[0].turns[1].button


def test_scripts_reject_unknown_keys_and_bad_lengths() -> None:
    with pytest.raises(ScriptError, match="unknown turn keys"):
        parse_scripts(
            {"conversations": [{"name": "x", "turns": [{"text": "a", "contact": {}}] * 3}]}, "f"
        )
    with pytest.raises(ScriptError, match="turns"):
        parse_scripts({"conversations": [{"name": "x", "turns": ["a"]}]}, "f")


def test_an_expectation_window_must_fit_in_the_script() -> None:
    turns = ["halo", "gaji blm dibayar", {"text": "di riyadh", "contacts": {"country": "SA"}}]
    with pytest.raises(ScriptError, match="window ends after the last turn"):
        parse_scripts({"conversations": [{"name": "x", "turns": turns}]}, "f")
    turns[2]["contacts"]["within"] = 1
    assert parse_scripts({"conversations": [{"name": "x", "turns": turns}]}, "f")


def test_run_and_judge_a_script_offline(facts) -> None:
    """The harness end to end against a fake bot: violations name their property."""
    raw = {
        "conversations": [
            {
                "name": "fake",
                "language": "id",
                "turns": [
                    "gaji sy blm dibayar 3 bulan",
                    {"text": "iya saya aman", "no_reask": True},
                    {
                        "text": "sy di riyadh",
                        "contacts": {"country": "SA", "city": "riyadh", "within": 1},
                    },
                    {"text": "/affirm", "button": True},
                ],
            }
        ]
    }
    script = parse_scripts(raw, "fake.yml")[0]
    replies = {
        "gaji sy blm dibayar 3 bulan": [SAFE_Q],
        "iya saya aman": [SAFE_Q],
        "sy di riyadh": [msg(RIYADH)],
        "/affirm": [],
    }
    outcome = run_script(script, lambda sender, text: replies[text])
    outcome.violations = judge(outcome, facts)
    assert sorted(outcome.failed_properties()) == ["never_silent", "not_reasked"]
    assert outcome.notes and "not offered" in outcome.notes[0]
    shown = format_transcript(outcome)
    assert "[2] user: iya saya aman" in shown and "bot: (nothing)" in shown
    result = summary([outcome, Outcome(script, "s2")])
    assert result["conversations"] == 2 and result["met_every_property"] == 1


def test_circuit_breaker_lines() -> None:
    log = (
        "2026-12-01 WARNING rasa.core.processor - Circuit breaker tripped. Stopped predicting "
        "more actions for sender 'conv-a-1'.\nINFO other line\n"
    )
    assert len(circuit_breaker_lines(log)) == 1
    assert len(circuit_breaker_lines(log, "conv-a-1")) == 1
    assert circuit_breaker_lines(log, "conv-b-2") == []
