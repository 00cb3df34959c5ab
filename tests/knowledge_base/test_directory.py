"""Loading the directory and the helpers the referral actions call."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge_base import directory as directory_module
from knowledge_base.directory import (
    DirectoryError,
    emergency_contacts,
    load_directory,
    mission_contacts,
    national_hotlines,
    safe_directory,
    services_for_problem,
)
from knowledge_base.vocabulary import SERVICES
from tests.knowledge_base.conftest import channel, entry


def test_load_builds_typed_entries(fixed_dir: Path) -> None:
    d = load_directory(fixed_dir)
    kl = d.get("kbri-kuala-lumpur")
    assert kl is not None and kl.kind == "embassy"
    assert kl.channels[0].e164 == "+60176688032"
    assert kl.channels[0].source == "https://example.org/source"
    assert kl.name_in("id") == "KBRI Kuala Lumpur"
    assert str(kl.last_verified) == "2026-01-01"
    assert "kbri-kuala-lumpur" in d and len(d) == 8


def test_load_is_cached_until_content_changes(make_directory: Callable[..., Path]) -> None:
    folder = make_directory([entry("one")])
    first = load_directory(folder)
    assert load_directory(folder) is first
    make_directory([entry("one"), entry("two")])
    second = load_directory(folder)
    assert second is not first and second.get("two") is not None
    assert second.content_hash != first.content_hash


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count file reads and parses done by ``load_directory``."""
    counts = {"reads": 0, "parses": 0}
    read, check = directory_module._read, directory_module._check_files

    def counting_read(files):  # type: ignore[no-untyped-def]
        counts["reads"] += 1
        return read(files)

    def counting_check(files, **kwargs):  # type: ignore[no-untyped-def]
        counts["parses"] += 1
        return check(files, **kwargs)

    monkeypatch.setattr(directory_module, "_read", counting_read)
    monkeypatch.setattr(directory_module, "_check_files", counting_check)
    return counts


def _age(folder: Path, seconds: float = 60) -> None:
    """Set every file's mtime in the past, as for files nobody edited lately."""
    for p in folder.iterdir():
        at = time.time_ns() - int(seconds * 1e9)
        os.utime(p, ns=(at, at))


def test_repeated_loads_neither_read_nor_parse(
    make_directory: Callable[..., Path], counted: dict[str, int]
) -> None:
    folder = make_directory([entry("one")])
    _age(folder)
    first = load_directory(folder)
    assert all(load_directory(folder) is first for _ in range(5))
    assert safe_directory(folder) is first
    assert counted == {"reads": 1, "parses": 1}


def test_touching_a_file_rereads_and_editing_reparses(
    make_directory: Callable[..., Path], counted: dict[str, int]
) -> None:
    folder = make_directory([entry("one")])
    _age(folder, 60)
    first = load_directory(folder)
    _age(folder, 30)  # touched: new mtime, same bytes
    assert load_directory(folder) is first
    assert load_directory(folder) is first
    assert counted == {"reads": 2, "parses": 1}
    make_directory([entry("one"), entry("two")])
    _age(folder)
    second = load_directory(folder)
    assert second.get("two") is not None and second.content_hash != first.content_hash
    assert counted == {"reads": 3, "parses": 2}


def test_a_same_size_edit_within_one_timestamp_tick_is_seen(
    make_directory: Callable[..., Path], counted: dict[str, int]
) -> None:
    folder = make_directory([entry("aaa")])
    file = next(folder.iterdir())
    stamp = file.stat().st_mtime_ns
    first = load_directory(folder)
    make_directory([entry("bbb")])  # same size
    os.utime(file, ns=(stamp, stamp))  # and the same mtime: only the bytes tell
    second = load_directory(folder)
    assert first.get("aaa") is not None and second.get("bbb") is not None
    assert counted["parses"] == 2


