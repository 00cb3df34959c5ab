"""Tests mirror the source tree: every module has ``tests/<same path>/test_<name>.py``.

``bot/stack/model.py`` is tested by ``tests/bot/stack/test_model.py``, as in rasa-sdk and
python-telegram-bot. Package markers (``__init__``, ``__main__``) and Alembic revisions are
left out. A module tested elsewhere is listed in ``COVERED_ELSEWHERE`` with the file that
tests it; one still waiting for its mirror, in a folder another change is working on, is
listed in ``TODO`` with the owner of that folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "actions", "knowledge_base", "devtools")
NOT_MODULES = {"__init__.py", "__main__.py"}
REVISIONS = "bot/storage/migrations/versions"

# Modules without a mirror of their own, and the test file that covers them.
COVERED_ELSEWHERE = {
    # Constants only (where the checkout, var/ and models/ are); the default tracker store
    # under var/ is asserted by the endpoints tests.
    "bot/stack/paths.py": "tests/bot/stack/test_endpoints.py",
    # The platform fakes are test infrastructure: every channel test drives them.
    "devtools/fake_telegram.py": "tests/bot/channels/telegram/test_input.py",
    "devtools/fake_whatsapp.py": "tests/bot/channels/whatsapp/test_input.py",
    # Starts the trained model with the action server: the `rasa_stack` fixture of
    # tests/conftest.py, used by the end-to-end tests (it needs a trained model).
    "devtools/stack.py": "tests/test_assistant_e2e.py",
    # Serves the console beside the trained stack: the handoff end-to-end test uses it.
    "devtools/console.py": "tests/test_handoff_e2e.py",
    # One table; every erasure test reads and writes it.
    "bot/privacy/tables.py": "tests/bot/privacy/test_erasure.py",
}

# Folders other changes are working on: their owners add the mirrors (then drop the line).
TODO = {
    # TODO(owner of bot/storage): Alembic's env script, run by every migration in
    # tests/bot/storage/test_migrate.py.
    "bot/storage/migrations/env.py": "bot/storage",
}


def source_modules() -> list[str]:
    """Every module of the packages, as a path from the repository root."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if path.name in NOT_MODULES or relative.startswith(REVISIONS + "/"):
                continue
            found.append(relative)
    return found


def mirror_of(module: str) -> str:
    """``bot/stack/model.py`` -> ``tests/bot/stack/test_model.py``."""
    path = Path(module)
    return (Path("tests") / path.parent / f"test_{path.name}").as_posix()


def test_mirror_of_keeps_the_folders():
    assert mirror_of("bot/stack/model.py") == "tests/bot/stack/test_model.py"
    assert mirror_of("actions/state.py") == "tests/actions/test_state.py"


def test_the_walk_finds_modules_and_leaves_out_package_markers_and_revisions():
    modules = source_modules()
    assert "actions/state.py" in modules and "knowledge_base/vocabulary.py" in modules
    assert not any(Path(m).name in NOT_MODULES for m in modules)
    assert not any(m.startswith(REVISIONS) for m in modules)


@pytest.mark.parametrize(
    "module", [m for m in source_modules() if m not in COVERED_ELSEWHERE and m not in TODO]
)
def test_every_module_has_its_mirror(module):
    assert (ROOT / mirror_of(module)).is_file(), f"{module} has no {mirror_of(module)}"


@pytest.mark.parametrize(("module", "covered_by"), sorted(COVERED_ELSEWHERE.items()))
def test_a_module_covered_elsewhere_names_a_real_module_and_test(module, covered_by):
    assert (ROOT / module).is_file(), f"{module} is gone: drop it from COVERED_ELSEWHERE"
    assert (ROOT / covered_by).is_file(), f"{covered_by} is gone: name the test covering {module}"
    assert not (ROOT / mirror_of(module)).is_file(), f"{module} has its mirror now: drop it"
