"""BM25 retrieval with typo correction."""

from __future__ import annotations

import numpy as np

from knowledge_base.lexical import BM25Index


def test_bm25_ranks_the_matching_document_first() -> None:
    index = BM25Index([["gaji", "dibayar"], ["paspor", "ditahan"], ["shelter", "aman"]])
    scores = index.scores(["paspor"])
    assert int(np.argmax(scores)) == 1 and scores[0] == 0


def test_typos_are_corrected_to_vocabulary_words() -> None:
    index = BM25Index([["kedutaan", "riyadh"], ["shelter", "aman"]])
    assert index.correct("kedutan") == ["kedutaan"]
    assert index.correct("sheltr") == ["shelter"]
    assert index.correct("shleter") == ["shelter"]
    assert index.correct("zzzz") == []
    assert int(np.argmax(index.scores(["riyadhh"]))) == 0


def test_unknown_query_scores_zero() -> None:
    index = BM25Index([["a1"], ["b2"]])
    assert not index.scores(["nothing"]).any()
