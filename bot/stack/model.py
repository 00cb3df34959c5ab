"""Train only when what the model is made of changed (by content hash)."""

from __future__ import annotations

import hashlib
import logging
import subprocess
from pathlib import Path

from bot.stack.paths import BIN, MODELS, ROOT

logger = logging.getLogger(__name__)

# Everything a trained model depends on. Our components in bot/nlu/ learn nothing and leave
# the training data alone: they are loaded by name at run time, so editing them or their word
# lists needs no new training.
MODEL_INPUTS = ("config.yml", "domain.yml", "data/**/*.yml", "constraints.txt")


def model_inputs(root: Path = ROOT) -> list[Path]:
    """The files whose content decides the model, in a stable order."""
    files = {path for pattern in MODEL_INPUTS for path in root.glob(pattern) if path.is_file()}
    return sorted(files)


def content_hash(root: Path = ROOT) -> str:
    """SHA-256 over the names and bytes of the model inputs (first 12 hex digits)."""
    digest = hashlib.sha256()
    for path in model_inputs(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_path(root: Path = ROOT) -> Path:
    """The model file for the current inputs (it may not exist yet)."""
    return MODELS / f"lentera-{content_hash(root)}.tar.gz"


def train(
    out: Path,
    name: str,
    *,
    root: Path = ROOT,
    quiet: bool = False,
    env: dict[str, str] | None = None,
) -> Path:
    """Train NLU + dialogue into `out/<name>.tar.gz` and return that path."""
    output = subprocess.DEVNULL if quiet else None
    subprocess.run(
        [
            str(BIN / "rasa"),
            "train",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--out",
            str(out),
            "--fixed-model-name",
            name,
        ],
        cwd=root,
        check=True,
        stdout=output,
        stderr=output,
        env=env,
    )
    return out / f"{name}.tar.gz"


def ensure_model(root: Path = ROOT) -> Path:
    """Return the current model, training it first when the inputs changed."""
    path = model_path(root)
    if path.exists():
        logger.info("Model is up to date: %s", path.name)
        return path
    logger.info("Training %s (data, domain, config or pins changed)", path.name)
    MODELS.mkdir(exist_ok=True)
    train(MODELS, path.name[: -len(".tar.gz")], root=root)
    for old in MODELS.glob("lentera-*"):
        if old.name.split(".")[0] != path.name.split(".")[0]:
            old.unlink()
    return path
