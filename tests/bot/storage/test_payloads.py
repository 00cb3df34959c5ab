"""Payload tokens: shared by processes; the in-process cache is bounded, evicting the LRU."""

from __future__ import annotations

from bot.storage.engine import create_engine
from bot.storage.payloads import PayloadStore


def _long(i: int) -> str:
    return '/inform{"country":"SA","detail":"' + f"{i:03d}" + "x" * 80 + '"}'


def test_cache_is_bounded_and_evicts_the_least_recently_used(database):
    engine = create_engine(database.url, schema=database.schema)
    store = PayloadStore(engine, cache_size=3)
    tokens = [store.shorten(_long(i), 64) for i in range(3)]
    assert store.expand(tokens[0]) == _long(0)  # 0 is now the most recently used
    more = [store.shorten(_long(i), 64) for i in range(3, 5)]
    assert len(store._cache) == 3
    assert set(store._cache) == {t[1:] for t in (tokens[0], *more)}
    # Evicted tokens are still read back from the database (and cached again).
    assert store.expand(tokens[1]) == _long(1)
    assert len(store._cache) == 3 and tokens[1][1:] in store._cache


def test_default_cache_holds_ten_thousand(sqlite_db):
    engine = create_engine(sqlite_db.url)
    store = PayloadStore(engine)
    for i in range(10_050):
        store._remember(f"t{i}", "p")
    assert len(store._cache) == 10_000 and "t0" not in store._cache and "t10049" in store._cache


def test_payload_store_shortens_and_expands(database):
    engine = create_engine(database.url, schema=database.schema)
    store = PayloadStore(engine)
    long_payload = '/inform{"country":"SA","city":"Riyadh","detail":"' + "x" * 80 + '"}'
    token = store.shorten(long_payload, 64)
    assert len(token.encode()) <= 64 and token.startswith("~")
    assert PayloadStore(engine).expand(token) == long_payload  # another process
    assert store.shorten("/affirm", 64) == "/affirm"
    assert store.expand("~unknown") == "~unknown"
