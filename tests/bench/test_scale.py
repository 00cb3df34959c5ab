"""The scale-out benchmark's section: both runs, the ratio and the verdict against 1.5x."""

from __future__ import annotations

from bench.scale import MARK, section


def _run(instances: int, msg_per_s: float) -> dict:
    return {
        "instances": instances,
        "msg_per_s": msg_per_s,
        "p50_ms": 400.0,
        "p95_ms": 900.0,
        "turns": 600,
        "failures": 0,
        "load": 3.1,
        "cpu_ms_per_turn": {"actions": 9.0, "rasa": 20.0 / instances, "load generator": 2.5},
    }


def test_the_section_states_the_ratio_and_whether_the_target_is_met():
    result = {"date": "2026-12-02", "seconds": 30.0, "clients": 16}
    met = section({**result, "runs": [_run(1, 20.0), _run(2, 31.0)]})
    assert met.startswith(f"## 2026-12-02 — scale-out behind nginx {MARK}")
    assert "**1.55×**" in met and "met)" in met and "not met" not in met
    short = section({**result, "runs": [_run(1, 20.0), _run(2, 24.0)]})
    assert "**1.20×**" in short and "not met" in short
    assert "| 2 | 24.0 | 400 ms | 900 ms | 600 | 0 | 3.1 |" in short


def test_the_section_says_where_each_turns_cpu_went():
    result = {"date": "2026-12-02", "seconds": 30.0, "clients": 16}
    text = section({**result, "runs": [_run(1, 20.0), _run(2, 31.0)]})
    assert "| process | 1 instance(s) | 2 instance(s) |" in text
    rows = [
        line for line in text.splitlines() if line.startswith("| ") and "instance(s)" not in line
    ]
    names = [
        row.split("|")[1].strip()
        for row in rows
        if row.split("|")[1].strip() in ("rasa", "actions", "load generator", "total")
    ]
    assert names == ["rasa", "actions", "load generator", "total"]
    assert "| rasa | 20.0 | 10.0 |" in text
    assert "| total | 31.5 | 21.5 |" in text
