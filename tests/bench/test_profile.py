"""The profile benchmark's bookkeeping: stacks to components, samples to ms per turn."""

from __future__ import annotations

from bench.profile import MARK, RATE, breakdown, component, per_turn_ms, section

RAW = "\n".join(
    [
        "run (sanic/app.py:1);handle (bot/channels/guard.py:2);predict (rasa/core/policies/"
        "ted_policy.py:3);featurize (rasa/core/featurizers/tracker_featurizers.py:4) 40",
        "run (sanic/app.py:1);process (rasa/nlu/classifiers/diet_classifier.py:9) 100",
        "run (sanic/app.py:1);save (bot/storage/tracker_store.py:7) 20",
        "mystery (somewhere.py:1) 2",
        "not a sample line",
    ]
)


def test_each_stack_goes_to_its_most_specific_component():
    counts = breakdown(RAW)
    assert counts["policies: TED"] == 40  # not "featurizers": TED featurizes trackers
    assert counts["NLU: DIET classifier"] == 100
    assert counts["tracker store (load, save, encrypt)"] == 20
    assert counts["other"] == 2
    assert component("x (sanic/server.py:1)").startswith("web server")


def test_samples_become_cpu_ms_per_turn_and_a_table():
    ms = per_turn_ms(breakdown(RAW), turns=2)
    assert ms["NLU: DIET classifier"] == 1000.0 * 100 / RATE / 2
    assert list(ms)[0] == "NLU: DIET classifier"  # largest first
    assert per_turn_ms(breakdown(RAW), turns=0) == {}
    text = section(
        {
            "date": "2026-12-02",
            "seconds": 30.0,
            "turns": 2,
            "p50_ms": 50.0,
            "p95_ms": 90.0,
            "rasa": ms,
            "actions": {},
        }
    )
    assert text.startswith(f"## 2026-12-02 — where a turn's time goes {MARK}")
    assert "| rasa | NLU: DIET classifier | 250.0 |" in text
