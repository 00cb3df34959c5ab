"""The per-person rate limit and refused webhooks: the window, Redis, and the real channels.

Unit tests of the rolling window (in process and in Redis, shared by two instances), then
through the real Telegram and WhatsApp channels against the fake platforms: 25 messages in a
minute from one person give 20 answers, one slow-down line and 25 stored messages; another
person is not affected; the safe word, an open case and a danger phrase are never limited; a
flood of forged deliveries is refused with 403, nothing stored, one log line.
"""

from __future__ import annotations

import functools
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.rate_limit import (
    ALLOWED,
    HELD,
    HELD_NOTIFY,
    LogLimiter,
    MemoryWindow,
    RateLimit,
    RedisWindow,
)
from bot.settings import load_settings
from bot.storage.inbox import InboxRow
from bot.storage.tables import inbox_table
from bot.texts import text
from devtools.fake_telegram import message_update
from devtools.fake_whatsapp import encode, text_notification
from tests.bot.channels.harness import Harness
from tests.bot.channels.telegram import helpers as tgh
from tests.bot.channels.whatsapp import helpers as wah

DANGER = "tolong majikan mau bunuh saya"


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# -- the window in this process ------------------------------------------------------------


async def test_twenty_a_minute_then_one_notice_then_silence_until_the_window_frees() -> None:
    clock = Clock()
    window = MemoryWindow(20, clock=clock)
    decisions = []
    for i in range(25):
        decisions.append(await window.hit("tg_a", f"m{i}"))
        clock.now += 1.0  # one a second: m0 at t=0 ... m24 at t=24
    assert decisions == [ALLOWED] * 20 + [HELD_NOTIFY] + [HELD] * 4
    clock.now = 1_000_000.0 + 59.9
    assert await window.hit("tg_a", "late") == HELD  # m0 is still inside the minute
    clock.now = 1_000_000.0 + 60.0
    assert await window.hit("tg_a", "freed") == ALLOWED  # m0 left the window
    assert await window.hit("tg_a", "next") == HELD  # the notice of t=20 still holds
    clock.now = 1_000_000.0 + 80.0  # m1..m19 gone, the notice a minute old
    assert [await window.hit("tg_a", f"n{i}") for i in range(19)] == [ALLOWED] * 19
    assert await window.hit("tg_a", "over") == HELD_NOTIFY


async def test_a_retried_message_is_counted_once_and_other_people_have_their_own_window() -> None:
    clock = Clock()
    window = MemoryWindow(2, clock=clock)
    assert [await window.hit("tg_a", "m1") for _ in range(5)] == [ALLOWED] * 5
    assert await window.hit("tg_a", "m2") == ALLOWED
    assert await window.hit("tg_a", "m3") == HELD_NOTIFY
    assert await window.hit("tg_b", "m1") == ALLOWED


async def test_the_window_forgets_idle_people(monkeypatch) -> None:
    monkeypatch.setattr("bot.channels.rate_limit.SWEEP_SENDERS", 10)
    clock = Clock()
    window = MemoryWindow(1, clock=clock)
    for i in range(10):
        await window.hit(f"p{i}", "m")
    clock.now += 61
    await window.hit("fresh", "m")
    await window.hit("fresher", "m")
    assert set(window._answered) == {"fresh", "fresher"}


def test_a_flood_of_refusals_is_one_log_line_a_minute(caplog) -> None:
    caplog.set_level(logging.WARNING)
    clock = Clock()
    log = logging.getLogger("bot.test_rate_limit")
    limiter = LogLimiter(log, clock=clock)
    for _ in range(500):
        limiter.warning("webhook rejected")
    clock.now += 60
    limiter.warning("webhook rejected")
    lines = [r.getMessage() for r in caplog.records if r.name == log.name]
    assert lines == ["webhook rejected", "webhook rejected (499 more in the last 60 s)"]


def test_the_limit_is_off_at_zero_in_memory_by_default_in_redis_when_configured() -> None:
    assert (
        RateLimit.from_settings(load_settings({"LENTERA_RATE_LIMIT_PER_MINUTE": "0"})).window
        is None
    )
    assert isinstance(RateLimit.from_settings(load_settings({})).window, MemoryWindow)
    redis_env = {"LENTERA_REDIS_URL": "redis://127.0.0.1:1/0"}
    assert isinstance(RateLimit.from_settings(load_settings(redis_env)).window, RedisWindow)


