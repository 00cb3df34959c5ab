"""Query embeddings through ONNX Runtime: the same vectors as torch, and no torch loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from knowledge_base import embedding, onnx_encoder
from knowledge_base.directory import load_directory
from knowledge_base.index import dense_texts

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("onnx") / "minilm.onnx"
    agreement = onnx_encoder.export_onnx(embedding.get_model(), embedding.model_path(), target)
    assert agreement >= onnx_encoder.MIN_AGREEMENT
    return target


def test_onnx_vectors_are_the_torch_vectors_for_every_directory_text(exported: Path) -> None:
    texts = [t for e in load_directory().entries for t in dense_texts(e)]
    texts += ["gaji sy blm dibayar 3 bln kak", "x" * 3000, "🙏🙏 tolong"]
    torch_vectors = embedding.get_model().encode(texts, normalize_embeddings=True)
    onnx_vectors = onnx_encoder.OnnxEncoder(exported, embedding.model_path()).encode(texts)
    assert onnx_vectors.shape == (len(texts), 384) and onnx_vectors.dtype == np.float32
    assert float((np.asarray(torch_vectors) * onnx_vectors).sum(axis=1).min()) > 0.9999


def test_embed_uses_onnx_when_exported_and_torch_when_told(
    exported: Path, monkeypatch: pytest.MonkeyPatch, with_model: Any
) -> None:
    monkeypatch.setenv("LENTERA_EMBEDDING_ONNX", str(exported))
    onnx_encoder.reset_encoder()
    try:
        assert onnx_encoder.get_encoder(embedding.model_path()) is not None
        via_onnx = embedding.embed(["nomor kbri riyadh"])
        monkeypatch.setenv("LENTERA_EMBEDDING_BACKEND", "torch")
        assert onnx_encoder.get_encoder(embedding.model_path()) is None
        via_torch = embedding.embed(["nomor kbri riyadh"])
        assert float(via_onnx[0] @ via_torch[0]) > 0.9999
    finally:
        onnx_encoder.reset_encoder()


def test_a_missing_export_falls_back_to_torch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LENTERA_EMBEDDING_ONNX", str(tmp_path / "absent.onnx"))
    onnx_encoder.reset_encoder()
    assert onnx_encoder.get_encoder(embedding.model_path()) is None


def test_a_search_process_never_loads_torch(exported: Path) -> None:
    """What the action server does per turn: search, with the exported model only."""
    code = (
        "import json, sys\n"
        "from knowledge_base.search import search\n"
        "hits = search('nomor kbri riyadh', country='SA', k=3)\n"
        "print(json.dumps({'torch': 'torch' in sys.modules, 'hits': [h.entry.id for h in hits]}))\n"
    )
    env = {**os.environ, "LENTERA_EMBEDDING_ONNX": str(exported), "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["torch"] is False
    assert "kbri-riyadh" in result["hits"]
