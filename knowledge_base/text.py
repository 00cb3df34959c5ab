"""Text normalisation and tokenisation for search, tuned for informal Indonesian and English.

Migrant workers type ``gaji blm dibayar``, ``tolonggg``, ``pasport sy ditahan bos``. This
module lowercases, strips accents, collapses letter elongations, maps slang to one normal
form (from ``glossary.yml``), removes a few stop words and adds light Indonesian/English
stems, so that the lexical (BM25) side of the search matches what the directory says.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.places import places_data

GLOSSARY_FILE = Path(__file__).resolve().parent / "glossary.yml"

_WORD_RE = re.compile(r"[a-z0-9]+")
_ELONGATION_RE = re.compile(r"([a-z])\1{2,}")

STOPWORDS: frozenset[str] = frozenset(
    {
        # Indonesian
        "saya",
        "di",
        "ke",
        "dari",
        "yang",
        "dan",
        "ini",
        "itu",
        "ada",
        "mau",
        "ingin",
        "minta",
        "apa",
        "bagaimana",
        "mana",
        "untuk",
        "dengan",
        "ya",
        "kak",
        "dong",
        "sih",
        "deh",
        "nih",
        "aja",
        "saja",
        "juga",
        "sama",
        "karena",
        "tapi",
        "kalau",
        "kalo",
        "bisa",
        "harus",
        "apakah",
        "atau",
        "pada",
        "oleh",
        "kami",
        "kita",
        "dia",
        "mereka",
        "banget",
        "sangat",
        "lagi",
        "nya",
        "kah",
        "lah",
        "tolong",
        "mohon",
        "halo",
        "hai",
        "gan",
        "min",
        "bang",
        "mbak",
        "mas",
        "pak",
        "bu",
        "dulu",
        "gitu",
        "begitu",
        "tau",
        "tahu",
        "kasih",
        "info",
        "informasi",
        "butuh",
        "perlu",
        "cari",
        "mencari",
        # English
        "i",
        "me",
        "my",
        "mine",
        "the",
        "a",
        "an",
        "to",
        "of",
        "in",
        "on",
        "for",
        "is",
        "am",
        "are",
        "was",
        "were",
        "be",
        "been",
        "and",
        "or",
        "it",
        "its",
        "this",
        "that",
        "with",
        "at",
        "from",
        "can",
        "could",
        "do",
        "does",
        "did",
        "how",
        "what",
        "where",
        "who",
        "please",
        "need",
        "want",
        "some",
        "any",
        "there",
        "here",
        "you",
        "your",
        "we",
        "our",
        "they",
        "them",
        "he",
        "she",
        "him",
        "her",
        "his",
        "get",
        "got",
        "just",
        "about",
        "find",
        "looking",
        "give",
        "tell",
        "know",
        "hi",
        "hello",
        "pls",
        "plz",
    }
)

_ID_PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # prefix, replacements for the dropped first consonant (morphophonemics)
    ("meny", ("s",)),
    ("peny", ("s",)),
    ("meng", ("", "k")),
    ("peng", ("", "k")),
    ("mem", ("p", "")),
    ("pem", ("p", "")),
    ("men", ("t", "")),
    ("pen", ("t", "")),
    ("ber", ("",)),
    ("ter", ("",)),
    ("per", ("",)),
    ("di", ("",)),
    ("ke", ("",)),
    ("me", ("",)),
    ("pe", ("",)),
    ("se", ("",)),
)
_ID_SUFFIXES: tuple[str, ...] = ("nya", "kan", "lah", "kah", "an", "in", "i")
_VOWELS = frozenset("aeiou")


@dataclass(frozen=True)
class Glossary:
    """The search glossary (see ``glossary.yml``)."""

    slang: Mapping[str, str]
    services: Mapping[str, Mapping[str, tuple[str, ...]]]
    kinds: Mapping[str, Mapping[str, tuple[str, ...]]]
    countries: Mapping[str, tuple[str, ...]]
    translate: Mapping[str, str]


def country_words() -> dict[str, tuple[str, ...]]:
    """The words naming each country, from the one gazetteer (bot/places/places.yml).

    Country forms and the forms of its cities, lowercased and normalised like a query; the
    forms that are also ordinary words ("kk" = kakak) count only after a place preposition
    in the NLU, so search leaves them out.
    """
    data = places_data()
    ambiguous = {str(form).lower() for form in data.get("needs_locative", [])}
    words: dict[str, list[str]] = {
        str(code): [str(f) for f in forms] for code, forms in data["countries"].items()
    }
    for name, city in data["cities"].items():
        words.setdefault(str(city["country"]), []).extend([name, *map(str, city["forms"])])
    out: dict[str, tuple[str, ...]] = {}
    for code, forms in words.items():
        seen = dict.fromkeys(normalize(f) for f in forms if f.lower() not in ambiguous)
        out[code] = tuple(form for form in seen if form)
    return out


@functools.lru_cache(maxsize=4)
def load_glossary(path: Path = GLOSSARY_FILE) -> Glossary:
    """Load and cache the glossary."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))

    def words(
        block: Mapping[str, Mapping[str, list[str]]],
    ) -> dict[str, dict[str, tuple[str, ...]]]:
        return {k: {lang: tuple(v) for lang, v in langs.items()} for k, langs in block.items()}

    return Glossary(
        slang={str(k): str(v) for k, v in data.get("slang", {}).items()},
        services=words(data.get("services", {})),
        kinds=words(data.get("kinds", {})),
        countries=country_words(),
        translate={str(k): str(v) for k, v in data.get("translate", {}).items()},
    )


