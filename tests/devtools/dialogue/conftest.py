"""The directory facts the conversation properties are judged against (one per module)."""

from __future__ import annotations

import pytest

from devtools.dialogue.properties import DirectoryFacts, directory_facts


@pytest.fixture(scope="module")
def facts() -> DirectoryFacts:
    return directory_facts()
