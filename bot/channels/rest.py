"""Rasa's REST channel behind the turn guard (`/webhooks/rest/webhook`, same wire format).

A turn answers 200 with Rasa's list of messages, never an empty one (``guard.py``). A turn
the tracker store refused (``strict_store.py``) answers JSON the client can act on, and
nothing of it was stored:

- 503 ``{"error": "tracker_store_unavailable", ...}`` with ``Retry-After``: the database does
  not answer (or Rasa runs on memory); send the same message again later;
- 500 ``{"error": "tracker_store_failed", ...}``: the store answered with an error.

``?stream=true`` streams the messages as Rasa's channel does; a refused turn there gets the
guard's apology, since a started stream cannot change its status.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import never_silent
from bot.channels.rasa_bridge import agent_of
from bot.channels.readiness import ready
from bot.channels.strict_store import refuse_fallback, refuse_fallback_at_start
from bot.delivery.errors import TrackerStoreFailed, TrackerStoreUnavailable

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = {
    "error": "tracker_store_unavailable",
    "message": "The assistant cannot reach its conversation store right now; "
    "nothing was stored. Send the message again shortly.",
}
FAILED = {
    "error": "tracker_store_failed",
    "message": "The assistant could not read or save this conversation; nothing was stored.",
}


class RestInput(RasaRestInput):
    """The stock REST input; every turn answered, none repeated or runaway, none in memory."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's routes (``/``, ``/webhook``), and ``/ready`` (bot/channels/readiness.py)."""
        turn = never_silent(on_new_message, store_errors_raise=True)
        streamed_turn = never_silent(on_new_message)
        blueprint = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @blueprint.listener("after_server_start")
        async def no_in_memory_store(app: Any, _loop: Any) -> None:
            refuse_fallback_at_start(agent_of(app))

        @blueprint.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            input_channel = self._extract_input_channel(request)
            metadata = self.get_metadata(request)
            if bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(streamed_turn, text, sender_id, input_channel, metadata),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            message = UserMessage(
                text, collector, sender_id, input_channel=input_channel, metadata=metadata
            )
            try:
                refuse_fallback(agent_of(request.app))
                await turn(message)
            except TrackerStoreUnavailable:
                return response.json(
                    UNAVAILABLE, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
                )
            except TrackerStoreFailed:
                return response.json(FAILED, status=500)
            return response.json(collector.messages)

        blueprint.add_route(ready, "/ready", methods=["GET"])
        return blueprint
