"""The machine's PostgreSQL and Redis for the stack tests (their URLs come from .ci/run)."""

from __future__ import annotations

import os

import pytest


def service_url(name: str) -> str:
    """``name``'s URL; a failure where LENTERA_REQUIRE_SERVICES is set (CI), else a skip."""
    url = os.environ.get(name)
    if not url:
        if os.environ.get("LENTERA_REQUIRE_SERVICES"):
            pytest.fail(f"{name} is required here")
        pytest.skip(f"{name} is not set")
    return url