def test_a_broken_directory_is_parsed_and_logged_once(
    make_directory: Callable[..., Path],
    counted: dict[str, int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    folder = make_directory([entry("ok"), entry("broken", kind="charity")])
    _age(folder)
    for _ in range(3):
        assert [e.id for e in safe_directory(folder)] == ["ok"]
        with pytest.raises(DirectoryError, match="broken"):
            load_directory(folder)
    assert counted["parses"] == 1
    assert len([r for r in caplog.records if r.levelname == "ERROR"]) == 1


def test_country_helpers(fixed_dir: Path) -> None:
    d = load_directory(fixed_dir)
    assert [e.id for e in d.by_country("sg")] == ["sg-shelter"]
    serving = [e.id for e in d.serving("SG")]
    assert serving == ["sg-shelter", "national-hotline"]


def test_emergency_contacts_best_confirmed_first(fixed_dir: Path) -> None:
    d = load_directory(fixed_dir)
    assert [e.id for e in emergency_contacts(d, "my")] == ["my-emergency", "my-weak-emergency"]
    assert emergency_contacts(d, "ZZ") == []


def test_low_confidence_is_never_the_first_emergency_contact(
    make_directory: Callable[..., Path],
) -> None:
    weak = entry(
        "weak",
        kind="emergency_service",
        services=["emergency"],
        confidence="low",
        channels=[channel(value="112", e164=None, confidence="low")],
    )
    strong = entry(
        "strong",
        kind="emergency_service",
        services=["emergency"],
        confidence="medium",
        channels=[channel(value="999", e164=None, confidence="medium")],
    )
    d = load_directory(make_directory([weak, strong]))
    assert [e.id for e in emergency_contacts(d, "MY")] == ["strong", "weak"]
    only_weak = load_directory(make_directory([weak]))
    assert emergency_contacts(only_weak, "MY") == []


def test_mission_contacts_puts_the_city_first(fixed_dir: Path) -> None:
    d = load_directory(fixed_dir)
    assert [e.id for e in mission_contacts(d, "MY")] == ["kbri-kuala-lumpur", "kjri-johor-bahru"]
    assert [e.id for e in mission_contacts(d, "MY", "JB")][0] == "kjri-johor-bahru"
    assert [e.id for e in mission_contacts(d, "my", "melaka")][0] == "kjri-johor-bahru"
    assert [e.id for e in mission_contacts(d, "MY", "Atlantis")][0] == "kbri-kuala-lumpur"
    assert mission_contacts(d, "SG") == []


def test_national_hotlines(fixed_dir: Path) -> None:
    assert [e.id for e in national_hotlines(load_directory(fixed_dir))] == ["national-hotline"]


def test_shipped_directory_helpers() -> None:
    d = load_directory()
    assert [e.id for e in national_hotlines(d)] == ["kemlu-pwni", "kp2mi", "kemlu-safe-travel"]
    assert [e.id for e in mission_contacts(d, "SA", "Jeddah")][:2] == ["kjri-jeddah", "kbri-riyadh"]
    assert [e.id for e in mission_contacts(d, "SA", "Riyadh")][0] == "kbri-riyadh"
    assert [e.id for e in mission_contacts(d, "MY", "Kota Kinabalu")][0] == "kjri-kota-kinabalu"
    assert [e.id for e in mission_contacts(d, "HK")] == ["kjri-hong-kong"]
    assert [e.id for e in mission_contacts(d, "MO")] == ["kjri-hong-kong"]
    for code in (
        "MY",
        "SG",
        "HK",
        "TW",
        "SA",
        "AE",
        "QA",
        "KW",
        "OM",
        "BH",
        "BN",
        "KR",
        "JP",
        "JO",
        "KH",
        "ID",
    ):
        contacts = emergency_contacts(d, code)
        assert contacts, code
        assert contacts[0].confidence != "low", code
        assert contacts[0].channels[0].confidence != "low", code


def test_services_for_problem() -> None:
    assert services_for_problem("unpaid_wages")[0] == "wage_claims"
    assert services_for_problem("report_unpaid_wages") == services_for_problem("unpaid_wages")
    assert services_for_problem("want_to_go_home")[0] == "repatriation"
    assert services_for_problem("ask_embassy_contact") == ["consular_protection"]
    assert services_for_problem("emergency") == ["emergency"]
    assert services_for_problem("weather") == []
    for problem in (
        "abuse",
        "unpaid_wages",
        "document_withheld",
        "trafficking",
        "recruitment_fraud",
        "overwork",
        "health_problem",
        "detention",
        "go_home",
        "missing_person",
        "embassy",
        "legal_aid",
        "shelter",
        "emergency",
    ):
        services = services_for_problem(problem)
        assert services and set(services) <= SERVICES, problem


def test_safe_directory_keeps_answering_when_an_entry_breaks(
    make_directory: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    hotline = entry(
        "hotline", countries=["ID"], reachable_from_anywhere=True, kind="government_hotline"
    )
    folder = make_directory([hotline, entry("broken", kind="charity")])
    d = safe_directory(folder)
    assert [e.id for e in national_hotlines(d)] == ["hotline"]
    assert d.get("broken") is None and d.errors
    assert "broken" in caplog.text and "kind" in caplog.text


def test_safe_directory_returns_the_last_valid_one(make_directory: Callable[..., Path]) -> None:
    folder = make_directory([entry("one"), entry("two")])
    good = safe_directory(folder)
    make_directory(files={"test.yml": "entries:\n  - id: [unclosed\n"})
    assert safe_directory(folder) is good
    with pytest.raises(DirectoryError):
        load_directory(folder)


def test_safe_directory_with_unreadable_file_only(make_directory: Callable[..., Path]) -> None:
    folder = make_directory(files={"a.yml": "entries: [", "b.yml": {"entries": [entry("ok")]}})
    assert [e.id for e in safe_directory(folder)] == ["ok"]
