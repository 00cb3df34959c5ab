"""How fast one person is answered, and how loudly refused webhooks are logged.

**Per person.** A Telegram or WhatsApp sender (a pseudonym) gets at most
``LENTERA_RATE_LIMIT_PER_MINUTE`` messages (default 20; 0 turns the limit off) answered by
Rasa in any rolling minute. The check runs on the inbox worker's path
(:meth:`bot.channels.base.WebhookChannel._process_row`), after the steps that must always
work:

1. the safe word (``channels/safe_exit.py``): never limited;
2. a pending "delete my data" is carried out;
3. an open case (``channels/handoff.py``): every message still reaches the caseworker, and
   a danger phrase still gets the emergency contacts;
4. then the limit: a message with a danger phrase, or the emergency button
   (:func:`bot.channels.handoff.is_emergency`), always goes to Rasa and is not counted. A
   flood cannot silence a person in danger; the price is that a flood of danger phrases is
   answered, each with the emergency contacts.

A message over the limit is *held*: it was stored in the inbox and acknowledged 200 like any
other (the platform does not send it again), the platform is told it was read, and it is
appended to the conversation's Rasa tracker as a user event without a turn (no NLU, no
policy, no action: :func:`record_unanswered`), so the tracker and
a caseworker's transcript hold it, with the words only under the tracker store's consent
rule. The first held message of a minute gets one calm reply in the person's language
(``slow_down``: received, not answered, wait a minute and send again what matters most); the
rest get nothing until answered slots free up. At most one such reply per person per minute.
Held messages are not answered later (a flood would otherwise be answered for minutes after).
"Delete my data" written while over the limit is held like the rest (telling it apart needs
the NLU); written again a minute later, it is carried out.

**Counting.** A rolling window of the ids of answered messages per pseudonym (keyed digests,
never content). With ``LENTERA_REDIS_URL`` the window lives in Redis (one sorted set and one
notice key per person, expiring after a minute; one Lua script per message, so several Rasa
instances share the count). Without Redis it is counted in this process (the single-process,
SQLite default). If Redis does not answer, this process counts on its own until it does (a
warning at most once a minute): the limit protects Rasa's CPU, it must never silence anyone.
Counting is idempotent per message: a row retried after a crash is not counted twice.

**Refused webhooks.** :class:`LogLimiter` keeps a flood of bad signatures from flooding the
logs: the first refusal is logged at once, later ones at most once a minute with how many
were left out.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.handoff import is_emergency
from bot.channels.rasa_bridge import agent_of, ensure_ready, tracker_language
from bot.settings import Settings
from bot.storage.inbox import InboxRow
from bot.texts import text

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60.0
REDIS_TIMEOUT_SECONDS = 0.5
DEFAULT_KEY_PREFIX = "lentera"  # the lock store's prefix too (bot/stack/endpoints.py)
LOG_INTERVAL_SECONDS = 60.0
SWEEP_SENDERS = 10_000  # the in-process window forgets idle senders beyond this many


@dataclass(frozen=True)
class Decision:
    """What to do with one message.

    Attributes:
        allowed: Rasa answers it.
        notify: Held, and the first held message of its minute: send ``slow_down``.
    """

    allowed: bool
    notify: bool = False


ALLOWED = Decision(True)
HELD = Decision(False)
HELD_NOTIFY = Decision(False, True)


class Window(Protocol):
    """A rolling count of answered messages per sender."""

    async def hit(self, sender_id: str, message_id: str) -> Decision:
        """Count ``message_id`` if there is room; whether it is answered."""

    async def close(self) -> None:
        """Release connections."""


class MemoryWindow:
    """The window in this process: one ordered map of answered message ids per sender."""

    def __init__(
        self,
        limit: int,
        *,
        window_seconds: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """At most ``limit`` answered messages per sender in ``window_seconds``."""
        self.limit = limit
        self.window_seconds = window_seconds
        self._clock = clock
        self._answered: dict[str, OrderedDict[str, float]] = {}
        self._notice_until: dict[str, float] = {}

    async def hit(self, sender_id: str, message_id: str) -> Decision:
        """Count ``message_id`` if there is room; whether it is answered."""
        return self.hit_now(sender_id, message_id)

    def hit_now(self, sender_id: str, message_id: str) -> Decision:
        """:meth:`hit` without the coroutine (the Redis window's fallback uses it too)."""
        now = self._clock()
        cutoff = now - self.window_seconds
        answered = self._answered.setdefault(sender_id, OrderedDict())
        while answered and next(iter(answered.values())) <= cutoff:
            answered.popitem(last=False)
        if message_id in answered:
            return ALLOWED  # a retried row: counted once
        if len(answered) < self.limit:
            answered[message_id] = now
            if len(self._answered) > SWEEP_SENDERS:
                self._sweep(cutoff, now)
            return ALLOWED
        if now >= self._notice_until.get(sender_id, 0.0):
            self._notice_until[sender_id] = now + self.window_seconds
            return HELD_NOTIFY
        return HELD

    def _sweep(self, cutoff: float, now: float) -> None:
        for sender_id in list(self._answered):
            times = self._answered[sender_id]
            if not times or next(reversed(times.values())) <= cutoff:
                del self._answered[sender_id]
        for sender_id, until in list(self._notice_until.items()):
            if until <= now:
                del self._notice_until[sender_id]

    async def close(self) -> None:
        """Nothing to release."""


# KEYS: answered (sorted set: message id -> time), notice (time until which no slow_down
# is sent). ARGV: now, window seconds, limit, message id. Returns {allowed, notify}.
HIT_SCRIPT = """
local answered, notice = KEYS[1], KEYS[2]
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local member = ARGV[4]
local ttl = math.ceil(window * 1000)
redis.call('ZREMRANGEBYSCORE', answered, '-inf', now - window)
if redis.call('ZSCORE', answered, member) then
  return {1, 0}
end
if redis.call('ZCARD', answered) < limit then
  redis.call('ZADD', answered, now, member)
  redis.call('PEXPIRE', answered, ttl)
  return {1, 0}
end
local until_ = tonumber(redis.call('GET', notice) or '0')
if now >= until_ then
  redis.call('SET', notice, tostring(now + window), 'PX', ttl)
  return {0, 1}
end
return {0, 0}
"""


class RedisWindow:
    """The window in Redis, shared by every Rasa instance (``LENTERA_REDIS_URL``)."""

    def __init__(
        self,
        client: Any,
        limit: int,
        *,
        window_seconds: float = WINDOW_SECONDS,
        prefix: str = DEFAULT_KEY_PREFIX,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Count in Redis through ``client`` (``redis.asyncio.Redis``), keys under ``prefix``.

        Args:
            client: Async Redis client (its own short timeouts).
            limit: Answered messages per sender and window.
            window_seconds: Length of the rolling window.
            prefix: Key prefix (tests use a unique one).
            clock: Time source; instances must agree on it (NTP), as for the lock store.
        """
        self.client = client
        self.limit = limit
        self.window_seconds = window_seconds
        self.prefix = prefix
        self._clock = clock
        self._script = client.register_script(HIT_SCRIPT)
        self._fallback = MemoryWindow(limit, window_seconds=window_seconds, clock=clock)
        self._warnings = LogLimiter(logger)

    @classmethod
    def from_url(cls, url: str, limit: int, **kwargs: Any) -> RedisWindow:
        """A window on the Redis at ``url`` (connects on first use)."""
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        return cls(client, limit, **kwargs)

    def keys(self, sender_id: str) -> list[str]:
        """The two keys of one sender (one hash slot, for Redis Cluster)."""
        base = f"{self.prefix}:rate:{{{sender_id}}}"
        return [f"{base}:answered", f"{base}:notice"]

    async def hit(self, sender_id: str, message_id: str) -> Decision:
        """Count ``message_id`` if there is room; whether it is answered."""
        args = [repr(self._clock()), repr(self.window_seconds), self.limit, message_id]
        try:
            allowed, notify = await self._script(keys=self.keys(sender_id), args=args)
        except Exception as exc:  # noqa: BLE001 - RedisError, OSError, timeouts: never silence
            return self._offline(exc, sender_id, message_id)
        if allowed:
            return ALLOWED
        return HELD_NOTIFY if notify else HELD

    def _offline(self, exc: BaseException, sender_id: str, message_id: str) -> Decision:
        self._warnings.warning(
            f"Rate limit: Redis did not answer ({type(exc).__name__}); "
            "counting in this process until it does"
        )
        return self._fallback.hit_now(sender_id, message_id)

    async def close(self) -> None:
        """Close the Redis connections."""
        close = getattr(self.client, "aclose", None) or self.client.close
        await close()


class LogLimiter:
    """One log line per message text and interval, with how many were left out."""

    def __init__(
        self,
        log: logging.Logger,
        *,
        interval: float = LOG_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Log through ``log`` at most once per ``interval`` seconds for each message."""
        self.log = log
        self.interval = interval
        self._clock = clock
        self._next: dict[str, float] = {}
        self._skipped: dict[str, int] = {}

    def warning(self, message: str) -> None:
        """Log ``message`` (a fixed text, never content) unless it was logged just now."""
        self._emit(logging.WARNING, message)

    def info(self, message: str) -> None:
        """:meth:`warning` at INFO."""
        self._emit(logging.INFO, message)

    def _emit(self, level: int, message: str) -> None:
        now = self._clock()
        if now < self._next.get(message, -math.inf):
            self._skipped[message] = self._skipped.get(message, 0) + 1
            return
        skipped = self._skipped.pop(message, 0)
        self._next[message] = now + self.interval
        if skipped:
            self.log.log(level, "%s (%d more in the last %.0f s)", message, skipped, self.interval)
        else:
            self.log.log(level, "%s", message)


async def record_unanswered(
    app: Any,
    sender_id: str,
    *,
    text: str,
    message_id: str,
    input_channel: str,
    metadata: dict[str, Any],
    reply: str | None = None,
) -> bool:
    """Append a message Rasa does not answer (and ``reply``, if one was sent) to its tracker.

    No NLU, no policy, no action: one user event without an intent, saved through Rasa's
    tracker store (its consent rule decides whether the words are kept), under the
    conversation's lock. A message already in the tracker (a retried row) is not added again.
    The conversation session is not restarted: a held message follows answered ones.

    Returns:
        False when not running inside Rasa (connector tests with a plain handler).

    Raises:
        bot.delivery.errors.AgentNotReady: If no model is loaded yet (the row waits).
    """
    agent = agent_of(app)
    if agent is None:
        return False
    ensure_ready(app)
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.processor.get_tracker(sender_id)
        for event in reversed(tracker.events):
            if isinstance(event, UserUttered) and event.message_id == message_id:
                return True
        tracker.update(
            UserUttered(text, input_channel=input_channel, message_id=message_id, metadata=metadata)
        )
        if reply:
            tracker.update(BotUttered(reply))
        await agent.processor.save_tracker(tracker)
    return True


class RateLimit:
    """The channel's check before Rasa: answer this message, or hold it."""

    def __init__(self, window: Window | None) -> None:
        """Limit through ``window``; None turns the limit off."""
        self.window = window
        self._notes = LogLimiter(logger)

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimit:
        """The limit of ``settings``: off at 0, in Redis when it is configured."""
        limit = settings.rate_limit_per_minute
        if limit <= 0:
            return cls(None)
        if settings.redis_url:
            return cls(RedisWindow.from_url(settings.redis_url, limit))
        return cls(MemoryWindow(limit))

    async def check(self, row: InboxRow) -> Decision:
        """Count the row; an emergency is always answered (and not counted)."""
        if self.window is None or is_emergency(row.payload):
            return ALLOWED
        return await self.window.hit(row.sender_id, str(row.payload.get("message_id") or row.id))

    async def hold(self, app: Any, row: InboxRow, output: OutputChannel, *, notify: bool) -> None:
        """Keep a held message in the tracker; the first of a minute gets ``slow_down``.

        Raises:
            bot.delivery.errors.AgentNotReady: If Rasa has no model yet (the row waits).
            Exception: If the tracker store failed (the row is retried, never lost).
        """
        payload = row.payload
        reply = None
        if notify:
            language = await tracker_language(app, row.sender_id) or payload.get("language")
            reply = text("slow_down", language)
            try:
                await output.send_text_message(row.sender_id, reply)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the message matters more than the notice
                logger.warning("Slow-down reply not sent (%s)", type(exc).__name__)
                reply = None
        if payload.get("text"):
            await record_unanswered(
                app,
                row.sender_id,
                text=str(payload["text"]),
                message_id=str(payload.get("message_id") or ""),
                input_channel=row.channel,
                metadata=dict(payload.get("metadata") or {}, rate_limited=True),
                reply=reply,
            )
        self._notes.info(f"Inbound {row.channel} messages over the rate limit: kept, not answered")

    async def close(self) -> None:
        """Release the window's connections."""
        if self.window is not None:
            await self.window.close()
