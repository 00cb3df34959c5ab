"""The model is retrained only when what it is made of changed (content hash of the inputs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.stack import model
from bot.stack.model import content_hash, ensure_model, model_inputs, model_path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A checkout with the same layout as the real one: config, domain, data, pins, code."""
    files = {
        "config.yml": "pipeline: []\n",
        "domain.yml": "version: '3.1'\n",
        "constraints.txt": "rasa==3.6.21\n",
        "data/nlu/id/wages.yml": "nlu: []\n",
        "data/rules/turn.yml": "rules: []\n",
        "bot/nlu/danger.py": "WORDS = []\n",
        "README.md": "# Lentera\n",
        "data/README.txt": "notes\n",
    }
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return tmp_path


def test_the_inputs_are_config_domain_data_and_pins_in_a_stable_order(root):
    names = [p.relative_to(root).as_posix() for p in model_inputs(root)]
    assert names == sorted(names)
    assert set(names) == {
        "config.yml",
        "domain.yml",
        "constraints.txt",
        "data/nlu/id/wages.yml",
        "data/rules/turn.yml",
    }


def test_the_hash_is_stable(root):
    assert content_hash(root) == content_hash(root)
    assert len(content_hash(root)) == 12


@pytest.mark.parametrize(
    "changed",
    ["config.yml", "domain.yml", "constraints.txt", "data/nlu/id/wages.yml", "data/rules/turn.yml"],
)
def test_editing_an_input_changes_the_hash(root, changed):
    before = content_hash(root)
    with (root / changed).open("a") as handle:
        handle.write("# edited\n")
    assert content_hash(root) != before


@pytest.mark.parametrize("unrelated", ["bot/nlu/danger.py", "README.md", "data/README.txt"])
def test_editing_an_unrelated_file_keeps_the_hash(root, unrelated):
    """Our NLU components learn nothing: their code and word lists need no new training."""
    before = content_hash(root)
    with (root / unrelated).open("a") as handle:
        handle.write("# edited\n")
    assert content_hash(root) == before


def test_a_new_or_moved_data_file_changes_the_hash(root):
    before = content_hash(root)
    (root / "data/nlu/id/wages.yml").rename(root / "data/nlu/id/salary.yml")
    moved = content_hash(root)
    assert moved != before
    (root / "data/nlu/en").mkdir()
    (root / "data/nlu/en/wages.yml").write_text("nlu: []\n")
    assert content_hash(root) not in (before, moved)


def test_the_model_file_is_named_by_the_hash(root):
    assert model_path(root).name == f"lentera-{content_hash(root)}.tar.gz"


def test_ensure_model_trains_only_when_the_inputs_changed(root, tmp_path, monkeypatch):
    models = tmp_path / "models"
    trained: list[str] = []

    def fake_train(out: Path, name: str, *, root: Path) -> Path:
        trained.append(name)
        (out / f"{name}.tar.gz").write_bytes(b"model")
        return out / f"{name}.tar.gz"

    monkeypatch.setattr(model, "MODELS", models)
    monkeypatch.setattr(model, "train", fake_train)
    first = ensure_model(root)
    assert first.exists() and len(trained) == 1
    assert ensure_model(root) == first and len(trained) == 1  # up to date: no training

    (root / "domain.yml").write_text("version: '3.1'\nintents: [greet]\n")
    second = ensure_model(root)
    assert second != first and len(trained) == 2
    assert sorted(p.name for p in models.iterdir()) == [second.name]  # the old one is gone
