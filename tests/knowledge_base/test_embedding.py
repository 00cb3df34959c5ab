"""Loading the packaged model offline and embedding texts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from knowledge_base import embedding


def test_model_path_points_at_the_packaged_model() -> None:
    path = embedding.model_path()
    assert (path / "modules.json").exists() and (path / "model.safetensors").exists()


def test_model_path_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LENTERA_EMBEDDING_MODEL", str(tmp_path))
    assert embedding.model_path() == tmp_path


def test_embed_returns_normalised_vectors(with_model: Any) -> None:
    vectors = embedding.embed(["unpaid salary", "gaji tidak dibayar", "passport"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert float(vectors[0] @ vectors[2]) < float(vectors[0] @ vectors[0])
