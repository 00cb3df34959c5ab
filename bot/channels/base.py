"""What the Telegram and WhatsApp input channels share.

Settings from the environment, the runtime (database, inbox, address book, case store), the
inbox worker that runs Rasa turns in the background, the outbox worker that delivers
caseworker replies, the handoff check and the per-person rate limit before Rasa
(``handoff.py``, ``rate_limit.py``), the server lifecycle and
the ``GET /`` health and ``POST /webhook`` routes. A subclass says how to build its sender and
output channel, and how to receive, store, acknowledge and handle one delivery and deliver
one case message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.cases.models import OutboxItem
from bot.channels.common import quiet_http_client_logs
from bot.channels.erasure import erase_if_requested
from bot.channels.guard import never_silent
from bot.channels.handoff import Handoff
from bot.channels.once import OnceOutput
from bot.channels.rasa_bridge import agent_of
from bot.channels.rate_limit import LogLimiter, RateLimit
from bot.channels.safe_exit import is_safe_word, leave
from bot.channels.stores import Runtime, build_runtime
from bot.delivery.outbox import OutboxWorker
from bot.delivery.worker import InboxWorker
from bot.settings import Settings, load_settings
from bot.storage.inbox import InboxRow

logger = logging.getLogger(__name__)
# How sure the NLU must be that a message during a handoff asks to delete the data.
DELETE_CONFIDENCE = 0.5
SenderT = TypeVar("SenderT")


class WebhookChannel(InputChannel, Generic[SenderT]):
    """A Rasa input channel fed by a platform webhook, processing through the inbox."""

    CHANNEL = ""  # route prefix and Rasa channel name
    LABEL = ""  # for people and logs
    DISABLED_BECAUSE = ""  # what is missing when the channel is off

    @classmethod
    def name(cls) -> str:
        """Channel name: routes live under ``/webhooks/<name>/``."""
        return cls.CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebhookChannel[SenderT]:
        """Build the channel from the environment (``credentials.yml`` holds no secrets)."""
        return cls(load_settings())

    def __init__(self, settings: Settings, *, schema: str | None = None) -> None:
        """Create the channel; disabled (routes answer 503) without its platform settings.

        Raises:
            bot.settings.SettingsError: If enabled without the Lentera secrets.
        """
        self.settings = settings
        self.runtime: Runtime | None = None
        self.sender: SenderT | None = None
        self.worker: InboxWorker | None = None
        self.outbox_worker: OutboxWorker | None = None
        self.handoff: Handoff | None = None
        self.rate_limit: RateLimit | None = None
        # Refused deliveries: one log line a minute, however many arrive.
        self.rejections = LogLimiter(logging.getLogger(type(self).__module__))
        self._app: Any = None
        self._on_new_message: Callable[[UserMessage], Awaitable[Any]] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        quiet_http_client_logs()  # Rasa leaves httpx at INFO: every URL, the bot token too
        if not self._configured():
            logger.info("%s channel disabled: %s", self.LABEL, self.DISABLED_BECAUSE)
            return
        self.runtime = build_runtime(settings, channel=self.LABEL, schema=schema)
        self.sender = self._make_sender(self.runtime)
        self.handoff = Handoff(self.runtime.cases, self._assistant_answers)
        self.rate_limit = RateLimit.from_settings(settings)
        self.worker = InboxWorker(
            self.runtime.inbox,
            self.CHANNEL,
            self._process_row,
            lease_seconds=settings.inbox_lease_seconds,
        )
        self.outbox_worker = OutboxWorker(
            self.runtime.outbox, self.CHANNEL, self._deliver, owner=self.worker.owner
        )

    # -- what a platform provides ------------------------------------------------------

    def _configured(self) -> bool:
        raise NotImplementedError

    def _make_sender(self, runtime: Runtime) -> SenderT:
        raise NotImplementedError

    def _output(self, sender: SenderT, *, proactive: bool = False) -> OutputChannel:
        raise NotImplementedError

    async def _receive(self, request: Request) -> HTTPResponse:
        raise NotImplementedError

    async def _handle_row(self, row: InboxRow) -> None:
        raise NotImplementedError

    async def _clean_chat(self, sender_id: str) -> int:
        """Delete the assistant's recent messages from the person's chat, if the platform can."""
        return 0

    def _acknowledge(self, row: InboxRow) -> None:
        """Tell the platform a message arrived when Rasa does not answer it (best effort)."""

    async def _deliver(self, item: OutboxItem) -> None:
        """Send one case message (raise ``bot.delivery.outbox.Refused`` if it never can be)."""
        raise NotImplementedError

    def _add_routes(self, bp: Blueprint) -> None:
        """Extra routes of the platform (none by default)."""

    # -- shared ------------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        """True when the platform settings are present."""
        return self.worker is not None

    def get_output_channel(self) -> OutputChannel | None:
        """Output channel for messages sent outside a webhook request (caseworker replies)."""
        return self._output(self.sender, proactive=True) if self.sender is not None else None

    def _replies(self, row: InboxRow, output: OutputChannel) -> OutputChannel:
        """Where a row's turn answers: each reply counted, those sent before skipped (once.py)."""
        assert self.runtime is not None
        return OnceOutput(output, self.runtime.inbox, row)

    def _background(self, coro: Any) -> None:
        """Run a best-effort side task (keeping a reference until it ends)."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _bind(self, app: Any) -> None:
        self._app = app
        if self.worker is not None:
            self.worker.start()
        if self.outbox_worker is not None:
            self.outbox_worker.start()

    async def _assistant_answers(self, sender_id: str, text: str) -> bool:
        """During a handoff: True for "delete my data" and the answer to its confirmation."""
        agent = agent_of(self._app)
        if agent is None or not agent.is_ready():
            return False
        parsed = await agent.parse_message(text)
        intent = parsed.get("intent") or {}
        name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
        if name == "delete_my_data" and confidence >= DELETE_CONFIDENCE:
            return True
        if name not in ("affirm", "deny"):
            return False
        tracker = await agent.tracker_store.retrieve(sender_id)
        return tracker is not None and tracker.get_slot("pending") == "delete"

    async def _process_row(self, row: InboxRow) -> None:
        """One inbound row: into the open case if a caseworker has the conversation, else Rasa.

        Over the person's rate limit (``rate_limit.py``) the row is kept in the tracker and
        not answered; the safe word, the open case and an emergency come first.
        """
        assert self.sender is not None and self.handoff is not None
        assert self.rate_limit is not None
        assert self.runtime is not None
        if is_safe_word(row.payload):  # before anything else, even during a handoff
            await leave(
                self._app,
                self.runtime,
                row.sender_id,
                self._output(self.sender),
                language=row.payload.get("language"),
                clean_chat=self._clean_chat,
            )
            return
        # An erasure a crash left undone is done before anything new is stored.
        await erase_if_requested(self._app, self.runtime, row.sender_id)
        if await self.handoff.intercept(row, self._output(self.sender)):
            self._acknowledge(row)
            return
        decision = await self.rate_limit.check(row)
        if not decision.allowed:
            await self.rate_limit.hold(
                self._app, row, self._output(self.sender), notify=decision.notify
            )
            self._acknowledge(row)
            return
        await self._handle_row(row)
        # "Delete my data" confirmed in this turn: its reply is out, the tracker saved.
        await erase_if_requested(self._app, self.runtime, row.sender_id)

    def _store(
        self, inbound: Any, *, user_id: str, delivery_id: str | int, **extra: Any
    ) -> InboxRow | None:
        """Commit one delivery and its sender's address in one transaction; None if a duplicate.

        ``inbound`` has ``kind``, ``text``, ``language``, ``metadata`` and ``sent_at``; ``extra``
        goes into the stored payload (the platform's own ids).
        """
        assert self.runtime is not None
        runtime = self.runtime
        sender_id = runtime.pseudonym(self.CHANNEL, user_id)
        dedup_key = runtime.delivery_key(self.CHANNEL, delivery_id)
        metadata = dict(inbound.metadata, channel=self.CHANNEL)
        if inbound.language:
            metadata["language_hint"] = inbound.language
        payload = {
            "kind": inbound.kind,
            "text": inbound.text,
            "language": inbound.language,
            "message_id": dedup_key,
            **extra,
            "metadata": metadata,
        }

        def remember(conn: Any) -> None:
            runtime.addresses.upsert_in(
                conn,
                sender_id=sender_id,
                channel=self.CHANNEL,
                address=user_id,
                language=inbound.language,
                inbound_at=inbound.sent_at,
            )

        row_id = runtime.inbox.accept(
            channel=self.CHANNEL,
            dedup_key=dedup_key,
            sender_id=sender_id,
            payload=payload,
            owner=self.worker.owner if self.worker else "",
            lease_seconds=self.settings.inbox_lease_seconds,
            also=remember,
        )
        return None if row_id is None else InboxRow(row_id, self.CHANNEL, sender_id, 0, payload)

    def _bound(self, request: Request) -> None:
        """Start the worker on the first delivery if the server-start listener has not."""
        if self.worker is not None and (self._app is None or self.worker._loop_task is None):
            self._bind(request.app)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Routes: ``GET /`` (health), ``POST /webhook`` and the platform's own."""
        self._on_new_message = never_silent(on_new_message, reraise=True)
        bp = Blueprint(f"lentera_{self.CHANNEL}_webhook", __name__)

        @bp.listener("after_server_start")
        async def start(app: Any, _loop: Any) -> None:
            self._bind(app)

        @bp.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            if self.worker is not None:
                await self.worker.stop()
            if self.outbox_worker is not None:
                await self.outbox_worker.stop()
            if self.rate_limit is not None:
                await self.rate_limit.close()
            if self.sender is not None:
                await self.sender.close()  # type: ignore[attr-defined]

        @bp.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.json({"status": "disabled"}, status=503)
            return response.json({"status": "ok"})

        self._add_routes(bp)

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request)

        return bp


class TextAndButtonsJson:
    """``send_custom_json`` for outputs that send ``{"text": ..., "buttons": [...]}`` only."""

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """Send ``{"text": ..., "buttons": [...]}`` custom payloads; ignore other shapes."""
        body = json_message.get("text") if isinstance(json_message, dict) else None
        if not isinstance(body, str):
            logger.info("Custom payload without text not sent (%s)", type(self).__name__)
            return
        buttons = json_message.get("buttons")
        if isinstance(buttons, list) and buttons:
            await self.send_text_with_buttons(recipient_id, body, buttons)  # type: ignore[attr-defined]
        else:
            await self.send_text_message(recipient_id, body)  # type: ignore[attr-defined]
