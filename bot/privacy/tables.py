"""Tables of the privacy package, on the shared :data:`bot.storage.tables.metadata`.

Created by the Alembic revision ``0004_privacy``. No content, only pseudonymous ids and times.
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
