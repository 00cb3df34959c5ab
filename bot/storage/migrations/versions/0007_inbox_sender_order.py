"""Inbox index for answering one person's messages in order (bot/storage/inbox.py).

Revision ID: 0007_inbox_sender_order
Revises: 0006_safe_contact
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0007_inbox_sender_order"
down_revision = "0006_safe_contact"
branch_labels = None
depends_on = None

INDEX = "ix_channel_inbox_sender"


def _schema() -> str | None:
    # Like 0006: name the schema bot/storage/migrate.py migrates (None: the default one).
    schema = context.config.attributes.get("schema")
    return str(schema) if schema else None


def upgrade() -> None:
    """Index the inbox by sender and arrival (``Inbox.waits_for_earlier``)."""
    existing = sa.inspect(op.get_bind()).get_indexes("channel_inbox", schema=_schema())
    if any(index["name"] == INDEX for index in existing):
        return  # a database adopted from create_all (bot/storage/migrate.py) has it already
    op.create_index(INDEX, "channel_inbox", ["sender_id", "id"], schema=_schema())


def downgrade() -> None:
    """Drop the index."""
    op.drop_index(INDEX, table_name="channel_inbox", schema=_schema())