def _row(body: str, message_id: str, kind: str = "text") -> InboxRow:
    return InboxRow(
        1, "telegram", "tg_a", 0, {"kind": kind, "text": body, "message_id": message_id}
    )


async def test_a_danger_phrase_and_the_emergency_button_are_never_held() -> None:
    limit = RateLimit(MemoryWindow(1, clock=Clock()))
    assert await limit.check(_row("halo", "m1")) == ALLOWED
    assert await limit.check(_row("halo lagi", "m2")) == HELD_NOTIFY
    assert await limit.check(_row(DANGER, "m3")) == ALLOWED
    assert await limit.check(_row("/emergency", "m4", kind="callback")) == ALLOWED
    assert await limit.check(_row("halo", "m5")) == HELD


# -- the window in Redis -------------------------------------------------------------------


def _redis_url() -> str:
    url = os.environ.get("LENTERA_TEST_REDIS_URL")
    if not url:
        if os.environ.get("LENTERA_REQUIRE_SERVICES"):
            pytest.fail("LENTERA_TEST_REDIS_URL is required here")
        pytest.skip("LENTERA_TEST_REDIS_URL is not set")
    return url


@pytest.fixture
def redis_prefix() -> Iterator[tuple[str, str]]:
    """A unique key prefix on the test Redis; every key under it is deleted afterwards."""
    import redis

    url = _redis_url()
    prefix = f"lentera_test_{uuid.uuid4().hex[:10]}"
    yield url, prefix
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    assert not list(client.scan_iter(match=f"{prefix}:*"))
    client.close()


async def test_two_instances_on_redis_share_one_window(redis_prefix) -> None:
    url, prefix = redis_prefix
    clock = Clock()
    one = RedisWindow.from_url(url, 20, prefix=prefix, clock=clock)
    two = RedisWindow.from_url(url, 20, prefix=prefix, clock=clock)
    try:
        decisions = []
        for i in range(25):
            decisions.append(await (one if i % 2 else two).hit("wa_a", f"m{i}"))
            clock.now += 1.0
        assert decisions == [ALLOWED] * 20 + [HELD_NOTIFY] + [HELD] * 4
        assert await one.hit("wa_a", "m3") == ALLOWED  # counted already: a retry
        assert await two.hit("wa_b", "m0") == ALLOWED  # someone else
        clock.now = 1_000_000.0 + 60.0
        assert await one.hit("wa_a", "freed") == ALLOWED
        assert await two.hit("wa_a", "again") == HELD  # the notice of t=20 still holds
    finally:
        await one.close()
        await two.close()


async def test_redis_down_counts_in_this_process_with_one_warning(caplog) -> None:
    caplog.set_level(logging.WARNING)
    window = RedisWindow.from_url("redis://127.0.0.1:1/0", 2, clock=Clock())
    try:
        decisions = [await window.hit("tg_a", f"m{i}") for i in range(4)]
    finally:
        await window.close()
    assert decisions == [ALLOWED, ALLOWED, HELD_NOTIFY, HELD]
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.channels.rate_limit"]
    assert len(lines) == 1 and "Redis did not answer" in lines[0]


# -- through the real channels -------------------------------------------------------------


class FakeAgent:
    """What the connector reaches of Rasa's agent: tracker store, lock store, processor."""

    def __init__(self) -> None:
        self.tracker_store = InMemoryTrackerStore(Domain.empty())
        self.lock_store = InMemoryLockStore()
        self.processor = SimpleNamespace(
            get_tracker=self.tracker_store.get_or_create_tracker,
            save_tracker=self.tracker_store.save,
        )

    def is_ready(self) -> bool:
        return True

    async def held(self, sender_id: str) -> tuple[list[UserUttered], list[BotUttered]]:
        tracker = await self.tracker_store.retrieve(sender_id)
        if tracker is None:
            return [], []
        users = [e for e in tracker.events if isinstance(e, UserUttered)]
        bots = [e for e in tracker.events if isinstance(e, BotUttered)]
        return users, bots


async def harness(channel, agent: FakeAgent) -> Harness:
    h = Harness(channel)
    await h.__aenter__()
    assert h.app is not None
    h.app.ctx.agent = agent
    return h


