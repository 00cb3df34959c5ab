"""The one dialogue action: every user message is answered by `action_turn`.

Rasa's rules map every intent to this action (data/rules/turn.yml), so a turn is always
exactly one action followed by listening: no form or fallback loop can trip Rasa's circuit
breaker or leave a person unanswered. The logic lives in `actions/flow.py`.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.case_desk import desk_for, record_storage_consent, request_erasure
from actions.contacts import directory
from actions.flow import respond
from actions.guard import never_silent
from actions.state import State
from actions.understanding import Message


class ActionTurn(Action):
    """Reads the state from the slots, answers the latest message, writes the state back."""

    def name(self) -> str:
        """Action name used in the domain."""
        return "action_turn"

    @never_silent
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Answer the latest message (at least one message, at most five)."""
        before = State.from_tracker(tracker)
        state = before.copy()
        message_in = Message.from_parse(tracker.latest_message)
        for message in respond(state, message_in, directory(), desk_for(tracker)):
            dispatcher.utter_message(text=message["text"], buttons=message["buttons"] or None)
        if state.storage_consent is not None and state.storage_consent != before.storage_consent:
            record_storage_consent(tracker.sender_id, state.storage_consent)
        if state.pending == "deleted":
            # The Rasa process erases every store once this reply is out (bot/privacy).
            request_erasure(tracker.sender_id)
            # Forget everything but the language the person reads.
            return [AllSlotsReset(), Restarted(), SlotSet("language", state.language)]
        return state.events_since(before)
