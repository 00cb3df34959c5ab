"""What the webhook channels share: a failed turn is retried, storage down answers 503.

The database that goes down is PostgreSQL behind a TCP proxy the test cuts.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from bot.channels.stores import reset_runtimes
from devtools.fake_telegram import (
    callback_update,
    message_update,
)
from tests.bot.channels.harness import Harness
from tests.bot.channels.telegram.helpers import CHAT, make_channel, post
from tests.bot.conftest import Database
from tests.helpers.tcp_proxy import TcpProxy, proxy_to


async def test_processing_failure_is_retried_not_lost(fake_telegram, sqlite_db, secrets_env):
    channel = make_channel(fake_telegram, sqlite_db, secrets_env)
    channel.worker.poll_seconds = 0.05
    async with Harness(channel) as h:
        h.fail_times = 1
        await post(h, message_update(CHAT, "halo"))
        await h.drain()
        assert fake_telegram.calls("sendMessage") == []
        channel.runtime.inbox._clock = lambda: time.time() + 1000  # skip the backoff
        await fake_telegram.async_wait_for("sendMessage", 1, timeout=5)
        assert len(fake_telegram.sent_texts(CHAT)) == 1
        assert len(h.messages) == 2


async def test_storage_down_refuses_with_503_so_telegram_retries(
    fake_telegram, sqlite_db, secrets_env, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    channel = make_channel(fake_telegram, sqlite_db, secrets_env)

    def broken(**_kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    async with Harness(channel) as h:
        monkeypatch.setattr(channel.runtime.inbox, "accept", broken)
        update = message_update(CHAT, "halo")
        assert (await post(h, update)).status_code == 503
        monkeypatch.undo()
        assert (await post(h, update)).status_code == 200  # Telegram's retry succeeds
        await h.drain()
        assert len(h.messages) == 1


@pytest.fixture
def postgres_behind_proxy() -> Iterator[tuple[TcpProxy, Database]]:
    """Lentera's database on a fresh PostgreSQL schema, through a proxy the test can cut."""
    url = os.environ.get("LENTERA_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("LENTERA_REQUIRE_SERVICES"):
            pytest.fail("LENTERA_TEST_POSTGRES_URL is required here")
        pytest.skip("LENTERA_TEST_POSTGRES_URL is not set")
    schema = f"lentera_down_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, future=True)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        with proxy_to(url) as proxy:
            yield proxy, Database(proxy.url_for(url), schema, "postgres")
    finally:
        reset_runtimes()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.parametrize("kind", ["message", "long button"])
async def test_database_down_answers_503_and_telegrams_retry_is_answered(
    fake_telegram, postgres_behind_proxy, secrets_env, kind
):
    proxy, database = postgres_behind_proxy
    channel = make_channel(fake_telegram, database, secrets_env)
    async with Harness(channel) as h:
        if kind == "message":
            update = message_update(CHAT, "halo")
        else:  # its payload is read back from the database before the update is stored
            token = channel.runtime.payloads.shorten("/inform" + "x" * 80, 64)
            channel.runtime.payloads._cache.clear()  # as after a restart
            update = callback_update(CHAT, token)
        proxy.cut()
        assert (await post(h, update)).status_code == 503  # never "200, then dropped"
        proxy.restore()
        assert (await post(h, update)).status_code == 200  # Telegram sends it again
        await h.drain()
        assert len(h.messages) == 1
        await fake_telegram.async_wait_for("sendMessage", 1, timeout=5)
