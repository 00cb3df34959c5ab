"""Query embeddings through ONNX Runtime: the shipped MiniLM weights without torch.

`make index` exports the packaged sentence-transformers model once to ONNX
(:func:`export_onnx`, with torch, at build time); the action server then embeds queries with
ONNX Runtime and the model's own fast tokenizer. Same vectors (mean pooling, L2 norm; cosine
to the torch encoder >= 0.9999, checked on export), about 150 MB resident instead of about
800 MB with torch (docs/benchmarks.md).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

DEFAULT_ONNX_FILE = Path(__file__).resolve().parent.parent / "var" / "models" / "minilm-l6.onnx"
PROBE_TEXTS = ("nomor kbri riyadh berapa", "my employer took my passport in hong kong")
MIN_AGREEMENT = 0.9999  # cosine between the ONNX and the torch vectors of the probe texts
INPUTS = ("input_ids", "attention_mask", "token_type_ids")

_ENCODER: OnnxEncoder | None = None
_LOCK = threading.Lock()


def onnx_file() -> Path:
    """Where the exported model lives (``LENTERA_EMBEDDING_ONNX`` overrides it)."""
    override = os.environ.get("LENTERA_EMBEDDING_ONNX")
    return Path(override) if override else DEFAULT_ONNX_FILE


class OnnxEncoder:
    """A sentence encoder: tokenizer, ONNX session, mean pooling, L2 normalisation."""

    def __init__(self, onnx_path: Path, model_dir: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        # One thread, as for torch: a short query stays fast on a busy 2-core machine.
        options.intra_op_num_threads = max(1, int(os.environ.get("LENTERA_TORCH_THREADS", "1")))
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )
        config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(config.get("max_seq_length", 256)))
        self.tokenizer.enable_padding()

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """L2-normalised float32 vectors of ``texts``, shape ``(len(texts), dim)``."""
        out = [
            self._batch(list(texts[i : i + batch_size])) for i in range(0, len(texts), batch_size)
        ]
        return np.ascontiguousarray(np.concatenate(out), dtype=np.float32)

    def _batch(self, texts: list[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(texts)
        feed = {
            "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
        }
        hidden = self.session.run(None, feed)[0]
        mask = feed["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None)


def get_encoder(model_dir: Path) -> OnnxEncoder | None:
    """The process-wide ONNX encoder, or None when it is not built or ONNX Runtime is missing.

    ``LENTERA_EMBEDDING_BACKEND=torch`` forces the torch encoder.
    """
    global _ENCODER
    if os.environ.get("LENTERA_EMBEDDING_BACKEND", "").lower() == "torch":
        return None
    path = onnx_file()
    if _ENCODER is None and path.exists():
        with _LOCK:
            if _ENCODER is None:
                try:
                    _ENCODER = OnnxEncoder(path, model_dir)
                    logger.info("Query embeddings through ONNX Runtime (%s)", path.name)
                except ImportError:  # pragma: no cover - onnxruntime is a pinned dependency
                    return None
    return _ENCODER


def reset_encoder() -> None:
    """Forget the loaded encoder (tests, or after a new export)."""
    global _ENCODER
    with _LOCK:
        _ENCODER = None


def export_onnx(model: Any, model_dir: Path, target: Path) -> float:
    """Export the sentence-transformers ``model``'s transformer to ``target`` (atomically).

    Returns:
        The lowest cosine between ONNX and torch vectors of :data:`PROBE_TEXTS`.

    Raises:
        RuntimeError: When the exported model does not give the torch vectors.
    """
    import torch

    transformer = model[0].auto_model.eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    dynamic = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    sample = torch.ones((1, 8), dtype=torch.int64)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        staged = Path(tmp) / target.name
        with torch.no_grad(), warnings.catch_warnings():
            # The tracer's notes on shape branches; the probe texts check the result instead.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                LastHidden(transformer),
                (sample, sample, torch.zeros_like(sample)),
                str(staged),
                input_names=list(INPUTS),
                output_names=["last_hidden_state"],
                dynamic_axes=dynamic,
                opset_version=17,
                dynamo=False,
            )
        expected = model.encode(list(PROBE_TEXTS), normalize_embeddings=True)
        got = OnnxEncoder(staged, model_dir).encode(PROBE_TEXTS)
        agreement = float((np.asarray(expected) * got).sum(axis=1).min())
        if agreement < MIN_AGREEMENT:
            raise RuntimeError(f"ONNX export disagrees with torch (cosine {agreement:.6f})")
        os.replace(staged, target)
    reset_encoder()
    return agreement
