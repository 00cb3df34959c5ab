"""The flood benchmark's pure parts (bench/channels/flood.py): deliveries, maths, docs section.

No server is started: the figures are made up, the rendering and the section are checked.
"""

from __future__ import annotations

from collections import Counter

from bench.channels import flood

RESULT = {
    "date": "2026-12-02",
    "requests": 2000,
    "concurrency": 16,
    "seconds": 5.0,
    "p50_ms": 4.0,
    "p99_ms": 20.0,
    "max_ms": 30.0,
    "statuses": {"telegram: no secret -> 403": 1000, "whatsapp: no signature -> 403": 1000},
    "paced": {
        "requests": 2000,
        "rate": 200.0,
        "seconds": 10.0,
        "cpu_percent": 3.0,
        "p50_ms": 2.0,
        "p99_ms": 5.0,
        "max_ms": 6.0,
        "statuses": {"telegram: no secret -> 403": 2000},
    },
    "stored": 0,
    "log_lines": 2,
    "idle_seconds": 10.0,
    "idle_cpu_percent": 1.0,
    "flood_cpu_percent": 10.0,
    "cpu_ms_per_refusal": 0.25,
    "turns": 20,
    "turns_replied": 20,
    "cpu_ms_per_turn": 60.0,
}


def test_percentile_is_nearest_rank() -> None:
    values = list(range(1, 101))
    assert flood.percentile(values, 50) == 50
    assert flood.percentile(values, 99) == 99
    assert flood.percentile([7.0], 99) == 7.0


def test_forged_deliveries_cover_both_platforms_and_carry_no_valid_credential() -> None:
    deliveries = flood.forged(12, "http://rasa")
    kinds = Counter(kind for kind, *_ in deliveries)
    assert len(deliveries) == 12 and len(kinds) == 5
    assert sum(n for k, n in kinds.items() if k.startswith("telegram")) == 6
    for _kind, url, _body, headers in deliveries:
        assert headers.get("X-Telegram-Bot-Api-Secret-Token") in (None, "guessed_secret")
        assert url.endswith(("/webhooks/telegram/webhook", "/webhooks/whatsapp/webhook"))


def test_section_has_the_figures_and_the_verdict() -> None:
    section = flood.section(RESULT)
    assert section.startswith("## 2026-12-02 — forged webhooks refused before any work")
    assert "| 2000 (2000 answered 403) in 5.0 s (400 req/s) |" in section
    assert "4.0 / 20.0 / 30.0 (p99 < 50 ms: met)" in section
    assert "2000 more at 200 req/s on one connection (2000 answered 403)" in section
    assert "| Rasa CPU during the paced flood (10 s) | 3.0 % of one core |" in section
    assert "about 1/240 of an answered turn" in section
    assert "not met" in flood.section({**RESULT, "p99_ms": 60.0})


def test_replace_section_puts_ours_first_and_keeps_earlier_days() -> None:
    document = "# Benchmarks\n\nIntro.\n\n## 2026-11-01 — other\n\nx\n"
    once = flood.replace_section(document, flood.section(RESULT))
    assert flood.replace_section(once, flood.section(RESULT)) == once  # same day: replaced
    twice = flood.replace_section(once, flood.section({**RESULT, "date": "2026-12-03"}))
    assert twice.count(flood.MARK) == 2 and "## 2026-12-03" in twice
    assert (
        twice.index("## 2026-12-03") < twice.index("## 2026-12-02") < twice.index("## 2026-11-01")
    )
    assert twice.startswith("# Benchmarks\n\nIntro.\n\n## 2026-12-03")