@pytest.fixture
async def telegram_h(
    fake_telegram, database, secrets_env
) -> AsyncIterator[tuple[Harness, FakeAgent]]:
    agent = FakeAgent()
    h = await harness(tgh.make_channel(fake_telegram, database, secrets_env), agent)
    try:
        yield h, agent
    finally:
        await h.__aexit__(None, None, None)


def inbox_count(channel) -> int:
    with channel.runtime.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(inbox_table)).scalar())


async def test_telegram_25_messages_in_a_minute_20_answered_one_slow_down_all_stored(
    telegram_h, fake_telegram
) -> None:
    h, agent = telegram_h
    other = tgh.CHAT + 1
    for i in range(25):
        r = await tgh.post(h, message_update(tgh.CHAT, f"pesan {i}", language_code="en"))
        assert r.status_code == 200
    for i in range(3):
        await tgh.post(h, message_update(other, f"halo {i}"))
    await h.drain()
    mine = [m for m in h.messages if m.text.startswith("pesan")]
    assert [m.text for m in mine] == [f"pesan {i}" for i in range(20)]
    assert [m.text for m in h.messages if m.text.startswith("halo")] == [
        "halo 0",
        "halo 1",
        "halo 2",
    ]
    replies = fake_telegram.sent_texts(tgh.CHAT)
    assert replies.count(text("slow_down", "en")) == 1  # the person's language
    assert len(replies) == 21
    assert fake_telegram.sent_texts(other) == [f"echo: halo {i}" for i in range(3)]
    assert inbox_count(h.channel) == 28
    assert h.channel.runtime.inbox.status_counts() == {"done": 28}
    users, bots = await agent.held(mine[0].sender_id)
    assert [e.text for e in users] == [f"pesan {i}" for i in range(20, 25)]
    assert all(e.intent_name is None and e.metadata["rate_limited"] for e in users)
    assert [e.text for e in bots] == [text("slow_down", "en")]


async def test_whatsapp_25_messages_in_a_minute_20_answered_one_slow_down_all_stored(
    fake_whatsapp, database, secrets_env
) -> None:
    agent = FakeAgent()
    h = await harness(wah.make_channel(fake_whatsapp, database, secrets_env), agent)
    try:
        for i in range(25):
            r = await wah.post(h, text_notification(wah.WA_ID, f"pesan {i}"))
            assert r.status_code == 200
        await h.drain()
    finally:
        await h.__aexit__(None, None, None)
    assert [m.text for m in h.messages] == [f"pesan {i}" for i in range(20)]
    plain = [m["text"]["body"] for m in fake_whatsapp.sent(wah.WA_ID, kind="text")]
    assert plain == [text("slow_down", "id")]  # +62: Indonesian
    assert len(fake_whatsapp.sent(wah.WA_ID)) == 21
    assert h.channel.runtime.inbox.status_counts() == {"done": 25}
    users, _bots = await agent.held(h.messages[0].sender_id)
    assert [e.text for e in users] == [f"pesan {i}" for i in range(20, 25)]
    # every message was marked read, the held ones too ("I have received your messages")
    reads = [c for c in fake_whatsapp.calls("messages") if c.params.get("status") == "read"]
    assert len(reads) == 25


async def test_the_safe_word_and_a_danger_phrase_get_through_over_the_limit(
    fake_telegram, database, secrets_env
) -> None:
    agent = FakeAgent()
    channel = tgh.make_channel(
        fake_telegram, database, secrets_env, LENTERA_RATE_LIMIT_PER_MINUTE="2"
    )
    h = await harness(channel, agent)
    try:
        for body in ("satu", "dua", "tiga", DANGER, "resep"):
            await tgh.post(h, message_update(tgh.CHAT, body))
        await h.drain()
    finally:
        await h.__aexit__(None, None, None)
    assert [m.text for m in h.messages] == ["satu", "dua", DANGER]
    replies = fake_telegram.sent_texts(tgh.CHAT)
    assert replies[2] == text("slow_down", "id")
    assert replies[-1] == text("safe_exit", "id")


