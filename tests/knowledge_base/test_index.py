"""Building, saving and reusing the dense index."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from knowledge_base.directory import load_directory
from knowledge_base.index import (
    META_FILE,
    build_dense_index,
    dense_texts,
    ensure_dense_index,
    is_stale,
    lexical_text,
    load_dense_index,
)
from tests.knowledge_base.conftest import entry


def test_build_save_and_reload(fixed_dir: Path, tmp_path: Path, with_model: Any) -> None:
    directory = load_directory(fixed_dir)
    index_dir = tmp_path / "index"
    assert is_stale(directory, index_dir)
    built = build_dense_index(directory, index_dir=index_dir)
    assert (index_dir / META_FILE).exists()
    assert built.meta["content_hash"] == directory.content_hash
    assert built.index.ntotal == 2 * len(directory)
    assert not is_stale(directory, index_dir)
    loaded = load_dense_index(directory, index_dir)
    assert loaded is not None and loaded.index.ntotal == built.index.ntotal
    again, rebuilt = ensure_dense_index(directory, index_dir=index_dir)
    assert not rebuilt and again.meta["built_at"] == built.meta["built_at"]


def test_changed_directory_makes_the_index_stale(
    make_directory: Callable[..., Path], tmp_path: Path, with_model: Any
) -> None:
    folder = make_directory([entry("one")])
    index_dir = tmp_path / "index"
    build_dense_index(load_directory(folder), index_dir=index_dir)
    changed = load_directory(make_directory([entry("one"), entry("two")]))
    assert is_stale(changed, index_dir)
    _, rebuilt = ensure_dense_index(changed, index_dir=index_dir)
    assert rebuilt and not is_stale(changed, index_dir)


def test_texts_are_bilingual(fixed_dir: Path) -> None:
    kl = load_directory(fixed_dir).get("kbri-kuala-lumpur")
    assert kl is not None
    en, idn = dense_texts(kl)
    assert "Embassy of Indonesia" in en and "Malaysia" in en
    assert "KBRI Kuala Lumpur" in idn and "perlindungan WNI" in idn
    lex = lexical_text(kl)
    assert "kedutaan" in lex and "embassy" in lex and "paspor" in lex
