"""Requests to delete data."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, Restarted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.guard import never_silent
from actions.language import reply_language
from actions.messages import say


class ActionDeleteMyData(Action):
    """Resets the conversation after the person confirmed."""

    def name(self) -> str:
        """Action name used in the domain."""
        return "action_delete_my_data"

    @never_silent
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Confirm and restart the conversation, forgetting every slot."""
        say(dispatcher, "data_deleted", reply_language(tracker))
        return [AllSlotsReset(), Restarted()]
