"""The one copy store: every message has both languages, every key the code uses exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.languages import LANGUAGES
from bot.texts import buttons, messages, split_text, text

ROOT = Path(__file__).resolve().parents[3]
# text("key", ...), buttons("key", ...), raw("key"), reply.say("key", ...), say(d, "key", ...)
USE = re.compile(r"(?:(?<![\w.])(?:text|buttons|raw|say)|\.say)\(\s*(?:\w+,\s*)?\"([a-z_]+)\"")


def keys_used() -> set[str]:
    found: set[str] = set()
    for package in ("actions", "bot"):
        for path in (ROOT / package).rglob("*.py"):
            found.update(USE.findall(path.read_text(encoding="utf-8")))
    return found


def test_the_code_uses_many_keys_and_all_exist() -> None:
    used = keys_used()
    assert len(used) > 20
    assert sorted(used - set(messages())) == []


@pytest.mark.parametrize("key", sorted(messages()))
def test_every_message_has_both_languages(key: str) -> None:
    entry = messages()[key]
    items = entry if isinstance(entry, list) else [entry, *entry.get("buttons", [])]
    for item in items:
        if isinstance(item, dict) and ("id" in item or "en" in item):
            assert all(str(item.get(lang) or "").strip() for lang in LANGUAGES), key


def test_one_label_for_the_caseworker_button() -> None:
    assert buttons("caseworker_button", "en") == [
        {"title": "Talk to a caseworker", "payload": "/request_human"}
    ]
    assert buttons("fallback_human", "id") == buttons("caseworker_button", "id")


def test_unknown_language_falls_back_to_the_default() -> None:
    assert text("choose", "fr") == text("choose", "id")
    assert text("choose", None) == text("choose", "id")


def test_bilingual_messages_lead_with_the_persons_language() -> None:
    both = next(k for k, v in messages().items() if isinstance(v, dict) and v.get("both"))
    assert text(both, "en").startswith(str(messages()[both]["en"]).strip()[:20])
    assert text(both, "id").startswith(str(messages()[both]["id"]).strip()[:20])


def test_split_text_keeps_every_character_and_respects_the_limit() -> None:
    body = ("kata " * 300).strip()
    chunks = split_text(body, 100)
    assert all(len(c) <= 100 for c in chunks)
    assert " ".join(chunks).split() == body.split()


def test_split_text_keeps_limit_and_content() -> None:
    body = ("kata " * 3000).strip()
    parts = split_text(body, 4096)
    assert all(len(p) <= 4096 for p in parts)
    assert " ".join(parts).split() == body.split()
    assert split_text("", 10) == [""]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_a_text_without_a_language_is_in_the_default_one() -> None:
    assert text("unsupported", None) == text("unsupported", "id")
    assert text("unsupported", "en").startswith("Sorry")
