"""Tables of the privacy package, on the shared :data:`bot.storage.tables.metadata`.

Created by the Alembic revisions ``0004_privacy`` and ``0005_storage_consent``. No content,
only pseudonymous ids and times.
"""

from __future__ import annotations

import sqlalchemy as sa

from bot.storage.tables import metadata

# A person confirmed "delete my data": the Rasa process erases every store once the reply
# is delivered (the action server cannot reach Rasa's tracker store), then drops the row.
erasure_requests = sa.Table(
    "erasure_requests",
    metadata,
    sa.Column("conversation_id", sa.String(64), primary_key=True),
    sa.Column("requested_at", sa.Float, nullable=False),
)

# The assistant's own messages of the last 48 hours, by platform message id: on the safe word
# they are deleted from the person's chat (Telegram's deleteMessage works for 48 hours).
sent_messages = sa.Table(
    "sent_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("message_ref", sa.String(64), nullable=False),
    sa.Column("sent_at", sa.Float, nullable=False),
    sa.Index("ix_sent_messages_sender", "sender_id", "sent_at"),
)

# Whether a person agreed to Lentera keeping the words of their conversation, with the time
# and the version of the notice they answered (the tracker store reads the slot; retention
# reads this table: a conversation without consent is erased a day after its last message).
storage_consents = sa.Table(
    "storage_consents",
    metadata,
    sa.Column("conversation_id", sa.String(64), primary_key=True),
    sa.Column("agreed", sa.Boolean, nullable=False),
    sa.Column("version", sa.String(32), nullable=False),
    sa.Column("decided_at", sa.Float, nullable=False),
)
