"""The directory is built from the shared reference files and invents no contact.

These tests read ``shared/reference/`` beside the repository (CI lays a copy there) and are
skipped when it is absent.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from knowledge_base.directory import PACKAGE_DIR, load_directory
from tests.knowledge_base.conftest import REPO_ROOT


def _reference_dir() -> Path | None:
    candidates = [
        Path(os.environ["LENTERA_SHARED_DIR"]) / "reference"
        if os.environ.get("LENTERA_SHARED_DIR")
        else None,
        REPO_ROOT.parent / "shared" / "reference",
        Path("/work/shared/reference"),
    ]
    for c in candidates:
        if c is not None and (c / "referral_facts.yaml").exists():
            return c
    return None


REFERENCE = _reference_dir()
pytestmark = pytest.mark.skipif(
    REFERENCE is None, reason="shared/reference not found beside the repository"
)


def _reference_text() -> str:
    assert REFERENCE is not None
    return "\n".join(
        (REFERENCE / name).read_text(encoding="utf-8")
        for name in ("referral_facts.yaml", "emergency_numbers.yaml")
    )


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def test_every_organisation_is_in_the_directory_or_explained() -> None:
    assert REFERENCE is not None
    facts = yaml.safe_load((REFERENCE / "referral_facts.yaml").read_text(encoding="utf-8"))
    ids = {o["id"] for o in facts["organisations"]}
    omitted = yaml.safe_load((PACKAGE_DIR / "omitted.yml").read_text(encoding="utf-8"))[
        "organisations"
    ]
    directory = load_directory()
    missing = sorted(i for i in ids if i not in directory and i not in omitted)
    assert missing == []
    assert not [i for i in omitted if i in directory]


def test_every_number_email_and_site_appears_in_the_references() -> None:
    text = _reference_text()
    # Number runs as written in the sources, with separators removed ("+62 812 9007 0027").
    runs = {_digits(m) for m in re.findall(r"[+(]?[0-9][0-9 ()\-.]{1,24}[0-9]", text)}
    blob = "|".join(runs)
    lowered = text.lower()
    invented = []
    for e in load_directory():
        for ch in e.channels:
            if ch.type in ("phone", "whatsapp", "sms"):
                candidates = {_digits(ch.value)}
                if ch.e164:
                    full = _digits(ch.e164)
                    candidates.add(full)
                    for cc_len in (1, 2, 3):
                        candidates.add("0" + full[cc_len:])
                        candidates.add(full[cc_len:])
                if not any(c and c in blob for c in candidates) and ch.value not in text:
                    invented.append((e.id, ch.value))
            elif ch.type == "email":
                if ch.value.lower() not in lowered:
                    invented.append((e.id, ch.value))
            elif ch.type == "web":
                bare = re.sub(r"^https?://(www\.)?", "", ch.value).rstrip("/").lower()
                if bare not in lowered:
                    invented.append((e.id, ch.value))
    assert invented == []


def test_every_source_url_appears_in_the_references() -> None:
    text = _reference_text().replace("\\\\", "\\")
    missing = sorted(
        {(e.id, url) for e in load_directory() for url in e.sources if url not in text}
    )
    assert missing == []


#: Entries whose contacts come from another reference organisation's block.
BORROWED_FROM = {"kjri-osaka": "kbri-tokyo", "sg-healthserve": "singapore-mwc"}


def test_each_contact_comes_from_its_own_organisation_or_country() -> None:
    """A number is not only somewhere in the references, but in this entry's own block."""
    assert REFERENCE is not None
    facts = yaml.safe_load((REFERENCE / "referral_facts.yaml").read_text(encoding="utf-8"))
    numbers = yaml.safe_load((REFERENCE / "emergency_numbers.yaml").read_text(encoding="utf-8"))
    org_block = {o["id"]: yaml.safe_dump(o, allow_unicode=True) for o in facts["organisations"]}
    country_block = {c["iso2"]: yaml.safe_dump(c, allow_unicode=True) for c in numbers}
    misattributed = []
    for e in load_directory():
        blocks = [org_block.get(e.id, ""), org_block.get(BORROWED_FROM.get(e.id, ""), "")]
        blocks += [country_block.get(c, "") for c in e.countries]
        text = "\n".join(blocks)
        runs = "|".join(_digits(m) for m in re.findall(r"[+(]?[0-9][0-9 ()\-.]{1,24}[0-9]", text))
        for ch in e.channels:
            if ch.type in ("phone", "whatsapp", "sms"):
                candidates = {_digits(ch.value)}
                if ch.e164:
                    full = _digits(ch.e164)
                    candidates |= {full} | {"0" + full[i:] for i in (1, 2, 3)}
                    candidates |= {full[i:] for i in (1, 2, 3)}
                if not any(c and c in runs for c in candidates) and ch.value not in text:
                    misattributed.append((e.id, ch.value))
            elif ch.type == "email" and ch.value.lower() not in text.lower():
                misattributed.append((e.id, ch.value))
    assert misattributed == []
