"""Rasa's REST channel behind the turn guard (`/webhooks/rest/webhook`, same wire format)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint

from bot.channels.guard import never_silent
from bot.channels.readiness import ready


class RestInput(RasaRestInput):
    """The stock REST input; every turn answered, none repeated or runaway."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's routes, with the guarded handler, and ``/ready`` (bot/channels/readiness.py)."""
        blueprint = super().blueprint(never_silent(on_new_message))
        blueprint.add_route(ready, "/ready", methods=["GET"])
        return blueprint
