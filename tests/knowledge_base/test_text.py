"""Normalisation and tokenisation of informal Indonesian and English."""

from __future__ import annotations

from knowledge_base.text import detect_countries, normalize, stems, tokens, translate_to_english


def test_normalize_collapses_elongation_and_punctuation() -> None:
    assert normalize("Tolonggg!!! Sy di-PUKUL") == "tolong sy di pukul"
    assert normalize("Café  Ñ") == "cafe n"


def test_slang_and_stopwords() -> None:
    toks = tokens("gaji sy blm dibayar", with_stems=False)
    assert toks == ["gaji", "belum", "dibayar"]
    assert "tidak" in tokens("majikan gak bayar", with_stems=False)
    assert "paspor" in tokens("pasport ditahan bos", with_stems=False)
    assert "majikan" in tokens("pasport ditahan bos", with_stems=False)


def test_stems() -> None:
    assert "bayar" in stems("dibayar")
    assert "pulang" in stems("pemulangan")
    assert "pukul" in stems("dipukul")
    assert "wage" in stems("wages")
    assert stems("gaji") == ()


def test_detect_countries() -> None:
    assert detect_countries("sy kerja di Riyadh") == ["SA"]
    assert detect_countries("adik sy di malaysia, dulu di hongkong") == ["MY", "HK"]
    assert detect_countries("I am in Abu Dhabi") == ["AE"]
    assert detect_countries("gaji belum dibayar") == []


def test_translate_to_english() -> None:
    assert translate_to_english("gaji blm dibayar") == "salary wages not yet paid"
    assert "passport" in translate_to_english("paspor sy ditahan majikan")
