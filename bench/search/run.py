"""Benchmark of the referral search: quality, latency, build time, and a 100,000-entry scale run.

Run from the repository root::

    python -m bench.search.run            # everything (about 5-10 minutes on 2 cores)
    python -m bench.search.run --no-scale # only the real directory
    python -m bench.search.run --report docs/benchmarks_search.md

Quality is measured on the committed labelled set ``bench/search/queries.yml``: recall@3
(share of queries with an acceptable entry in the top 3) and MRR (first acceptable entry
in the top 10), for dense only, lexical (BM25) only, the weighted hybrid and reciprocal-rank
fusion. Latency includes the query embedding. The scale run builds a synthetic directory
of 100,000 entries from the real ones and compares FAISS index types on build time,
memory, search latency and agreement with exact search.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402
import yaml  # noqa: E402

from knowledge_base.directory import Directory, Entry, load_directory  # noqa: E402
from knowledge_base.index import DenseIndex, dense_texts, embed_directory, make_faiss_index  # noqa: E402
from knowledge_base.search import MODES, SearchEngine, freeze_heap  # noqa: E402
from knowledge_base.text import load_glossary  # noqa: E402

logger = logging.getLogger("bench.search")

QUERIES_FILE = Path(__file__).resolve().parent / "queries.yml"
HOLDOUT_FILE = Path(__file__).resolve().parent / "queries_holdout.yml"
TARGET_RECALL = 0.95
TARGET_P95_REAL_MS = 20.0
TARGET_P95_SCALE_MS = 30.0


def rss_mb() -> float:
    """Resident memory of this process in MiB."""
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) of values."""
    return float(np.percentile(np.asarray(values), p)) if values else float("nan")


def load_queries(path: Path = QUERIES_FILE) -> list[dict[str, Any]]:
    """The labelled queries."""
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["queries"])


def acceptable(entry: Entry, query: dict[str, Any]) -> bool:
    """Whether ``entry`` is an acceptable answer to ``query`` (see queries.yml)."""
    if entry.id in (query.get("ids") or ()):
        return True
    services = query.get("services") or ()
    country = query.get("country")
    if services and any(s in entry.services for s in services):
        return country is None or entry.serves(country)
    return False


def evaluate(engine: SearchEngine, queries: list[dict[str, Any]], mode: str) -> dict[str, Any]:
    """Recall@3 and MRR@10 of one mode, overall and per language/tag, with the misses."""
    hits, rr, misses = [], [], []
    groups: dict[str, list[int]] = {}
    for q in queries:
        results = engine.search(q["q"], country=q.get("country"), k=10, mode=mode)
        ranks = [i for i, r in enumerate(results, 1) if acceptable(r.entry, q)]
        first = ranks[0] if ranks else None
        hit = int(first is not None and first <= 3)
        hits.append(hit)
        rr.append(1.0 / first if first else 0.0)
        for g in [f"lang:{q['lang']}"] + [f"tag:{t}" for t in q.get("tags", [])]:
            groups.setdefault(g, []).append(hit)
        if not hit:
            misses.append(
                {
                    "q": q["q"],
                    "country": q.get("country"),
                    "top3": [r.entry.id for r in results[:3]],
                }
            )
    return {
        "mode": mode,
        "recall_at_3": float(np.mean(hits)),
        "mrr": float(np.mean(rr)),
        "groups": {g: float(np.mean(v)) for g, v in sorted(groups.items())},
        "n": len(queries),
        "misses": misses,
    }


def latency(
    engine: SearchEngine, queries: list[dict[str, Any]], mode: str, repeats: int = 3
) -> dict[str, float]:
    """p50/p95 of one search call (embedding included), in milliseconds."""
    times = []
    for _ in range(repeats):
        for q in queries:
            t0 = time.perf_counter()
            engine.search(q["q"], country=q.get("country"), k=3, mode=mode)
            times.append((time.perf_counter() - t0) * 1000)
    return {
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "max_ms": max(times),
        "calls": len(times),
    }


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """Run fn and return its result and the seconds it took."""
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


# -- the real directory ---------------------------------------------------------------


def bench_real(queries: list[dict[str, Any]]) -> tuple[dict[str, Any], SearchEngine]:
    """Quality, latency and build time on the shipped directory."""
    from knowledge_base.embedding import get_model

    directory = load_directory()
    _, model_s = timed(get_model)
    vectors_owners, embed_s = timed(lambda: embed_directory(directory.entries))
    vectors, owners = vectors_owners
    (index, kind), faiss_s = timed(lambda: make_faiss_index(vectors))
    dense = DenseIndex(index=index, vectors=vectors, vector_entry=owners, meta={"index_type": kind})
    engine, bm25_s = timed(lambda d=dense: SearchEngine(directory, dense_index=d, query_cache=0))
    freeze_heap()
    engine.search("warm up", k=1)
    quality = {mode: evaluate(engine, queries, mode) for mode in MODES}
    holdout = {mode: evaluate(engine, load_queries(HOLDOUT_FILE), mode) for mode in MODES}
    lat = {mode: latency(engine, queries, mode) for mode in MODES}
    return {
        "entries": len(directory),
        "vectors": int(index.ntotal),
        "model_load_s": model_s,
        "embed_s": embed_s,
        "faiss_build_s": faiss_s,
        "bm25_build_s": bm25_s,
        "index_build_s": embed_s + faiss_s + bm25_s,
        "quality": quality,
        "holdout": holdout,
        "latency": lat,
    }, engine


# -- the synthetic scale run ----------------------------------------------------------


def synthetic_directory(base: Directory, n: int, seed: int = 7) -> Directory:
    """n entries made from the real ones: new ids and names, shuffled countries and cities."""
    rng = random.Random(seed)
    g = load_glossary()
    countries = [c for c in g.countries if c != "ID"]
    words = sorted({w for ws in g.translate for w in ws.split()} | set(g.slang.values()))
    entries = []
    for i in range(n):
        src = base.entries[rng.randrange(len(base.entries))]
        country = rng.choice(countries)
        city = rng.choice(g.countries[country]).title()
        tag = " ".join(rng.choice(words) for _ in range(2))
        name = {lang: f"{text} {city} {i} ({tag})" for lang, text in src.name.items()}
        entries.append(
            replace(
                src,
                id=f"syn-{i}",
                name=name,
                countries=(country,),
                cities=(city,),
                reachable_from_anywhere=False,
            )
        )
    return Directory(
        entries=tuple(entries), content_hash=f"synthetic-{n}-{seed}", path=Path(f"/synthetic/{n}")
    )


