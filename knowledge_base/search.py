"""Hybrid search over the referral directory: dense (FAISS) + lexical (BM25) + filters.

The English-only embedding model does not read informal Indonesian well, so the dense
side embeds the query both as typed and as a word-by-word English gloss, and the lexical
side (BM25 over glossary-enriched, slang-normalised, stemmed text) carries the Indonesian.
Scores are fused as a weighted sum of each side's score relative to its best candidate
(``docs/benchmarks_search.md`` compares this with dense only, lexical only and reciprocal-rank
fusion). Country semantics follow ``shared/spec/referral_schema.md``: with a country,
only entries serving it plus the Indonesian channels reachable from anywhere are
candidates, and the latter rank after local ones when equally relevant.

Everything heavy (model, FAISS, BM25) is built on first use and cached per process and
directory content, so after warm-up a search takes milliseconds.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge_base.directory import DEFAULT_DIR, Directory, Entry, safe_directory
from knowledge_base.index import DenseIndex, ensure_dense_index, lexical_text
from knowledge_base.lexical import BM25Index
from knowledge_base.text import detect_countries, normalize, tokens, translate_to_english
from knowledge_base.vocabulary import SERVICES

logger = logging.getLogger(__name__)

MODES: tuple[str, ...] = ("hybrid", "dense", "lexical", "rrf")
DEFAULT_MODE = "hybrid"
MAX_QUERY_CHARS = 1000
MAX_K = 50
COUNTRY_RE = re.compile(r"^[A-Za-z]{2}$")

#: Weight of the dense side in the hybrid score (the lexical side gets the rest).
DENSE_WEIGHT = 0.4
#: Multiplier for anywhere-reachable entries when a country is given (local ones first).
ANYWHERE_FACTOR = 0.92
#: Multiplier for entries of other countries when the query itself names a country.
OTHER_COUNTRY_FACTOR = 0.6
CONFIDENCE_FACTOR = {"high": 1.02, "medium": 1.0, "low": 0.95}
LANGUAGE_FACTOR = 1.03
#: Above this many entries, dense retrieval asks FAISS for candidates instead of scoring all.
EXACT_DENSE_LIMIT = 20_000
CANDIDATES = 100
RRF_K = 60


class SearchError(ValueError):
    """Bad search arguments (the CLI turns it into exit status 2)."""


@dataclass(frozen=True)
class SearchResult:
    """One hit.

    Attributes:
        entry: The directory entry.
        score: Fused relevance, higher is better (about 0-1).
        dense: The dense side's score (cosine similarity).
        lexical: The lexical side's score relative to the best BM25 hit.
    """

    entry: Entry
    score: float
    dense: float = 0.0
    lexical: float = 0.0

    def to_json(self) -> dict[str, object]:
        """The fields of the search command's JSON output."""
        e = self.entry
        return {
            "id": e.id,
            "kind": e.kind,
            "countries": list(e.countries),
            "cities": list(e.cities),
            "services": list(e.services),
            "name": dict(e.name),
            "confidence": e.confidence,
            "score": round(self.score, 4),
        }


def check_arguments(
    *, country: str | None, service: str | None, lang: str | None, k: int
) -> tuple[str | None, str | None, str | None]:
    """Validate and normalise search arguments.

    Returns:
        The upper-cased country, service and lang.

    Raises:
        SearchError: With a one-line message naming the bad argument.
    """
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise SearchError(f"k must be a whole number of at least 1 (got {k!r})")
    if k > MAX_K:
        raise SearchError(f"k must be at most {MAX_K} (got {k})")
    if country is not None:
        if not COUNTRY_RE.match(country):
            raise SearchError(
                f"country must be an ISO 3166-1 alpha-2 code like MY (got {country!r})"
            )
        country = country.upper()
    if service is not None and service not in SERVICES:
        raise SearchError(f"unknown service {service!r}; one of: {', '.join(sorted(SERVICES))}")
    if lang is not None and lang not in ("id", "en"):
        raise SearchError(f"lang must be 'id' or 'en' (got {lang!r})")
    return country, service, lang


def _limit_faiss_threads() -> None:
    """Search with ``LENTERA_FAISS_THREADS`` OpenMP threads (default 1, see embedding.py)."""
    try:
        import faiss

        faiss.omp_set_num_threads(max(1, int(os.environ.get("LENTERA_FAISS_THREADS", "1"))))
    except (ImportError, ValueError):  # pragma: no cover
        pass


