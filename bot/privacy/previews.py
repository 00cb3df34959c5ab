"""Innocent previews: no alarming word in what a lock-screen notification shows.

Someone else may hold or read the person's phone. A notification shows a message's first
line, cut at :data:`PREVIEW_CHARS` characters (../shared/spec/privacy.md), so that line of
every message Lentera or a caseworker sends must not say "police", "kekerasan", "shelter"
and the like. The words come from ``LENTERA_PREVIEW_DENYLIST`` (a file path) when it is set,
else from the list shipped beside this module, both languages.

Plain functions, no Rasa: the console checks canned replies and caseworker replies with
them, the channels check a message they split, and the tests check every text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from bot.settings import load_privacy_settings

PREVIEW_CHARS = 60
SHIPPED_DENYLIST = Path(__file__).with_name("preview_denylist.txt")


def preview(text: str) -> str:
    """What a notification shows of ``text``: its first line, first 60 characters.

    Leading blank lines and spaces are skipped, as the platforms strip them.
    """
    first_line = (text or "").strip().split("\n", 1)[0]
    return first_line.strip()[:PREVIEW_CHARS]


def read_denylist(path: Path) -> tuple[str, ...]:
    """The words and phrases of a denylist file, lower-cased, in file order, no repeats."""
    words: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = " ".join(line.split()).casefold()
        if word and not word.startswith("#") and word not in words:
            words.append(word)
    return tuple(words)


@lru_cache(maxsize=4)
def _patterns(path: Path) -> tuple[tuple[str, re.Pattern[str]], ...]:
    # A phrase matches across any run of spaces or hyphens ("rumah  aman", "run-away"); a
    # word only as a whole word, so "police" never flags "policy".
    compiled = []
    for word in read_denylist(path):
        body = r"[\s\-]+".join(re.escape(part) for part in re.split(r"[\s\-]+", word))
        compiled.append((word, re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)))
    return tuple(compiled)


def denylist_path() -> Path:
    """The denylist in force: ``LENTERA_PREVIEW_DENYLIST``, else the shipped list."""
    return load_privacy_settings().preview_denylist or SHIPPED_DENYLIST


def denylist() -> tuple[str, ...]:
    """The alarming words in force (lower case)."""
    return tuple(word for word, _ in _patterns(denylist_path()))


def alarming_words(text: str) -> list[str]:
    """The denylisted words found in ``text``'s preview, in the order they appear there."""
    shown = preview(text)
    found = [(m.start(), word) for word, p in _patterns(denylist_path()) if (m := p.search(shown))]
    return [word for _, word in sorted(found)]


def is_innocent(text: str) -> bool:
    """True when ``text``'s preview holds no denylisted word."""
    return not alarming_words(text)
