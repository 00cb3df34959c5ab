"""Vendored assets: hashes as recorded, served from this origin, and the health check."""

from __future__ import annotations

import hashlib
from pathlib import Path

import sqlalchemy as sa

from bot.console.app import STATIC, create_app
from tests.bot.console.conftest import make_console

VENDOR = STATIC / "vendor"


def test_vendored_files_match_their_recorded_sha256() -> None:
    lines = (VENDOR / "SHA256SUMS").read_text().splitlines()
    recorded = dict(reversed(line.split()) for line in lines if line.strip())
    assert set(recorded) == {"htmx.min.js", "sse.js"}
    for name, digest in recorded.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_vendored_versions_are_the_pinned_ones() -> None:
    assert 'version:"2.0.8"' in (VENDOR / "htmx.min.js").read_text()
    assert "defineExtension('sse'" in (VENDOR / "sse.js").read_text()


def test_pages_load_only_these_scripts(world, browser) -> None:
    page = browser(world.caseworker).get("/cases").text
    scripts = [part.split('"')[1] for part in page.split("<script src=")[1:]]
    assert scripts == ["/static/vendor/htmx.min.js", "/static/vendor/sse.js", "/static/console.js"]
    for src in scripts:
        assert browser(None).get(src).status_code == 200


def test_our_script_has_no_eval_and_no_other_host() -> None:
    code = Path(STATIC / "console.js").read_text()
    for forbidden in ("eval(", "new Function", "http://", "https://", "innerHTML"):
        assert forbidden not in code


def test_health_and_ready_are_200_with_the_database(browser) -> None:
    for path in ("/health", "/ready"):
        response = browser(None).get(path)
        assert response.status_code == 200 and response.json()["database"] == "ok"


def test_health_is_503_without_the_database(world) -> None:
    from starlette.testclient import TestClient

    broken = sa.create_engine("sqlite:////nonexistent/dir/x.db", future=True)
    app = create_app(make_console(world, engine=broken))
    with TestClient(app) as client:
        response = client.get("/health")
    assert response.status_code == 503 and response.json()["database"] == "unreachable"
