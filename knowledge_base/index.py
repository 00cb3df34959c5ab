"""Building and loading the dense (FAISS) index of the directory.

``python -m knowledge_base build`` embeds two texts per entry (English and Indonesian:
name, description, services, kind, places) with the packaged all-MiniLM-L6-v2 model and
stores a FAISS inner-product index plus its metadata under ``var/index/``. The index is
rebuilt only when the directory's content hash (or the index format) changed.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from knowledge_base.directory import PACKAGE_DIR, Directory, Entry
from knowledge_base.text import load_glossary
from knowledge_base.vocabulary import COUNTRY_NAMES

logger = logging.getLogger(__name__)

INDEX_FORMAT = 3
DEFAULT_INDEX_DIR = PACKAGE_DIR.parent / "var" / "index"
INDEX_FILE = "dense.faiss"
META_FILE = "meta.json"

#: Above this many vectors the index is IVF (inverted lists, 16 of sqrt(n) probed) instead
#: of exact flat search: at 200,000 vectors flat search alone blew the 30 ms budget and HNSW
#: took minutes to build for a slower search (measurements in docs/benchmarks_search.md).
LARGE_INDEX_THRESHOLD = 50_000

SERVICE_LABELS: dict[str, dict[str, str]] = {
    "emergency": {"en": "emergency help", "id": "bantuan darurat"},
    "consular_protection": {"en": "protection of Indonesian citizens", "id": "perlindungan WNI"},
    "legal_aid": {"en": "legal aid", "id": "bantuan hukum"},
    "shelter": {"en": "shelter, safe place to stay", "id": "shelter, rumah aman"},
    "repatriation": {"en": "going home to Indonesia", "id": "pemulangan ke Indonesia"},
    "counselling": {"en": "counselling and support", "id": "konseling dan pendampingan"},
    "trafficking_support": {
        "en": "help for trafficking victims",
        "id": "bantuan korban perdagangan orang",
    },
    "wage_claims": {"en": "unpaid wages and salary claims", "id": "gaji tidak dibayar, klaim gaji"},
    "document_help": {"en": "passport and documents", "id": "paspor dan dokumen"},
    "medical": {"en": "medical help", "id": "bantuan kesehatan"},
    "detention_support": {
        "en": "help when detained or arrested",
        "id": "bantuan saat ditahan atau ditangkap",
    },
    "missing_person": {"en": "missing family member", "id": "keluarga hilang kontak"},
    "complaints": {"en": "complaints and reports", "id": "pengaduan dan laporan"},
    "agency_verification": {"en": "checking recruitment agencies", "id": "cek agen penyalur resmi"},
    "pre_departure_info": {
        "en": "safe migration before leaving",
        "id": "info sebelum berangkat kerja",
    },
    "witness_protection": {
        "en": "witness and victim protection",
        "id": "perlindungan saksi dan korban",
    },
}

KIND_LABELS: dict[str, dict[str, str]] = {
    "embassy": {"en": "Indonesian embassy", "id": "kedutaan besar RI (KBRI)"},
    "consulate": {"en": "Indonesian consulate", "id": "konsulat RI (KJRI)"},
    "government_hotline": {"en": "government hotline", "id": "hotline pemerintah"},
    "government_agency": {"en": "government agency", "id": "lembaga pemerintah"},
    "labour_authority": {"en": "labour department", "id": "dinas tenaga kerja"},
    "police": {"en": "police", "id": "polisi"},
    "emergency_service": {"en": "emergency number", "id": "nomor darurat"},
    "ngo": {"en": "non-governmental organisation", "id": "LSM / organisasi pendamping"},
    "legal_aid": {"en": "legal aid organisation", "id": "lembaga bantuan hukum"},
    "shelter": {"en": "shelter", "id": "shelter / rumah aman"},
    "international_org": {"en": "international organisation", "id": "organisasi internasional"},
    "app": {"en": "mobile app", "id": "aplikasi"},
}


def dense_texts(entry: Entry) -> tuple[str, str]:
    """Return the English and Indonesian texts embedded for ``entry``."""
    texts = []
    for lang in ("en", "id"):
        places = ", ".join(
            list(entry.cities) + [COUNTRY_NAMES.get(c, {}).get(lang, c) for c in entry.countries]
        )
        services = "; ".join(SERVICE_LABELS[s][lang] for s in entry.services if s in SERVICE_LABELS)
        kind = KIND_LABELS.get(entry.kind, {}).get(lang, entry.kind)
        texts.append(
            f"{entry.name_in(lang)} ({kind}, {places}). {entry.description_in(lang)} {services}."
        )
    return texts[0], texts[1]


def lexical_text(entry: Entry) -> str:
    """Return the bilingual text indexed by BM25, enriched with the glossary's words."""
    g = load_glossary()
    parts = [
        entry.name.get("en", ""),
        entry.name.get("id", ""),
        entry.description.get("en", ""),
        entry.description.get("id", ""),
        " ".join(entry.cities),
        entry.id.replace("-", " "),
    ]
    for c in entry.countries:
        parts.extend(COUNTRY_NAMES.get(c, {}).values())
    for s in entry.services:
        for words in g.services.get(s, {}).values():
            parts.append(" ".join(words))
    for words in g.kinds.get(entry.kind, {}).values():
        parts.append(" ".join(words))
    return " ".join(parts)


