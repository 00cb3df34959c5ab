"""The nginx configuration the scaled deployment renders is one nginx accepts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.stack import nginx


def _write(path: Path) -> Path:
    return nginx.write(
        path,
        front_host="127.0.0.1",
        front_port=18005,
        actions_port=18055,
        rasa_ports=[18101, 18102],
        action_ports=[18151, 18152],
    )


def test_the_rendered_configuration_names_every_instance(tmp_path: Path):
    text = _write(tmp_path / "nginx.conf").read_text()
    assert "@" not in text.replace("@NAME@", "")  # every mark filled in
    assert "listen 127.0.0.1:18005" in text and "listen 127.0.0.1:18055" in text
    assert text.count("max_fails=1") == 4
    assert "access_log off" in text  # no chat or message ids in its logs
    # Only webhook deliveries (deduplicated by the inbox) are sent again after a POST failed.
    rest, webhooks = text.split("location / {")[1], text.split("location ~")[1]
    assert "non_idempotent" in webhooks.split("}")[0]
    assert "non_idempotent" not in rest.split("}")[0]


@pytest.mark.skipif(
    shutil.which("nginx", path="/usr/sbin:/usr/bin") is None, reason="make nginx installs it"
)
def test_nginx_accepts_the_configuration(tmp_path: Path):
    path = _write(tmp_path / "nginx.conf")
    result = subprocess.run(
        [*nginx.command(path), "-t"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr
