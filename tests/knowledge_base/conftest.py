"""Fixtures for the referral directory tests: small fixed directories and one shared model."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge_base import embedding

REPO_ROOT = Path(__file__).resolve().parents[2]

SOURCE = "https://example.org/source"


def channel(**overrides: Any) -> dict[str, Any]:
    """A valid phone channel, with overrides."""
    base: dict[str, Any] = {
        "type": "phone",
        "value": "+60 12-345 6789",
        "e164": "+60123456789",
        "confidence": "high",
        "sources": [SOURCE],
        "source_date": "2026-01-01",
    }
    base.update(overrides)
    return base


def entry(entry_id: str = "test-entry", **overrides: Any) -> dict[str, Any]:
    """A valid directory entry, with overrides."""
    base: dict[str, Any] = {
        "id": entry_id,
        "name": {"id": f"Nama {entry_id}", "en": f"Name {entry_id}"},
        "kind": "ngo",
        "countries": ["MY"],
        "services": ["legal_aid"],
        "description": {"id": "Bantuan hukum gratis.", "en": "Free legal aid."},
        "channels": [channel()],
        "languages": ["id"],
        "serves_undocumented": None,
        "cost": "free",
        "confidence": "high",
        "last_verified": "2026-01-01",
        "sources": [SOURCE],
    }
    base.update(copy.deepcopy(overrides))
    return base


def fixed_entries() -> list[dict[str, Any]]:
    """A small directory with known content, used by search and helper tests."""
    return [
        entry(
            "my-emergency",
            kind="emergency_service",
            services=["emergency"],
            name={"id": "Nomor darurat Malaysia 999", "en": "Malaysia emergency number 999"},
            description={
                "id": "Polisi dan ambulans untuk bahaya sekarang.",
                "en": "Police and ambulance for danger now.",
            },
            channels=[channel(value="999", e164=None)],
        ),
        entry(
            "my-weak-emergency",
            kind="emergency_service",
            services=["emergency"],
            confidence="low",
            name={"id": "Nomor darurat lemah", "en": "Weak emergency line"},
            description={"id": "Nomor dari satu sumber.", "en": "A number from one source."},
            channels=[channel(value="112", e164=None, confidence="low")],
        ),
        entry(
            "kbri-kuala-lumpur",
            kind="embassy",
            cities=["Kuala Lumpur", "Selangor"],
            services=["consular_protection", "shelter", "document_help"],
            name={"id": "KBRI Kuala Lumpur", "en": "Embassy of Indonesia, Kuala Lumpur"},
            description={
                "id": "Perlindungan WNI, shelter, paspor.",
                "en": "Protection, shelter, passports.",
            },
            confidence="medium",
            channels=[channel(value="+60 17-668 8032", e164="+60176688032", confidence="medium")],
        ),
        entry(
            "kjri-johor-bahru",
            kind="consulate",
            cities=["Johor Bahru", "Melaka"],
            services=["consular_protection", "complaints"],
            name={"id": "KJRI Johor Bahru", "en": "Consulate of Indonesia, Johor Bahru"},
            description={"id": "Pengaduan lewat WhatsApp.", "en": "Complaints by WhatsApp."},
            channels=[channel(type="whatsapp", value="+60 10-528 8040", e164="+60105288040")],
        ),
        entry(
            "my-labour",
            kind="labour_authority",
            services=["wage_claims", "complaints"],
            name={"id": "Dinas Tenaga Kerja Malaysia", "en": "Malaysia Labour Department"},
            description={
                "id": "Pengaduan gaji tidak dibayar.",
                "en": "Complaints about unpaid salary.",
            },
            channels=[channel(value="03-8000 8000", e164="+60380008000")],
        ),
        entry(
            "sg-shelter",
            kind="shelter",
            countries=["SG"],
            services=["shelter"],
            name={"id": "Rumah aman Singapura", "en": "Singapore safe house"},
            description={
                "id": "Tempat tinggal aman bagi PRT yang kabur.",
                "en": "Safe place to stay for domestic workers who ran away.",
            },
        ),
        entry(
            "national-hotline",
            kind="government_hotline",
            countries=["ID"],
            reachable_from_anywhere=True,
            services=["consular_protection", "complaints", "wage_claims"],
            name={"id": "Hotline nasional PMI", "en": "National migrant worker hotline"},
            description={
                "id": "Pengaduan PMI dari mana saja, termasuk gaji.",
                "en": "Complaints from migrant workers anywhere, including wages.",
            },
        ),
        entry(
            "id-legal-ngo",
            kind="legal_aid",
            countries=["ID"],
            services=["legal_aid"],
            name={"id": "LBH Jakarta", "en": "Jakarta Legal Aid"},
            description={
                "id": "Bantuan hukum gratis di Jakarta.",
                "en": "Free legal aid in Jakarta.",
            },
        ),
    ]


def write_directory(folder: Path, files: dict[str, Any]) -> Path:
    """Write ``{file name: document}`` (documents dumped as YAML, strings written as is)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, document in files.items():
        text = (
            document
            if isinstance(document, str)
            else yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
        )
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def make_directory(tmp_path: Path) -> Callable[..., Path]:
    """Write a directory folder from entries (one file) or a mapping of files."""

    def make(
        entries: list[dict[str, Any]] | None = None, files: dict[str, Any] | None = None
    ) -> Path:
        folder = tmp_path / "directory"
        return write_directory(
            folder, files if files is not None else {"test.yml": {"entries": entries or []}}
        )

    return make


@pytest.fixture
def fixed_dir(make_directory: Callable[..., Path]) -> Path:
    """The small fixed directory on disk."""
    return make_directory(fixed_entries())


@pytest.fixture(scope="session")
def shared_model() -> Iterator[Any]:
    """One sentence-transformers model instance for the whole session."""
    model = embedding.get_model()
    yield model


@pytest.fixture
def with_model(shared_model: Any) -> Iterator[Any]:
    """Make sure the process-wide model is the shared one during a test."""
    embedding.set_model(shared_model)
    yield shared_model
