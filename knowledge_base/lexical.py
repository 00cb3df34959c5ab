"""Lexical retrieval: BM25 (Okapi, from ``rank-bm25``) over the glossary-enriched entry text.

``rank_bm25.BM25Okapi`` computes the statistics (document frequencies, IDF, lengths);
its per-query scoring is a Python loop over every document, so the weights are copied once
into a sparse matrix and a query is scored with one sparse column sum. Query words that
are not in the vocabulary are corrected to a vocabulary word one edit away (typos).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from rank_bm25 import BM25Okapi
from scipy import sparse

logger = logging.getLogger(__name__)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class BM25Index:
    """BM25 over pre-tokenised documents with fast sparse scoring and typo correction.

    Args:
        docs: One token list per document.
        k1: BM25 term-frequency saturation.
        b: BM25 length normalisation.
    """

    def __init__(self, docs: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.6) -> None:
        corpus = [list(d) if d else ["_empty_"] for d in docs]
        bm25 = BM25Okapi(corpus, k1=k1, b=b)
        self.n_docs = len(corpus)
        self.vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        avgdl = bm25.avgdl
        for doc_id, (freqs, dl) in enumerate(zip(bm25.doc_freqs, bm25.doc_len, strict=True)):
            norm = k1 * (1 - b + b * dl / avgdl)
            for term, tf in freqs.items():
                col = self.vocab.setdefault(term, len(self.vocab))
                rows.append(doc_id)
                cols.append(col)
                vals.append(bm25.idf[term] * tf * (k1 + 1) / (tf + norm))
        self.matrix = sparse.csc_matrix(
            (np.asarray(vals, dtype=np.float32), (rows, cols)),
            shape=(self.n_docs, len(self.vocab)),
        )
        self._by_delete: dict[str, list[str]] = defaultdict(list)
        for term in self.vocab:
            if len(term) >= 4 and not term.isdigit():
                for d in _deletes(term):
                    self._by_delete[d].append(term)

    def correct(self, word: str) -> list[str]:
        """Return vocabulary words within about one edit of an unknown ``word``."""
        if word in self.vocab or len(word) < 4 or word.isdigit():
            return [word] if word in self.vocab else []
        found: set[str] = set()
        if word in self._by_delete:  # a letter missing in the query
            found.update(self._by_delete[word])
        for d in _deletes(word):
            if d in self.vocab:  # an extra letter in the query
                found.add(d)
            found.update(self._by_delete.get(d, ()))  # a wrong or swapped letter
        return sorted(found)[:3]

    def query_columns(self, query_tokens: Sequence[str]) -> list[tuple[int, float]]:
        """Map query tokens to (column, weight); corrected typos count at half weight."""
        cols: list[tuple[int, float]] = []
        for tok in query_tokens:
            col = self.vocab.get(tok)
            if col is not None:
                cols.append((col, 1.0))
                continue
            for fixed in self.correct(tok):
                cols.append((self.vocab[fixed], 0.5))
        return cols

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """Return the BM25 score of every document for the query tokens."""
        cols = self.query_columns(query_tokens)
        if not cols:
            return np.zeros(self.n_docs, dtype=np.float32)
        weights = np.zeros(len(self.vocab), dtype=np.float32)
        for col, w in cols:
            weights[col] += w
        used = np.nonzero(weights)[0]
        sub = self.matrix[:, used]
        return np.asarray(sub @ weights[used], dtype=np.float32).ravel()
