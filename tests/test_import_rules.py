"""The import rules of docs/architecture.md, checked over the source tree (run by `make lint`).

- production code (bot, actions, knowledge_base, devtools, bench) never imports `tests`;
- `actions` never imports the Rasa-side NLU (`bot.nlu`), spaCy or Rasa itself: the action
  server must not load them;
- `actions` imports from `bot` only plain data modules (places, languages, texts) and the
  case store with what it stands on (cases, storage, security, settings);
- storage and security modules import no channel and no delivery; security imports no storage;
- delivery imports no channel;
- the case store (`bot/cases`) imports no channel, delivery, console or Rasa, and storage
  does not import the case store (it sits above storage);
- the console (`bot/console`) imports no channel, delivery, NLU, action or Rasa: it reaches a
  person only through the case store's outbox.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = ("bot", "actions", "knowledge_base", "devtools", "bench")
STORAGE_AND_SECURITY = ("bot/storage", "bot/security")
# What the action server may import from bot/: plain data and helpers, and the case store
# (a handoff opens a case); never the Rasa side, channels or delivery.
ACTIONS_MAY_USE = (
    "bot.places",
    "bot.languages",
    "bot.texts",
    "bot.cases",
    "bot.storage",
    "bot.security",
    "bot.settings",
    "bot.privacy",
)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports (absolute names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def files_under(*places: str) -> list[Path]:
    out: list[Path] = []
    for place in places:
        path = ROOT / place
        out += [path] if path.is_file() else sorted(path.rglob("*.py")) if path.exists() else []
    return out


def offending(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in sorted(imports_of(path))
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


def test_production_never_imports_tests() -> None:
    assert offending(files_under(*PRODUCTION), ("tests",)) == []


def test_actions_never_load_the_rasa_side() -> None:
    assert offending(files_under("actions"), ("bot.nlu", "spacy", "rasa")) == []


@pytest.mark.parametrize("place", STORAGE_AND_SECURITY)
def test_storage_and_security_import_no_channel(place: str) -> None:
    forbidden = ("bot.channels", "bot.delivery", "telegram", "rasa.core.channels")
    assert offending(files_under(place), forbidden) == []


def test_security_imports_no_storage() -> None:
    assert offending(files_under("bot/security"), ("bot.storage",)) == []


def test_delivery_imports_no_channel() -> None:
    assert offending(files_under("bot/delivery"), ("bot.channels",)) == []


def test_case_store_imports_no_channel_delivery_console_or_rasa() -> None:
    forbidden = ("bot.channels", "bot.delivery", "bot.console", "bot.nlu", "rasa", "telegram")
    assert files_under("bot/cases")
    assert offending(files_under("bot/cases"), forbidden) == []


def test_console_imports_no_channel_delivery_actions_or_rasa() -> None:
    forbidden = ("bot.channels", "bot.delivery", "bot.nlu", "actions", "rasa", "telegram", "spacy")
    assert files_under("bot/console")
    assert offending(files_under("bot/console"), forbidden) == []


def test_storage_does_not_import_the_case_store() -> None:
    assert offending(files_under("bot/storage"), ("bot.cases",)) == []


def test_actions_use_only_plain_parts_of_bot() -> None:
    used = {
        name
        for path in files_under("actions")
        for name in imports_of(path)
        if name == "bot" or name.startswith("bot.")
    }
    assert used
    assert sorted(n for n in used if not n.startswith(ACTIONS_MAY_USE)) == []
