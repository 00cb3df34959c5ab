"""Hybrid search on a small fixed directory: filters, country semantics, ranking, bad input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from knowledge_base.directory import load_directory
from knowledge_base.search import MAX_QUERY_CHARS, SearchEngine, SearchError, result_ids, search
from tests.knowledge_base.conftest import entry


@pytest.fixture
def engine(fixed_dir: Path, with_model: Any) -> SearchEngine:
    return SearchEngine(load_directory(fixed_dir))


@pytest.mark.parametrize("mode", ["hybrid", "lexical", "dense", "rrf"])
def test_country_filter_keeps_local_and_anywhere_entries(engine: SearchEngine, mode: str) -> None:
    results = engine.search("free legal aid lawyer", country="SG", k=10, mode=mode)
    assert set(result_ids(results)) == {"sg-shelter", "national-hotline"}


def test_anywhere_entries_rank_after_equally_relevant_local_ones(
    make_directory: Callable[..., Path], with_model: Any
) -> None:
    same = {
        "services": ["shelter"],
        "name": {"id": "Rumah aman", "en": "Safe house"},
        "description": {"id": "Tempat tinggal aman.", "en": "Safe place to stay."},
    }
    folder = make_directory(
        [
            entry("global-one", countries=["ID"], reachable_from_anywhere=True, **same),
            entry("local-one", countries=["MY"], **same),
        ]
    )
    engine = SearchEngine(load_directory(folder))
    for mode in ("hybrid", "lexical", "dense"):
        assert result_ids(engine.search("safe house", country="MY", k=2, mode=mode)) == [
            "local-one",
            "global-one",
        ]


def test_service_filter(engine: SearchEngine) -> None:
    results = engine.search("tolong", service="wage_claims", k=10)
    assert set(result_ids(results)) == {"my-labour", "national-hotline"}


def test_filters_without_text(engine: SearchEngine) -> None:
    results = engine.search("", country="MY", service="shelter", k=5)
    assert result_ids(results) == ["kbri-kuala-lumpur"]


def test_unknown_country_still_gets_anywhere_entries(engine: SearchEngine) -> None:
    assert result_ids(engine.search("help", country="ZZ", k=5)) == ["national-hotline"]


@pytest.mark.parametrize(
    ("query", "country", "expected"),
    [
        ("gaji blm dibayar 3 bulan", "MY", "my-labour"),
        ("majikan gak bayar my salary", "MY", "my-labour"),
        ("nomor kedutaan indonesia di KL", None, "kbri-kuala-lumpur"),
        ("kedutan indonesa kuala lumpur", None, "kbri-kuala-lumpur"),
        ("sy kabur, butuh rumah aman", "SG", "sg-shelter"),
        ("where can I stay safely", "SG", "sg-shelter"),
        ("tolonggg polisi sekarang", "MY", "my-emergency"),
        ("pengacara gratis", "ID", "id-legal-ngo"),
    ],
)
def test_ranking_on_fixed_directory(
    engine: SearchEngine, query: str, country: str | None, expected: str
) -> None:
    assert result_ids(engine.search(query, country=country, k=3))[0] == expected


def test_query_naming_a_country_prefers_it(engine: SearchEngine) -> None:
    top = result_ids(engine.search("shelter in singapore", k=1))
    assert top == ["sg-shelter"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 0}, "at least 1"),
        ({"k": 1000}, "at most"),
        ({"country": "Malaysia"}, "ISO 3166-1"),
        ({"service": "food"}, "unknown service"),
        ({"lang": "fr"}, "lang must be"),
        ({"mode": "magic"}, "mode must be"),
    ],
)
def test_bad_arguments_raise(engine: SearchEngine, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(SearchError, match=message):
        engine.search("help", **kwargs)


def test_long_and_empty_queries(engine: SearchEngine) -> None:
    long_query = "tolong gaji " * 500
    assert len(long_query) > MAX_QUERY_CHARS
    assert engine.search(long_query, country="MY", k=3)
    assert len(engine.search("", k=3)) == 3
    assert engine.search("!!!???", country="MY", k=2)


def test_k_limits_results_and_json_fields(engine: SearchEngine) -> None:
    results = engine.search("help", k=2)
    assert len(results) == 2
    data = results[0].to_json()
    assert {"id", "kind", "countries", "services", "name", "score"} <= set(data)


def test_module_search_function(fixed_dir: Path, with_model: Any) -> None:
    results = search("gaji", country="MY", directory=load_directory(fixed_dir))
    assert results and results[0].entry.id == "my-labour"
    assert results[0].score >= results[-1].score


def test_query_embeddings_are_cached(fixed_dir: Path, with_model: Any, monkeypatch: Any) -> None:
    from knowledge_base import embedding

    engine = SearchEngine(load_directory(fixed_dir), query_cache=2)
    assert engine.dense_index is not None  # built before counting query embeddings
    calls: list[int] = []
    real_embed = embedding.embed

    def counting_embed(texts: Any, **kw: Any) -> Any:
        calls.append(len(texts))
        return real_embed(texts, **kw)

    monkeypatch.setattr(embedding, "embed", counting_embed)
    first = result_ids(engine.search("gaji blm dibayar", country="MY", service="wage_claims"))
    again = result_ids(engine.search("gaji blm dibayar", country="MY", service="complaints"))
    assert len(calls) == 1 and first and again
    engine.search("a", k=1), engine.search("b", k=1), engine.search("gaji blm dibayar", k=1)
    assert len(calls) == 4
