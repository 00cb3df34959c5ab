"""Kill the connector process mid-turn: the acknowledged message is still answered, once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from devtools.fake_telegram import message_update
from devtools.fake_whatsapp import encode, sign, text_notification
from devtools.stack import free_port

ROOT = Path(__file__).resolve().parents[3]
APP = Path(__file__).with_name("crash_app.py")


def start(env: dict[str, str], mode: str, port: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, str(APP), str(port)],
        cwd=ROOT,
        env={**env, "CRASH_MODE": mode, "PYTHONPATH": str(ROOT)},
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text()[-3000:])
        try:
            httpx.get(f"http://127.0.0.1:{port}/webhooks/telegram/", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("crash app did not start")


@pytest.fixture
def crash_env(tmp_path, secrets_env, fake_telegram, fake_whatsapp, database):
    env = {
        **os.environ,
        **secrets_env,
        "LENTERA_DATABASE_URL": database.url,
        "CRASH_MARKER": str(tmp_path / "marker"),
        "TELEGRAM_BOT_TOKEN": fake_telegram.token,
        "TELEGRAM_WEBHOOK_SECRET": "crash_secret",
        "TELEGRAM_API_BASE_URL": fake_telegram.url,
        "WHATSAPP_ACCESS_TOKEN": fake_whatsapp.access_token,
        "WHATSAPP_APP_SECRET": "crash_app_secret",
        "WHATSAPP_VERIFY_TOKEN": "v",
        "WHATSAPP_PHONE_NUMBER_ID": fake_whatsapp.phone_number_id,
        "WHATSAPP_API_BASE_URL": fake_whatsapp.url,
    }
    if database.schema:
        # The crash app reads only the URL: select the test schema through search_path.
        env["LENTERA_DATABASE_URL"] = f"{database.url}?options=-csearch_path%3D{database.schema}"
    return env


@pytest.mark.parametrize("channel", ["telegram", "whatsapp"])
def test_kill_mid_turn_then_restart_answers_exactly_once(
    crash_env, tmp_path, fake_telegram, fake_whatsapp, channel
):
    log = tmp_path / "crash.log"
    port = free_port()
    first = start(crash_env, "hang", port, log)
    try:
        url = f"http://127.0.0.1:{port}/webhooks/{channel}/webhook"
        if channel == "telegram":
            reply = httpx.post(
                url,
                json=message_update(4242, "tolong saya"),
                headers={"X-Telegram-Bot-Api-Secret-Token": "crash_secret"},
            )
        else:
            raw = encode(text_notification("6281111", "tolong saya"))
            reply = httpx.post(
                url,
                content=raw,
                headers={
                    "X-Hub-Signature-256": sign(raw, "crash_app_secret"),
                    "Content-Type": "application/json",
                },
            )
        assert reply.status_code == 200
        marker = Path(crash_env["CRASH_MARKER"])
        deadline = time.monotonic() + 20
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), log.read_text()[-2000:]
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert fake_telegram.calls("sendMessage") == [] and fake_whatsapp.sent() == []

    second = start(crash_env, "echo", port, log)
    try:
        if channel == "telegram":
            calls = fake_telegram.wait_for("sendMessage", 1, timeout=20)
            assert [c.params["chat_id"] for c in calls] == [4242]
            assert calls[0].params["text"] == "echo: tolong saya"
        else:
            deadline = time.monotonic() + 20
            while not fake_whatsapp.sent() and time.monotonic() < deadline:
                time.sleep(0.05)
            sent = fake_whatsapp.sent()
            assert [s["to"] for s in sent] == ["6281111"]
        time.sleep(1.0)  # nothing else turns up
        if channel == "telegram":
            assert len(fake_telegram.calls("sendMessage")) == 1
        else:
            assert len(fake_whatsapp.sent()) == 1
    finally:
        second.terminate()
        second.wait(20)
    engine = sa.create_engine(crash_env["LENTERA_DATABASE_URL"])
    with engine.connect() as conn:
        statuses = [row[0] for row in conn.execute(sa.text("SELECT status FROM channel_inbox"))]
    assert statuses == ["done"]