def synthetic_vectors(
    directory: Directory, pool: int, seed: int = 7
) -> tuple[np.ndarray, np.ndarray, float]:
    """Embed ``pool`` distinct entries for real, derive the rest with small noise.

    Returns the vectors, their entry positions, and the measured embedding throughput
    (texts per second) used to estimate a full build.
    """
    from knowledge_base.embedding import embed

    rng = np.random.default_rng(seed)
    sample = directory.entries[:pool]
    texts = [t for e in sample for t in dense_texts(e)]
    t0 = time.perf_counter()
    base = embed(texts, batch_size=128)
    throughput = len(texts) / (time.perf_counter() - t0)
    n = len(directory.entries)
    picks = rng.integers(0, len(base), size=2 * n)
    vectors = base[picks] + rng.normal(0, 0.02, size=(2 * n, base.shape[1])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    owners = np.repeat(np.arange(n, dtype=np.int64), 2)
    return np.ascontiguousarray(vectors, dtype=np.float32), owners, throughput, picks


def bench_scale(
    queries: list[dict[str, Any]], n: int, pool: int, index_types: list[str]
) -> dict[str, Any]:
    """Build time, memory and search p95 at n entries for each FAISS index type."""
    import faiss

    from knowledge_base.embedding import embed

    base = load_directory()
    gc.collect()
    rss0 = rss_mb()
    directory, gen_s = timed(lambda: synthetic_directory(base, n))
    rss_dir = rss_mb()
    (vectors, owners, throughput, picks) = synthetic_vectors(directory, pool)
    out: dict[str, Any] = {
        "entries": n,
        "vectors": int(len(vectors)),
        "generate_s": gen_s,
        "directory_mb": rss_dir - rss0,
        "embed_throughput_texts_per_s": throughput,
        "embed_full_estimate_s": len(vectors) / throughput,
        "index_types": {},
    }
    qvecs = embed([q["q"] for q in queries])
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    _, truth = exact.search(qvecs, 10)
    del exact
    bm25_engine = None
    exact_answers: list[list[str]] | None = None
    for kind in index_types:
        gc.collect()
        before = rss_mb()
        (index, _), build_s = timed(lambda t=kind: make_faiss_index(vectors, index_type=t))
        index_mb = rss_mb() - before
        serial_mb = faiss.serialize_index(index).nbytes / 2**20
        _, got = index.search(qvecs, 10)
        agreement = float(
            np.mean([len(set(a) & set(b)) / 10 for a, b in zip(truth, got, strict=True)])
        )
        dense = DenseIndex(
            index=index, vectors=vectors, vector_entry=owners, meta={"index_type": kind}
        )
        if bm25_engine is None:
            gc.collect()
            before_bm25 = rss_mb()
            bm25_engine, bm25_s = timed(
                lambda d=dense: SearchEngine(directory, dense_index=d, query_cache=0)
            )
            out["bm25_build_s"] = bm25_s
            out["bm25_mb"] = rss_mb() - before_bm25
            engine = bm25_engine
        else:
            engine = SearchEngine.__new__(SearchEngine)
            engine.__dict__.update(bm25_engine.__dict__)
            engine._dense = dense
        freeze_heap()
        engine.search("warm up", k=1)
        answers = [
            [r.entry.id for r in engine.search(q["q"], country=q.get("country"), k=3)]
            for q in queries
        ]
        if exact_answers is None:
            exact_answers = answers
        same_top3 = float(np.mean([a == b for a, b in zip(answers, exact_answers, strict=True)]))
        lat = latency(engine, queries, "hybrid", repeats=2)
        out["index_types"][kind] = {
            "build_s": build_s,
            "index_mb": serial_mb,
            "rss_delta_mb": index_mb,
            "recall_at_10_vs_exact": agreement,
            "same_top3_as_first": same_top3,
            **lat,
        }
        logger.info("scale %s: %s", kind, out["index_types"][kind])
        del index, dense
    out["rss_total_mb"] = rss_mb()
    return out


# -- report ---------------------------------------------------------------------------


def report(
    real: dict[str, Any], scale: dict[str, Any] | None, load: tuple[float, float, float]
) -> str:
    """Markdown report."""
    lines = [
        "# Referral search benchmark",
        "",
        f"Machine: {os.cpu_count()} cores; load average during the run "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (other jobs were running).",
        f"Real directory: {real['entries']} entries, {real['vectors']} vectors (English + Indonesian text per entry); "
        f"{len(load_queries())} labelled queries (bench/search/queries.yml).",
        "",
        "## Quality and latency on the real directory",
        "",
        "| mode | recall@3 | MRR@10 | p50 ms | p95 ms |",
        "|---|---|---|---|---|",
    ]
    for mode in MODES:
        q, lat = real["quality"][mode], real["latency"][mode]
        lines.append(
            f"| {mode} | {q['recall_at_3']:.3f} | {q['mrr']:.3f} | {lat['p50_ms']:.1f} | {lat['p95_ms']:.1f} |"
        )
    hold = real["holdout"]
    lines += [
        "",
        f"Held-out set ({hold['hybrid']['n']} queries in bench/search/queries_holdout.yml, not used for tuning):",
        "",
        "| mode | recall@3 | MRR@10 |",
        "|---|---|---|",
    ]
    lines += [f"| {m} | {hold[m]['recall_at_3']:.3f} | {hold[m]['mrr']:.3f} |" for m in MODES]
    if hold["hybrid"]["misses"]:
        lines += ["", "Held-out hybrid misses:", ""]
        lines += [
            f"- `{m['q']}` ({m['country']}): {', '.join(m['top3'])}"
            for m in hold["hybrid"]["misses"]
        ]
    lines += [
        "",
        "Hybrid recall@3 by group: "
        + ", ".join(f"{g} {v:.2f}" for g, v in real["quality"]["hybrid"]["groups"].items()),
    ]
    misses = real["quality"]["hybrid"]["misses"]
    if misses:
        lines += ["", "Hybrid misses (top 3 shown):", ""]
        lines += [f"- `{m['q']}` ({m['country']}): {', '.join(m['top3'])}" for m in misses]
    lines += [
        "",
        f"Build: model load {real['model_load_s']:.1f} s; embedding {real['embed_s']:.2f} s; "
        f"FAISS {real['faiss_build_s'] * 1000:.1f} ms; BM25 {real['bm25_build_s'] * 1000:.0f} ms "
        f"(index build without model load: {real['index_build_s']:.2f} s).",
    ]
    if scale:
        lines += [
            "",
            f"## Scale: synthetic directory of {scale['entries']:,} entries ({scale['vectors']:,} vectors)",
            "",
            f"Directory objects: {scale['directory_mb']:.0f} MiB; BM25 build {scale['bm25_build_s']:.1f} s, "
            f"{scale['bm25_mb']:.0f} MiB. Embedding throughput {scale['embed_throughput_texts_per_s']:.0f} texts/s "
            f"→ a full embedding of {scale['vectors']:,} texts takes about {scale['embed_full_estimate_s'] / 60:.1f} min "
            "(the run embeds a pool of real texts and derives the rest with small noise).",
            "",
            "| FAISS index | build s | index MiB | dense recall@10 vs exact | same hybrid top 3 as flat "
            "| hybrid p50 ms | hybrid p95 ms |",
            "|---|---|---|---|---|---|---|",
        ]
        for kind, r in scale["index_types"].items():
            lines.append(
                f"| {kind} | {r['build_s']:.1f} | {r['index_mb']:.0f} | {r['recall_at_10_vs_exact']:.3f} | "
                f"{r['same_top3_as_first']:.3f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} |"
            )
        lines += [
            "",
            f"Process memory at the end of the scale run: {scale['rss_total_mb']:.0f} MiB.",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print (and optionally write) the report."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.search.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--no-scale", action="store_true", help="skip the synthetic scale run")
    parser.add_argument(
        "--scale", type=int, default=100_000, help="synthetic entries (default 100000)"
    )
    parser.add_argument(
        "--pool", type=int, default=2000, help="entries embedded for real in the scale run"
    )
    parser.add_argument(
        "--index-types", default="flat,ivf,hnsw", help="FAISS index types to compare"
    )
    parser.add_argument("--report", type=Path, help="also write the Markdown report here")
    parser.add_argument("--json", type=Path, default=REPO_ROOT / "var" / "bench" / "search.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    queries = load_queries()
    real, _ = bench_real(queries)
    logger.info(
        "real: %s",
        {m: (round(q["recall_at_3"], 3), round(q["mrr"], 3)) for m, q in real["quality"].items()},
    )
    scale = None
    if not args.no_scale:
        scale = bench_scale(queries, args.scale, args.pool, args.index_types.split(","))
    load = os.getloadavg()
    text = report(real, scale, load)
    print(text)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text, encoding="utf-8")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({"real": real, "scale": scale, "load": load}, indent=1, default=str)
    )
    hybrid = real["quality"]["hybrid"]["recall_at_3"]
    if hybrid < TARGET_RECALL:
        print(
            f"NOTE: hybrid recall@3 {hybrid:.3f} is below the {TARGET_RECALL} target",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