async def test_an_open_case_gets_every_message_whatever_the_limit(
    fake_telegram, database, secrets_env
) -> None:
    from tests.bot.channels.test_handoff import open_case_for

    agent = FakeAgent()
    channel = tgh.make_channel(
        fake_telegram, database, secrets_env, LENTERA_RATE_LIMIT_PER_MINUTE="2"
    )
    h = await harness(channel, agent)
    try:
        await tgh.post(h, message_update(tgh.CHAT, "halo"))
        await h.drain()
        case = open_case_for(channel, h.messages[0].sender_id)
        fake_telegram.reset()
        for i in range(10):
            await tgh.post(h, message_update(tgh.CHAT, f"untuk petugas {i}"))
        await h.drain()
    finally:
        await h.__aexit__(None, None, None)
    bodies = [m.body for m in channel.runtime.cases.transcript(case.id)]
    assert bodies == [f"untuk petugas {i}" for i in range(10)]
    assert fake_telegram.sent_texts(tgh.CHAT) == []  # no slow-down during a case
    assert len(h.messages) == 1


async def test_two_rasa_instances_on_redis_share_the_count(
    fake_telegram, database, secrets_env, redis_prefix, monkeypatch
) -> None:
    url, prefix = redis_prefix
    monkeypatch.setattr(
        "bot.channels.rate_limit.RedisWindow.from_url",
        functools.partial(RedisWindow.from_url.__func__, RedisWindow, prefix=prefix),
    )
    agent = FakeAgent()  # one tracker store behind both, as in production
    one = await harness(
        tgh.make_channel(fake_telegram, database, secrets_env, LENTERA_REDIS_URL=url), agent
    )
    two = await harness(
        tgh.make_channel(fake_telegram, database, secrets_env, LENTERA_REDIS_URL=url), agent
    )
    # In one test process the two would take each other for a restarted process (same
    # pid) and process each other's rows again: the second one runs "on another host".
    two.channel.worker.owner = "instance-two:" + two.channel.worker.owner.split(":", 1)[1]
    try:
        assert isinstance(one.channel.rate_limit.window, RedisWindow)
        assert isinstance(two.channel.rate_limit.window, RedisWindow)
        for i in range(25):
            await tgh.post(one if i % 2 else two, message_update(tgh.CHAT, f"p{i}"))
            await (one if i % 2 else two).drain()
        import redis

        client = redis.Redis.from_url(url)
        [answered] = list(client.scan_iter(match=f"{prefix}:rate:*:answered"))
        assert client.zcard(answered) == 20  # the count lives in Redis
        client.close()
    finally:
        for h in (one, two):
            await h.channel.rate_limit.close()
            await h.__aexit__(None, None, None)
    assert len(one.messages) + len(two.messages) == 20
    replies = fake_telegram.sent_texts(tgh.CHAT)
    assert replies.count(text("slow_down", "id")) == 1 and len(replies) == 21


async def test_an_unsigned_flood_is_refused_before_any_work_nothing_stored_one_log_line(
    fake_telegram, fake_whatsapp, sqlite_db, secrets_env, caplog
) -> None:
    caplog.set_level(logging.INFO)
    async with (
        Harness(tgh.make_channel(fake_telegram, sqlite_db, secrets_env)) as t,
        Harness(wah.make_channel(fake_whatsapp, sqlite_db, secrets_env)) as w,
    ):
        update = message_update(tgh.CHAT, "halo")
        body = encode(text_notification(wah.WA_ID, "halo"))
        statuses = []
        for i in range(100):
            statuses.append((await tgh.post(t, update, secret=None if i % 2 else "x")).status_code)
            signature = None if i % 2 else "sha256=" + "0" * 64
            statuses.append((await wah.post(w, None, signature=signature, raw=body)).status_code)
        # not even JSON: refused on the signature, never parsed
        statuses.append((await tgh.post(t, None, secret="x", content=b"{")).status_code)
        statuses.append((await wah.post(w, None, signature="sha256=00", raw=b"{")).status_code)
        await t.drain()
        await w.drain()
        assert set(statuses) == {403}
        assert t.messages == [] and w.messages == []
        assert inbox_count(t.channel) == 0
        assert fake_telegram.calls() == [] and fake_whatsapp.calls() == []
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("bot.channels")]
    assert lines == [
        "Telegram webhook rejected: bad or missing secret token",
        "WhatsApp webhook rejected: bad or missing signature",
    ]
