"""Where things live in a checkout."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var"
MODELS = ROOT / "models"
BIN = ROOT / ".venv" / "bin"
