"""Database down: Rasa fails loudly, never answers from an in-memory tracker store.

The whole stack (trained model, action server, Rasa with the repository's credentials.yml),
its tracker store on a fresh PostgreSQL database reached through a TCP proxy the test cuts.
Rasa starts with the proxy cut (the database unreachable), then the database comes back,
goes down mid-conversation and comes back again. Telegram is on too (its inbox on SQLite,
up all along), so a message accepted while the tracker store is down must wait, not be lost.

Runs whenever LENTERA_TEST_POSTGRES_URL is set (LENTERA_REQUIRE_SERVICES=1 turns a missing
URL into a failure), like tests/test_scale_out.py.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from devtools.conversations import sender_id, tracker
from devtools.fake_telegram import FakeTelegram, message_update
from devtools.fake_whatsapp import FakeWhatsApp
from devtools.stack import RasaStack, running_stack
from tests.helpers.tcp_proxy import TcpProxy, proxy_to

pytestmark = pytest.mark.stack

TG_SECRET = "dbdown_webhook_secret"
# What Rasa 3.6 logs when it falls back (rasa/core/tracker_store.py): never in Lentera's log.
FALLBACK_LINES = (
    "Falling back to use the 'InMemoryTrackerStore'",
    "Using `InMemoryTrackerStore` instead",
)
CHAT = 812_000_000 + int(time.time()) % 100_000


def _url() -> str:
    url = os.environ.get("LENTERA_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("LENTERA_REQUIRE_SERVICES"):
            pytest.fail("LENTERA_TEST_POSTGRES_URL is required here")
        pytest.skip("LENTERA_TEST_POSTGRES_URL is not set")
    return url


def wait_until(check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s")
        time.sleep(0.2)


@dataclass
class Outage:
    """The running stack, its proxy and log, and what was seen while it started without a db."""

    stack: RasaStack
    proxy: TcpProxy
    log: Path
    telegram: FakeTelegram
    at_start: dict[str, Any] = field(default_factory=dict)

    def ready(self) -> httpx.Response:
        return httpx.get(f"{self.stack.rasa_url}/webhooks/rest/ready", timeout=30)

    def say(self, sender: str, text: str) -> httpx.Response:
        return httpx.post(
            f"{self.stack.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )

    def telegram_post(self, update: dict) -> httpx.Response:
        return httpx.post(
            f"{self.stack.rasa_url}/webhooks/telegram/webhook",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET},
            timeout=30,
        )

    def user_events(self, sender: str) -> int:
        events = tracker(self.stack.rasa_url, self.stack.token, sender)["events"]
        return sum(1 for e in events if e.get("event") == "user")


@pytest.fixture(scope="module")
def outage(
    tmp_path_factory: pytest.TempPathFactory, platform_fakes: tuple[FakeTelegram, FakeWhatsApp]
) -> Iterator[Outage]:
    url = _url()
    name = f"lentera_dbdown_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    telegram, _ = platform_fakes
    workdir = tmp_path_factory.mktemp("dbdown")
    try:
        with proxy_to(url) as proxy:
            tracker_url = proxy.url_for(url).rsplit("/", 1)[0] + f"/{name}"
            proxy.cut()  # Rasa starts with its tracker store database unreachable
            with running_stack(
                workdir, telegram.channel_env(TG_SECRET), tracker_store_url=tracker_url
            ) as stack:
                found = Outage(stack, proxy, workdir / "rasa.log", telegram)
                found.at_start = started_without_database(found)
                yield found
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def started_without_database(o: Outage) -> dict[str, Any]:
    """What Rasa answers right after starting without its database, then the database back."""
    seen: dict[str, Any] = {}
    ready = o.ready()
    seen["ready"] = (ready.status_code, ready.json())
    answer = o.say("dbdown-start", "halo")
    seen["rest"] = (answer.status_code, answer.headers.get("retry-after"), answer.json())
    # A Telegram message arrives: stored in Lentera's inbox (its database is up), then waits.
    seen["webhook"] = o.telegram_post(message_update(CHAT, "halo")).status_code
    kept = "Rasa not ready (TrackerStoreUnavailable); inbound telegram message kept for later"
    wait_until(lambda: o.log.read_text().count(kept) >= 2)  # tried, and tried again
    seen["sent_while_down"] = len(o.telegram.sent_texts(CHAT))
    o.proxy.restore()
    wait_until(lambda: o.ready().status_code == 200)
    return seen


def test_started_without_its_database_rasa_is_not_ready_and_serves_no_turn(outage):
    status, body = outage.at_start["ready"]
    assert status == 503 and body["ready"] is False
    assert body["checks"]["tracker_store"] == "OperationalError"  # named, no URL
    assert body["checks"]["model"] == "ok"
    status, retry_after, error = outage.at_start["rest"]
    assert (status, retry_after, error["error"]) == (503, "5", "tracker_store_unavailable")
    log = outage.log.read_text()
    assert "Could not create tables" in log  # Rasa's own line, at start
    assert not any(line in log for line in FALLBACK_LINES)


def test_a_telegram_message_accepted_while_the_store_was_down_is_answered_once_it_is_back(
    outage,
):
    assert outage.at_start["webhook"] == 200  # accepted into the inbox, not lost
    assert outage.at_start["sent_while_down"] == 0  # no answer from an in-memory store
    wait_until(lambda: len(outage.telegram.sent_texts(CHAT)) > 0)
    telegram_sender = sender_id(outage.stack.env, "telegram", CHAT)
    assert outage.user_events(telegram_sender) == 1  # stored in PostgreSQL, once


def test_database_down_mid_conversation_answers_503_then_the_conversation_goes_on(outage):
    sender = f"dbdown-{uuid.uuid4().hex[:8]}"
    first = outage.say(sender, "gaji saya belum dibayar 3 bulan")
    assert first.status_code == 200 and first.json()
    outage.proxy.cut()
    try:
        refused = outage.say(sender, "iya")
        assert refused.status_code == 503, refused.text  # not 200, not []
        assert refused.json()["error"] == "tracker_store_unavailable"
        ready = outage.ready()
        assert ready.status_code == 503
        assert ready.json()["checks"]["tracker_store"] != "ok"
    finally:
        outage.proxy.restore()
    wait_until(lambda: outage.ready().status_code == 200)
    again = outage.say(sender, "iya")
    assert again.status_code == 200 and again.json()
    # The same conversation: the first message and the answer after the outage, and not
    # the refused one (nothing of it was stored anywhere).
    assert outage.user_events(sender) == 2
    log = outage.log.read_text()
    assert not any(line in log for line in FALLBACK_LINES)


def test_a_tracker_store_that_cannot_be_built_stops_rasa_at_start(tmp_path):
    """No MySQL driver is installed: Rasa by itself would serve on an InMemoryTrackerStore."""
    unbuildable = "mysql://lentera@127.0.0.1:9/lentera"
    with (
        pytest.raises(RuntimeError, match="rasa server exited with 1"),
        running_stack(tmp_path, tracker_store_url=unbuildable),
    ):
        pass  # pragma: no cover - the stack never starts
    log = (tmp_path / "rasa.log").read_text()
    assert "TrackerStoreNotCreated" in log and "ModuleNotFoundError" in log
    assert not any(line in log for line in FALLBACK_LINES)
