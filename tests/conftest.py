"""Shared fixtures: environment isolation and the running system (one per session)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.helpers.stack import RasaStack, running_stack


@pytest.fixture(autouse=True)
def _clean_environ() -> Iterator[None]:
    """Each test gets the environment back as it found it."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def stack_env() -> dict[str, str]:
    """Extra environment for the Rasa server (channel settings pointing at fakes)."""
    return {}


@pytest.fixture(scope="session")
def rasa_stack(
    tmp_path_factory: pytest.TempPathFactory, stack_env: dict[str, str]
) -> Iterator[RasaStack]:
    """The trained model served by Rasa with the action server, on free ports."""
    with running_stack(tmp_path_factory.mktemp("stack"), stack_env) as stack:
        yield stack
