"""Validation of directory files: good files pass, broken ones are rejected with clear messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from knowledge_base.cli import main
from knowledge_base.directory import DirectoryError, check_directory, load_directory
from tests.knowledge_base.conftest import channel, entry


def errors_of(path: Path) -> list[str]:
    issues, _ = check_directory(path, today=dt.date(2026, 6, 1))
    return [str(i) for i in issues if i.severity == "error"]


def test_valid_entry_has_no_errors(make_directory: Callable[..., Path]) -> None:
    assert errors_of(make_directory([entry()])) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"id": "Bad_ID"}, "must be a slug"),
        ({"kind": "charity"}, "kind 'charity' is not one of"),
        ({"services": ["food"]}, "outside the vocabulary: food"),
        ({"services": []}, "at least one service"),
        ({"countries": ["XX"]}, "outside the vocabulary: XX"),
        ({"countries": []}, "at least one ISO 3166-1"),
        ({"name": {"id": "Nama"}}, "'name.en' is missing"),
        ({"description": {"id": "", "en": "x"}}, "'description.id' is missing or empty"),
        ({"cost": "cheap"}, "cost 'cheap'"),
        ({"confidence": "certain"}, "confidence 'certain'"),
        ({"last_verified": "yesterday"}, "not an ISO date"),
        ({"last_verified": "2099-01-01"}, "in the future"),
        ({"serves_undocumented": "maybe"}, "true, false or null"),
        ({"sources": []}, "entry has no source"),
        ({"sources": ["not a url"]}, "is not an http(s) URL"),
        ({"channels": []}, "at least one channel"),
        ({"languages": ["indonesian"]}, "outside the vocabulary: indonesian"),
        ({"colour": "red"}, "unknown fields: colour"),
        ({"channels": [channel(e164="+60 12 345")]}, "not a valid E.164 number"),
        ({"channels": [channel(e164="0123456789")]}, "not a valid E.164 number"),
        ({"channels": [channel(type="whatsapp", e164=None)]}, "WhatsApp channel needs its e164"),
        ({"channels": [channel(type="fax")]}, "type 'fax' is not one of"),
        (
            {"channels": [channel(type="web", value="www.example.org", e164=None)]},
            "is not an http(s) URL",
        ),
        (
            {"channels": [channel(type="email", value="someone at example", e164=None)]},
            "is not an email address",
        ),
        ({"channels": [channel(type="email", value="a@example.org")]}, "e164 is only for phone"),
        ({"channels": [channel(sources=[])]}, "channel 1 (phone) has no source"),
        ({"channels": [channel(sources=["unidentified GitHub file"])]}, "is not an http(s) URL"),
        ({"channels": [channel(confidence="sure")]}, "confidence 'sure'"),
        ({"channels": [channel(source_date="March 2020")]}, "not YYYY, YYYY-MM or YYYY-MM-DD"),
        (
            {"channels": [channel(confidence="low")], "confidence": "high"},
            "higher than its best channel",
        ),
        (
            {"channels": [{"type": "phone", "value": "999", "confidence": "high"}]},
            "missing 'sources'",
        ),
    ],
)
def test_broken_entry_is_rejected_with_message(
    make_directory: Callable[..., Path], overrides: dict[str, Any], expected: str
) -> None:
    errors = errors_of(
        make_directory(
            [entry("broken-one", **overrides) if "id" not in overrides else entry(**overrides)]
        )
    )
    assert errors, "expected an error"
    assert any(expected in e for e in errors), errors
    assert all("test.yml" in e for e in errors)


def test_missing_field_is_named(make_directory: Callable[..., Path]) -> None:
    raw = entry("no-cost")
    del raw["cost"]
    assert any(
        "no-cost: missing required field 'cost'" in e for e in errors_of(make_directory([raw]))
    )


def test_duplicate_id_across_files_names_both(make_directory: Callable[..., Path]) -> None:
    folder = make_directory(
        files={"a.yml": {"entries": [entry("same")]}, "b.yml": {"entries": [entry("same")]}}
    )
    errors = errors_of(folder)
    assert any("b.yml: same: duplicate id (first defined in" in e and "a.yml" in e for e in errors)


def test_yaml_syntax_error_names_the_file(make_directory: Callable[..., Path]) -> None:
    folder = make_directory(files={"bad.yml": "entries:\n  - id: [unclosed\n"})
    errors = errors_of(folder)
    assert len(errors) == 1 and "bad.yml" in errors[0] and "cannot parse YAML" in errors[0]


def test_file_without_entries_list(make_directory: Callable[..., Path]) -> None:
    errors = errors_of(make_directory(files={"x.yml": {"items": []}}))
    assert any("'entries' list" in e for e in errors)


def test_stale_entry_is_a_warning_not_an_error(make_directory: Callable[..., Path]) -> None:
    folder = make_directory([entry(last_verified="2024-01-01")])
    issues, _ = check_directory(folder, today=dt.date(2026, 6, 1))
    assert [i for i in issues if i.severity == "error"] == []
    assert any("over 12 months ago" in i.message for i in issues if i.severity == "warning")


def test_undated_channel_source_is_a_warning(make_directory: Callable[..., Path]) -> None:
    issues, _ = check_directory(make_directory([entry(channels=[channel(source_date=None)])]))
    assert any(i.severity == "warning" and "undated" in i.message for i in issues)


def test_load_directory_raises_with_file_and_entry(make_directory: Callable[..., Path]) -> None:
    folder = make_directory([entry("good"), entry("bad-kind", kind="charity")])
    with pytest.raises(DirectoryError) as info:
        load_directory(folder)
    message = str(info.value)
    assert "test.yml: bad-kind" in message and "kind 'charity'" in message
    assert info.value.issues


def test_cli_validate_fails_on_broken_file(
    make_directory: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_directory([entry("bad-phone", channels=[channel(e164="+12")])])
    assert main(["--directory", str(folder), "validate"]) == 1
    err = capsys.readouterr().err
    assert "bad-phone" in err and "E.164" in err


def test_cli_validate_passes_good_file(
    make_directory: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--directory", str(make_directory([entry()])), "validate"]) == 0
    assert "0 error(s)" in capsys.readouterr().out


def test_shipped_directory_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--quiet"]) == 0
