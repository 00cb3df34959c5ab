"""The command line: bad arguments exit 2 with one line; search prints the JSON contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from knowledge_base.cli import main
from tests.knowledge_base.conftest import REPO_ROOT


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "help", "--k", "0"], "at least 1"),
        (["search", "help", "--country", "ZZ"], "unknown country code 'ZZ'"),
        (["search", "help", "--country", "Malaysia"], "ISO 3166-1"),
        (["search", "help", "--service", "food"], "unknown service"),
        (["search", "help", "--lang", "fr"], "lang must be"),
        (["search", "x" * 5000], "5000 characters"),
        (["search", "   "], "query is empty"),
    ],
)
def test_bad_search_arguments_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("args", [["search", "help", "--k", "abc"], ["frobnicate"], []])
def test_argparse_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_search_json_on_fixed_directory(
    fixed_dir: Path, with_model: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "--directory",
                str(fixed_dir),
                "search",
                "gaji blm dibayar",
                "--country",
                "MY",
                "--k",
                "2",
                "--json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and len(data) == 2
    assert data[0]["id"] == "my-labour"
    assert {"id", "kind", "countries", "services", "name", "score"} <= set(data[0])


def test_search_with_no_match_prints_empty_array(
    fixed_dir: Path, with_model: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "--directory",
                str(fixed_dir),
                "search",
                "",
                "--service",
                "witness_protection",
                "--json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == []


def test_build_writes_once_then_is_up_to_date(
    fixed_dir: Path, tmp_path: Path, with_model: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "--directory",
        str(fixed_dir),
        "build",
        "--index-dir",
        str(tmp_path / "idx"),
        "--no-progress",
    ]
    assert main(args) == 0
    assert "Built flat index" in capsys.readouterr().out
    assert main(args) == 0
    assert "up to date" in capsys.readouterr().out


def test_broken_directory_fails_search_with_message(
    make_directory: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_directory(files={"bad.yml": "entries: [{id: x}]\n"})
    assert main(["--directory", str(folder), "search", "help"]) == 1
    assert "bad.yml" in capsys.readouterr().err


def test_module_entry_point_exit_code() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "knowledge_base", "search", "help", "--k", "0", "--json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "k must be" in proc.stderr