def normalize(text: str) -> str:
    """Lowercase, strip accents and punctuation, collapse elongations (``tolonggg`` -> ``tolong``).

    Args:
        text: Raw text.

    Returns:
        Space-separated lowercase ASCII words.
    """
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("'", "")
    text = _ELONGATION_RE.sub(r"\1", text)
    return " ".join(_WORD_RE.findall(text))


def apply_slang(words: Iterable[str], glossary: Glossary | None = None) -> list[str]:
    """Map slang and misspellings to their normal form (a form may be several words)."""
    g = glossary or load_glossary()
    out: list[str] = []
    for w in words:
        out.extend(g.slang.get(w, w).split())
    return out


@functools.lru_cache(maxsize=65536)
def stems(word: str) -> tuple[str, ...]:
    """Return light stems of ``word`` (Indonesian affixes, English plural/-ing), maybe empty.

    The stemmer is deliberately simple and over-generates: every candidate is added as an
    extra token on both the entry and the query side, so a match on any form counts.
    """
    out: list[str] = []
    if len(word) < 5 or word.isdigit():
        return ()
    base = word
    for suf in _ID_SUFFIXES:
        if base.endswith(suf) and len(base) - len(suf) >= 4:
            base = base[: -len(suf)]
            out.append(base)
            break
    for cand in list({word, base}):
        for pre, repl in _ID_PREFIXES:
            if cand.startswith(pre) and len(cand) - len(pre) >= 3:
                rest = cand[len(pre) :]
                for r in repl:
                    if r and rest[0] not in _VOWELS:
                        continue
                    stem = r + rest
                    if len(stem) >= 4:
                        out.append(stem)
                break
    if word.endswith("ing") and len(word) > 6:
        out.append(word[:-3])
    if word.endswith("ies") and len(word) > 5:
        out.append(word[:-3] + "y")
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 4:
        out.append(word[:-1])
    if word.endswith("ed") and len(word) > 5:
        out.append(word[:-2])
    return tuple(dict.fromkeys(s for s in out if s != word))


def tokens(text: str, *, glossary: Glossary | None = None, with_stems: bool = True) -> list[str]:
    """Tokenise text for BM25: normalise, map slang, drop stop words, add stems.

    Args:
        text: Raw text (query or entry text).
        glossary: The glossary (default: the package's).
        with_stems: Add stem tokens after each word.

    Returns:
        The tokens.
    """
    words = apply_slang(normalize(text).split(), glossary)
    out: list[str] = []
    for w in words:
        if w in STOPWORDS or len(w) < 2:
            continue
        out.append(w)
        if with_stems:
            out.extend(stems(w))
    return out


def translate_to_english(text: str, *, glossary: Glossary | None = None) -> str:
    """Word-by-word gloss of an Indonesian query into English for the English-only encoder.

    Words without a gloss are kept as they are (names, places, English words).
    """
    g = glossary or load_glossary()
    words = apply_slang(normalize(text).split(), g)
    out: list[str] = []
    for w in words:
        gloss = g.translate.get(w)
        if gloss is None:
            for s in stems(w):
                if s in g.translate:
                    gloss = g.translate[s]
                    break
        out.append(gloss if gloss is not None else w)
    return " ".join(out)


def detect_countries(text: str, *, glossary: Glossary | None = None) -> list[str]:
    """Return the country codes a text names (by country name, slang or city), in order."""
    g = glossary or load_glossary()
    norm = " " + " ".join(apply_slang(normalize(text).split(), g)) + " "
    found: list[tuple[int, str]] = []
    for code, names in g.countries.items():
        for name in names:
            pos = norm.find(" " + name + " ")
            if pos >= 0:
                found.append((pos, code))
                break
    return [code for _, code in sorted(found)]