class SearchEngine:
    """Search over one loaded directory; build it once and reuse it.

    Args:
        directory: The loaded directory.
        index_dir: Where the dense index is saved (default: ``var/index`` for the shipped
            directory, in memory for others).
        dense_index: A pre-built dense index (benchmarks, tests).
        query_cache: How many query embeddings to keep (the referral action searches the
            same text once per service); 0 turns the cache off (benchmarks).
    """

    def __init__(
        self,
        directory: Directory,
        *,
        index_dir: Path | None = None,
        dense_index: DenseIndex | None = None,
        query_cache: int = 256,
    ) -> None:
        _limit_faiss_threads()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._query_cache_size = query_cache
        self.directory = directory
        self.entries: tuple[Entry, ...] = directory.entries
        self._index_dir = index_dir
        self._dense: DenseIndex | None = dense_index
        self._lock = threading.Lock()
        self.bm25 = BM25Index([tokens(lexical_text(e)) for e in self.entries])
        self._local_mask_cache: dict[str, np.ndarray] = {}
        self._anywhere = np.array([e.reachable_from_anywhere for e in self.entries], dtype=bool)
        self._conf = np.array(
            [CONFIDENCE_FACTOR.get(e.confidence, 1.0) for e in self.entries], dtype=np.float32
        )

    @property
    def dense_index(self) -> DenseIndex:
        """The dense index, built or loaded on first use."""
        if self._dense is None:
            with self._lock:
                if self._dense is None:
                    self._dense, _ = ensure_dense_index(self.directory, index_dir=self._index_dir)
        return self._dense

    def warm_up(self) -> None:
        """Load the model and index now (the action server calls this at start)."""
        self.search("warm up", k=1)

    # -- masks -------------------------------------------------------------------------

    def _country_mask(self, country: str) -> np.ndarray:
        mask = self._local_mask_cache.get(country)
        if mask is None:
            mask = np.array(
                [country in e.countries and not e.reachable_from_anywhere for e in self.entries],
                dtype=bool,
            )
            self._local_mask_cache[country] = mask
        return mask

    def _service_mask(self, service: str) -> np.ndarray:
        key = "service:" + service
        mask = self._local_mask_cache.get(key)
        if mask is None:
            mask = np.array([service in e.services for e in self.entries], dtype=bool)
            self._local_mask_cache[key] = mask
        return mask

    def _language_factor(self, lang: str) -> np.ndarray:
        key = "lang:" + lang
        vec = self._local_mask_cache.get(key)
        if vec is None:
            vec = np.array(
                [LANGUAGE_FACTOR if lang in e.languages else 1.0 for e in self.entries],
                dtype=np.float32,
            )
            self._local_mask_cache[key] = vec
        return vec

    # -- the two retrievers ------------------------------------------------------------

    def query_texts(self, query: str) -> list[str]:
        """The texts embedded for a query: as typed, and its English gloss when different."""
        texts = [query]
        gloss = translate_to_english(query)
        if gloss and gloss != normalize(query):
            texts.append(gloss)
        return texts

    def dense_scores(self, query: str) -> np.ndarray:
        """Cosine similarity of each entry to the query (best of its vectors and query forms)."""
        from knowledge_base.embedding import embed

        dense = self.dense_index
        qvecs = self._query_cache.get(query) if self._query_cache_size else None
        if qvecs is None:
            qvecs = embed(self.query_texts(query))
            if self._query_cache_size:
                with self._lock:
                    self._query_cache[query] = qvecs
                    while len(self._query_cache) > self._query_cache_size:
                        self._query_cache.popitem(last=False)
        n = len(self.entries)
        out = np.full(n, -1.0, dtype=np.float32)
        if n <= EXACT_DENSE_LIMIT:
            sims = (dense.vectors @ qvecs.T).max(axis=1)
            np.maximum.at(out, dense.vector_entry, sims)
        else:
            k = min(CANDIDATES, dense.index.ntotal)
            sims, ids = dense.index.search(qvecs, k)
            for row_s, row_i in zip(sims, ids, strict=True):
                valid = row_i >= 0
                np.maximum.at(out, dense.vector_entry[row_i[valid]], row_s[valid])
        return out

    def lexical_scores(self, query: str) -> np.ndarray:
        """BM25 score of each entry for the query."""
        return self.bm25.scores(tokens(query))

    # -- search ------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        country: str | None = None,
        service: str | None = None,
        lang: str | None = None,
        k: int = 3,
        mode: str = DEFAULT_MODE,
    ) -> list[SearchResult]:
        """Search the directory.

        Args:
            query: Free text in Indonesian or English (informal, typos welcome). Longer
                than ``MAX_QUERY_CHARS`` is cut; empty is allowed when a filter is given.
            country: ISO code: only entries serving it plus anywhere-reachable ones.
            service: Only entries offering this service.
            lang: The user's language (``id``/``en``): entries whose staff speak it rank a
                little higher.
            k: How many results at most.
            mode: ``hybrid`` (default), ``dense``, ``lexical`` or ``rrf``.

        Returns:
            Up to ``k`` results, best first (empty when nothing fits).

        Raises:
            SearchError: On bad arguments.
        """
        country, service, lang = check_arguments(country=country, service=service, lang=lang, k=k)
        if mode not in MODES:
            raise SearchError(f"mode must be one of {', '.join(MODES)} (got {mode!r})")
        query = (query or "")[:MAX_QUERY_CHARS]
        n = len(self.entries)
        if n == 0:
            return []
        allowed = np.ones(n, dtype=bool)
        factor = self._conf.copy()
        if country:
            local = self._country_mask(country)
            allowed &= local | self._anywhere
            factor *= np.where(local, 1.0, ANYWHERE_FACTOR).astype(np.float32)
        else:
            named = detect_countries(query)
            if named:
                serving = self._anywhere.copy()
                for code in named:
                    serving |= self._country_mask(code)
                factor *= np.where(serving, 1.0, OTHER_COUNTRY_FACTOR).astype(np.float32)
        if service:
            allowed &= self._service_mask(service)
        if lang:
            factor *= self._language_factor(lang)
        if not allowed.any():
            return []

        has_text = bool(tokens(query, with_stems=False)) or bool(normalize(query))
        dense = np.zeros(n, dtype=np.float32)
        lexical = np.zeros(n, dtype=np.float32)
        if has_text and mode in ("hybrid", "dense", "rrf"):
            dense = self.dense_scores(query)
        if has_text and mode in ("hybrid", "lexical", "rrf"):
            lexical = self.lexical_scores(query)
        lex_max = float(lexical[allowed].max()) if allowed.any() else 0.0
        lex_rel = lexical / lex_max if lex_max > 0 else np.zeros(n, dtype=np.float32)
        dense_pos = np.clip(dense, 0.0, None)

        if not has_text:
            base = np.ones(n, dtype=np.float32) * 0.5
        elif mode == "dense":
            base = dense_pos
        elif mode == "lexical":
            base = lex_rel
        elif mode == "rrf":
            base = self._rrf(dense, lexical, allowed)
        else:
            d_max = float(dense_pos[allowed].max())
            d_rel = dense_pos / d_max if d_max > 0 else dense_pos
            weight = DENSE_WEIGHT if lex_max > 0 else 1.0
            base = weight * d_rel + (1.0 - weight) * lex_rel
        final = np.where(allowed, base * factor, -np.inf)
        # Best score first; on a tie local entries before anywhere-reachable ones, then file order.
        # Only the best few are sorted (large directories).
        top = 4 * k + 64
        cand = np.argpartition(-final, top - 1)[:top] if n > top else np.arange(n)
        rounded = np.round(final[cand], 6)
        order = cand[np.lexsort((cand, self._anywhere[cand].astype(np.int8), -rounded))][:k]
        return [
            SearchResult(
                entry=self.entries[i],
                score=float(final[i]),
                dense=float(dense[i]),
                lexical=float(lex_rel[i]),
            )
            for i in order
            if np.isfinite(final[i])
        ]

    @staticmethod
    def _rrf(dense: np.ndarray, lexical: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        n = len(dense)
        score = np.zeros(n, dtype=np.float32)
        for side in (dense, lexical):
            masked = np.where(allowed, side, -np.inf)
            order = np.argsort(-masked, kind="stable")
            ranks = np.empty(n, dtype=np.float32)
            ranks[order] = np.arange(1, n + 1, dtype=np.float32)
            has = side > 0 if side is lexical else np.ones(n, dtype=bool)
            score += np.where(has, 1.0 / (RRF_K + ranks), 0.0).astype(np.float32)
        return score * (RRF_K + 1) / 2


_ENGINES: dict[tuple[str, str], SearchEngine] = {}
_ENGINES_LOCK = threading.Lock()


def get_engine(directory: Directory | None = None) -> SearchEngine:
    """Return the cached engine for ``directory`` (default: the shipped directory)."""
    directory = directory or safe_directory(DEFAULT_DIR)
    key = (str(Path(directory.path).resolve()), directory.content_hash)
    engine = _ENGINES.get(key)
    if engine is None:
        with _ENGINES_LOCK:
            engine = _ENGINES.get(key)
            if engine is None:
                engine = SearchEngine(directory)
                _ENGINES[key] = engine
                freeze_heap()
    return engine


def freeze_heap() -> None:
    """Move everything allocated so far out of the garbage collector's sight.

    The directory, BM25 matrix and FAISS wrappers live as long as the process; without this
    a full collection scans them all and adds tens of milliseconds to an unlucky search
    (visible as p95 spikes with 100,000 entries).
    """
    gc.collect()
    gc.freeze()


def search(
    query: str,
    *,
    country: str | None = None,
    service: str | None = None,
    lang: str | None = None,
    k: int = 3,
    directory: Directory | None = None,
    mode: str = DEFAULT_MODE,
) -> list[SearchResult]:
    """Search the referral directory (see :meth:`SearchEngine.search`).

    The first call loads the directory, the embedding model and the index; later calls
    reuse them.
    """
    return get_engine(directory).search(
        query, country=country, service=service, lang=lang, k=k, mode=mode
    )


def result_ids(results: Sequence[SearchResult]) -> list[str]:
    """The entry ids of results, in order (handy in tests and logs)."""
    return [r.entry.id for r in results]
