"""What the webhook channels share: a failed turn is retried, storage down answers 503."""

from __future__ import annotations

import time

from devtools.fake_telegram import (
    message_update,
)
from tests.bot.channels.harness import Harness
from tests.bot.channels.telegram.helpers import CHAT, make_channel, post


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
