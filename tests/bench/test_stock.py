"""The side-by-side benchmark's pure parts (bench/stock.py): pools, table, docs section.

No bot is started: the figures are made up, the maths and the rendering are checked.
"""

from __future__ import annotations

import pytest

from actions.understanding import storage_answer
from bench import stock
from bot.texts import text

POOLS = {"stock": stock.STOCK_POOL, "lentera": stock.LENTERA_POOL}


def side(msg_one, p50, p95_one, msg_many, p95_many, rss, failures=0):
    return {
        "processes": "Rasa",
        "one": {
            "msg_per_s": msg_one,
            "p50_ms": p50,
            "p95_ms": p95_one,
            "turns": 100,
            "failures": failures,
        },
        "many": {
            "msg_per_s": msg_many,
            "p50_ms": p50,
            "p95_ms": p95_many,
            "turns": 400,
            "failures": failures,
        },
        "rss_mb": rss,
        "load": [1.5, 2.25],
    }


RESULT = {
    "date": "2026-12-02",
    "rasa": "3.6.21",
    "model": "lentera-abc",
    "code": "0671dcb",
    "seconds": 25.0,
    "clients": 16,
    "stock": side(20.0, 40.0, 60.0, 30.0, 600.0, 1000.0),
    "lentera": side(10.0, 80.0, 120.0, 33.0, 480.0, 2500.0, failures=2),
}


def test_both_pools_have_conversations_of_the_same_length():
    lengths = {len(turns) for pool in POOLS.values() for turns in pool}
    assert lengths == {5}
    assert len(stock.STOCK_POOL) == len(stock.LENTERA_POOL)  # the same seeded draw


@pytest.mark.parametrize("pool", POOLS.values(), ids=POOLS.keys())
def test_no_conversation_repeats_a_turn(pool):
    for turns in pool:
        assert len(set(turns)) == len(turns)


def test_lentera_conversations_answer_the_storage_notice_second():
    answers = [storage_answer(turns[1]) for turns in stock.LENTERA_POOL]
    assert None not in answers
    assert True in answers and False in answers  # both answers are played


@pytest.mark.parametrize("lang", ["id", "en"])
def test_lentera_apology_is_a_failure(lang):
    assert stock.lentera_failed([{"text": text("turn_failed", lang) + "\n..."}])
    assert not stock.lentera_failed([{"text": "Halo"}, {"image": "x"}])


def test_ratio():
    assert stock.ratio(33.0, 30.0) == pytest.approx(1.1)
    assert stock.ratio(None, 30.0) is None
    assert stock.ratio(1.0, 0.0) is None


def test_targets():
    assert stock.targets(RESULT) == {
        "throughput": True,  # 33 / 30 msg/s
        "p95": True,  # 480 / 600 ms
        "one_p95": False,  # 120 ms > 50 ms
        "memory": False,  # 2,500 MB > 1,700 MB
    }


def test_table_shows_both_figures_and_the_ratio():
    rows = {line.split(" | ")[0].lstrip("| "): line for line in stock.table(RESULT).splitlines()}
    assert rows["16 clients: msg/s"] == "| 16 clients: msg/s | 30.0 | 33.0 | 1.10× | ≥ 1.0×: met |"
    assert "| 40 | 80 | 2.00× |" in rows["1 client: p50 ms"]
    assert rows["1 client: p95 ms"].endswith("Lentera ≤ 50 ms: **not met** |")
    assert "| 1,000 | 2,500 | 2.50× |" in rows["resident memory, Rasa + action server, MB"]
    assert "| 0 / 0 | 2 / 2 |" in rows["failures, 1 / 16 clients"]
    assert "| 1.50 / 2.25 |" in rows["machine load (1-min average) before / after the load"]
    assert all(line.count("|") == 6 for line in rows.values())


def test_missing_latency_renders_as_a_dash():
    result = {**RESULT, "lentera": side(0.0, None, None, 0.0, None, 2000.0, failures=5)}
    table = stock.table(result)
    assert "| 60 | — | — |" in table
    assert stock.targets(result)["p95"] is None


DOC = """# Benchmarks

Intro.

## 2026-12-01 — side by side with stock Rasa (`python -m bench.stock`)

old table

## 2026-11-30 — channels (`python -m bench.channels`)

kept
"""


def test_section_comes_first_keeps_earlier_days_and_replaces_its_own_day():
    new = stock.section(RESULT)
    doc = stock.replace_section(DOC, new)
    assert doc.count("(`python -m bench.stock`)") == 2  # 2026-12-01 stays as history
    assert "old table" in doc and "kept" in doc
    assert doc.index("## 2026-12-02 — side by side") < doc.index("## 2026-12-01 — side by side")
    assert doc.startswith("# Benchmarks\n\nIntro.\n\n## 2026-12-02")
    assert stock.replace_section(doc, new) == doc  # the same day's run is replaced


def test_section_goes_first_in_a_document_without_one():
    doc = stock.replace_section("# Benchmarks\n\nIntro.\n\n## 2026-11-30 — x\n\ny\n", "## new\n")
    assert doc == "# Benchmarks\n\nIntro.\n\n## new\n\n## 2026-11-30 — x\n\ny\n"


def test_stock_endpoints_use_sqlite_and_an_action_server_only_when_needed(tmp_path):
    config = stock.stock_endpoints(tmp_path / "tracker.db", None)
    assert config == {
        "tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(tmp_path / "tracker.db")}
    }
    assert stock.stock_endpoints(tmp_path / "t.db", "http://a/webhook")["action_endpoint"]


def test_needs_action_server_reads_the_domain(tmp_path):
    (tmp_path / "domain.yml").write_text("intents: [greet]\nresponses: {}\n")
    assert not stock.needs_action_server(tmp_path)
    (tmp_path / "domain.yml").write_text("intents: [greet]\nactions: [action_hello_world]\n")
    assert stock.needs_action_server(tmp_path)
