"""Actions that only say one message: form questions and short answers with a menu."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.guard import never_silent
from actions.language import reply_language
from actions.messages import say


class _SayOne:
    """Shared `run` (a mixin, so rasa-sdk does not register it as an action)."""

    key = ""

    def name(self) -> str:
        """Action name: `action_<message key>`."""
        return f"action_{self.key}"

    @never_silent
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say the message in the conversation's language."""
        say(dispatcher, self.key, reply_language(tracker))
        return []


class ActionAskIsSafeNow(_SayOne, Action):
    """Form question: are you safe right now?"""

    key = "ask_is_safe_now"


class ActionAskCountry(_SayOne, Action):
    """Form question: which country (and city)?"""

    key = "ask_country"


class ActionOutOfScope(_SayOne, Action):
    """What Lentera can help with, and the main menu."""

    key = "out_of_scope"


class ActionPlaceNoted(_SayOne, Action):
    """A place given out of context: noted, and what do you need?"""

    key = "place_noted"
