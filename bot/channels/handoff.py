"""Silence that holds: while a caseworker has a conversation, Rasa is never called for it.

Every inbound row goes through :meth:`Handoff.intercept` before the channel hands it to Rasa.
If the person has a waiting or claimed case (:meth:`bot.cases.store.CaseStore.active_case`,
one indexed query in Lentera's own database), the message is stored in the case and nothing
is sent, whatever Rasa's tracker holds: the silence survives an idle hour, a Rasa session
expiry and a restart of every process, because Rasa's ``ConversationPaused`` is not what
keeps it.

The one exception is danger: a danger phrase (:func:`bot.nlu.danger.is_danger`, no NLU
pipeline needed) or the emergency button marks the case urgent and sends the emergency
contacts at once, from the channel itself. Button presses, ``/request_human`` and media
during a case are only stored (media as ``[media]``).

"Delete my data" is the person's right during a handoff too: a message Rasa's NLU reads as
``delete_my_data``, and the yes or no that answers the assistant's confirmation, go to the
assistant instead of the case (``wants_assistant``). A yes erases everything, the case
becomes a content-free tombstone (bot/privacy/erasure.py).

Safe contact: the case opens with the assistant's question "may a caseworker write first,
and at what hours?" (``contact_question``). The answer arrives here, during the case: while
the case has no answer and no caseworker has written yet, a text that reads as one
(:func:`bot.privacy.safe_contact.parse`) is recorded on the case and the person gets one
short confirmation (also shown to the caseworker as a system line). Anything unclear is
only stored, like every other message; until an answer is recorded it is "no".
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel

from bot.cases.models import Case, CaseClosed, ContactPreference
from bot.cases.store import CaseStore
from bot.channels.guard import emergency_messages
from bot.nlu.danger import is_danger
from bot.privacy.safe_contact import parse as parse_contact
from bot.storage.inbox import InboxRow
from bot.texts import text

logger = logging.getLogger(__name__)

EMERGENCY_PAYLOAD = "/emergency"
MEDIA = "[media]"


def case_text(payload: dict[str, Any]) -> str:
    """What a caseworker sees of an inbound message (never coordinates)."""
    kind = payload.get("kind")
    if kind == "unsupported" or not payload.get("text"):
        return MEDIA
    if kind == "location":
        country = ((payload.get("metadata") or {}).get("location") or {}).get("country")
        return f"[location: {country}]" if country else "[location]"
    body = str(payload["text"])
    return f"[button] {body}" if kind in ("callback", "button") else body


def is_emergency(payload: dict[str, Any]) -> bool:
    """True for a danger phrase in the text, or the emergency button."""
    body = str(payload.get("text") or "")
    if payload.get("kind") in ("callback", "button"):
        return body.startswith(EMERGENCY_PAYLOAD)
    return payload.get("kind") == "text" and is_danger(body)


def awaits_contact_answer(case: Case) -> bool:
    """The case has no safe-contact answer and no caseworker has written yet.

    Once a caseworker writes, the person's messages answer them: "jam 8 malam" may then be
    when their shift ends, not when it is safe to write.
    """
    return case.contact is None and case.first_reply_at is None


def contact_confirmation(preference: ContactPreference, lang: str) -> str:
    """The one short line confirming a recorded safe-contact answer, in ``lang``."""
    if not preference.agreed:
        return text("contact_refused", lang)
    if preference.any_time:
        return text("contact_noted_anytime", lang)
    return text("contact_noted", lang).format(hours=preference.window())


class Handoff:
    """The channel path's check: is a caseworker handling this conversation?"""

    def __init__(
        self,
        cases: CaseStore,
        wants_assistant: Callable[[str, str], Awaitable[bool]] | None = None,
    ) -> None:
        """Check against ``cases`` (the same database the console writes).

        ``wants_assistant(sender_id, text)`` is True for a message the assistant answers even
        during a case (a request to delete the person's data and its confirmation).
        """
        self.cases = cases
        self.wants_assistant = wants_assistant

    async def intercept(self, row: InboxRow, output: OutputChannel) -> bool:
        """Store the row in the sender's open case; True if there was one (Rasa not called).

        A redelivered row (a crash before the inbox row was completed) is stored once; its
        emergency contacts, if any, are sent again rather than risk never.

        Raises:
            bot.delivery.errors.DeliveryError: If the emergency contacts could not be sent
                (the inbox worker retries the row).
            sqlalchemy.exc.SQLAlchemyError: If the database is unavailable (retried too:
                better late than answered by the assistant during a handoff).
        """
        case = await asyncio.to_thread(self.cases.active_case, row.sender_id)
        if case is None:
            return False
        payload = row.payload
        if await self._for_the_assistant(row.sender_id, payload):
            return False
        store = functools.partial(self.cases.add_message, source_key=payload.get("message_id"))
        try:
            await asyncio.to_thread(store, case.id, "person", case_text(payload))
        except CaseClosed:
            return False  # closed a moment ago: the assistant answers this one
        if is_emergency(payload):
            await self._emergency(case, row.sender_id, output)
        elif awaits_contact_answer(case) and payload.get("kind") == "text":
            await self._contact_answer(case, row.sender_id, str(payload.get("text") or ""), output)
        return True

    async def _for_the_assistant(self, sender_id: str, payload: dict[str, Any]) -> bool:
        if self.wants_assistant is None or is_emergency(payload):
            return False
        body = str(payload.get("text") or "")
        if not body or payload.get("kind") not in ("text", "callback", "button"):
            return False
        try:
            return await self.wants_assistant(sender_id, body)
        except Exception:  # noqa: BLE001 - when unsure, the caseworker gets the message
            logger.exception("Could not tell whether the assistant answers during a handoff")
            return False

    async def _contact_answer(
        self, case: Case, recipient_id: str, body: str, output: OutputChannel
    ) -> None:
        """Record a safe-contact answer once and confirm it; anything unclear stays a message.

        A confirmation whose send fails is not sent again when the row is retried: the
        answer is recorded (the caseworker sees it on the case page).
        """
        preference = parse_contact(body)
        if preference is None:
            return
        recorded = await asyncio.to_thread(self.cases.set_contact, case.id, preference)
        if not recorded:
            return  # answered already (a redelivered row) or closed a moment ago
        logger.info("Safe-contact answer recorded on a case")
        confirmation = contact_confirmation(preference, case.language)
        await output.send_text_message(recipient_id, confirmation)
        with contextlib.suppress(CaseClosed):
            await asyncio.to_thread(self.cases.add_message, case.id, "system", confirmation)

    async def _emergency(self, case: Case, recipient_id: str, output: OutputChannel) -> None:
        await asyncio.to_thread(self.cases.mark_urgent, case.id)
        logger.warning("Danger during a handoff: case marked urgent, emergency contacts sent")
        messages = emergency_messages(case.country, case.language)
        messages[0] = text("handoff_urgent", case.language) + "\n\n" + messages[0]
        for body in messages:
            await output.send_text_message(recipient_id, body)
        for body in messages:  # the caseworker sees what the person was sent
            with contextlib.suppress(CaseClosed):
                await asyncio.to_thread(self.cases.add_message, case.id, "system", body)