@dataclass
class DenseIndex:
    """A loaded dense index.

    Attributes:
        index: The FAISS index (inner product over normalised vectors).
        vectors: The stored vectors (for exact scoring of small directories).
        vector_entry: For each vector, the position of its entry in the directory.
        meta: The metadata written next to the index.
    """

    index: Any
    vectors: np.ndarray
    vector_entry: np.ndarray
    meta: dict[str, Any]


def index_dir_for(directory: Directory) -> Path | None:
    """Return where the index of ``directory`` lives on disk, or ``None`` (in-memory only).

    The shipped directory uses ``var/index/`` (``LENTERA_INDEX_DIR`` overrides it); any
    other directory (tests, benchmarks) is indexed in memory.
    """
    from knowledge_base.directory import DEFAULT_DIR

    override = os.environ.get("LENTERA_INDEX_DIR")
    if Path(directory.path).resolve() == DEFAULT_DIR.resolve():
        return Path(override) if override else DEFAULT_INDEX_DIR
    return None


def read_meta(index_dir: Path) -> dict[str, Any] | None:
    """Return the metadata of the index in ``index_dir``, or ``None`` when absent/unreadable."""
    try:
        return dict(json.loads((index_dir / META_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def is_stale(directory: Directory, index_dir: Path) -> bool:
    """Return whether the index in ``index_dir`` is missing or built from other content."""
    meta = read_meta(index_dir)
    return (
        meta is None
        or meta.get("content_hash") != directory.content_hash
        or meta.get("format") != INDEX_FORMAT
        or not (index_dir / INDEX_FILE).exists()
    )


def make_faiss_index(vectors: np.ndarray, *, index_type: str | None = None) -> tuple[Any, str]:
    """Build a FAISS inner-product index over normalised ``vectors``.

    Args:
        vectors: ``(n, dim)`` float32, L2-normalised.
        index_type: ``"flat"`` (exact), ``"ivf"`` or ``"hnsw"``; default: flat up to
            ``LARGE_INDEX_THRESHOLD`` vectors, IVF above.

    Returns:
        The index and the type used.
    """
    import faiss

    n, dim = vectors.shape
    chosen = index_type or ("ivf" if n > LARGE_INDEX_THRESHOLD else "flat")
    if chosen == "flat":
        index = faiss.IndexFlatIP(dim)
    elif chosen == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 40
        index.hnsw.efSearch = 64
    elif chosen == "ivf":
        nlist = max(1, int(np.sqrt(n)))
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = np.random.default_rng(0).choice(n, size=min(n, 64 * nlist), replace=False)
        index.train(vectors[np.sort(sample)])
        index.nprobe = min(nlist, 16)
    else:
        raise ValueError(f"unknown index type {index_type!r}")
    index.add(vectors)
    return index, chosen


def embed_directory(
    entries: Sequence[Entry], *, show_progress: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Embed every entry's two texts; return the vectors and their entry positions."""
    from knowledge_base.embedding import embed

    texts: list[str] = []
    owners: list[int] = []
    for pos, entry in enumerate(entries):
        for text in dense_texts(entry):
            texts.append(text)
            owners.append(pos)
    vectors = embed(texts, show_progress=show_progress)
    return vectors, np.asarray(owners, dtype=np.int64)


def build_dense_index(
    directory: Directory,
    *,
    index_dir: Path | None = None,
    show_progress: bool = False,
    index_type: str | None = None,
) -> DenseIndex:
    """Embed the directory and build its FAISS index, saving it when ``index_dir`` is set.

    Args:
        directory: The loaded directory.
        index_dir: Where to write ``dense.faiss`` and ``meta.json`` (atomically), or ``None``.
        show_progress: Show a progress bar while embedding.
        index_type: Force ``flat``, ``hnsw`` or ``ivf``.

    Returns:
        The index.
    """
    import faiss

    from knowledge_base.embedding import MODEL_NAME

    started = time.perf_counter()
    vectors, owners = embed_directory(directory.entries, show_progress=show_progress)
    index, chosen = make_faiss_index(vectors, index_type=index_type)
    meta = {
        "format": INDEX_FORMAT,
        "content_hash": directory.content_hash,
        "model": MODEL_NAME,
        "dim": int(vectors.shape[1]),
        "entries": [e.id for e in directory.entries],
        "vector_entry": owners.tolist(),
        "index_type": chosen,
        "build_seconds": round(time.perf_counter() - started, 3),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    if index_dir is not None:
        index_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=index_dir) as tmp:
            tmp_path = Path(tmp)
            faiss.write_index(index, str(tmp_path / INDEX_FILE))
            np.save(tmp_path / "vectors.npy", vectors)
            (tmp_path / META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
            for name in (INDEX_FILE, "vectors.npy", META_FILE):
                os.replace(tmp_path / name, index_dir / name)
        logger.info(
            "Built %s index of %s vectors in %ss", chosen, len(owners), meta["build_seconds"]
        )
    return DenseIndex(index=index, vectors=vectors, vector_entry=owners, meta=meta)


def load_dense_index(directory: Directory, index_dir: Path) -> DenseIndex | None:
    """Load the saved index if it matches ``directory``; ``None`` when missing or stale."""
    import faiss

    if is_stale(directory, index_dir):
        return None
    meta = read_meta(index_dir) or {}
    if meta.get("entries") != [e.id for e in directory.entries]:
        return None
    try:
        index = faiss.read_index(str(index_dir / INDEX_FILE))
        vectors = np.load(index_dir / "vectors.npy")
    except (OSError, RuntimeError, ValueError) as exc:
        logger.warning("Cannot read the search index in %s: %s", index_dir, exc)
        return None
    return DenseIndex(
        index=index,
        vectors=np.ascontiguousarray(vectors, dtype=np.float32),
        vector_entry=np.asarray(meta["vector_entry"], dtype=np.int64),
        meta=meta,
    )


def ensure_dense_index(
    directory: Directory, *, index_dir: Path | None = None, show_progress: bool = False
) -> tuple[DenseIndex, bool]:
    """Return an up-to-date index for ``directory``, building (and saving) it when stale.

    Returns:
        The index and whether it was (re)built now.
    """
    if index_dir is None:
        index_dir = index_dir_for(directory)
    if index_dir is not None:
        loaded = load_dense_index(directory, index_dir)
        if loaded is not None:
            return loaded, False
    try:
        return build_dense_index(directory, index_dir=index_dir, show_progress=show_progress), True
    except OSError as exc:  # read-only checkout: keep the index in memory
        logger.warning("Cannot save the search index (%s); keeping it in memory", exc)
        return build_dense_index(directory, index_dir=None, show_progress=show_progress), True
