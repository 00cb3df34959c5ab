"""Inbox: how many replies of a message's turn reached the platform (bot/storage/inbox.py).

Revision ID: 0008_inbox_replies_sent
Revises: 0007_inbox_sender_order
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0008_inbox_replies_sent"
down_revision = "0007_inbox_sender_order"
branch_labels = None
depends_on = None

COLUMN = "replies_sent"


def _schema() -> str | None:
    # Like 0006: name the schema bot/storage/migrate.py migrates (None: the default one).
    schema = context.config.attributes.get("schema")
    return str(schema) if schema else None


def upgrade() -> None:
    """Add ``replies_sent`` (0 for every stored message)."""
    existing = sa.inspect(op.get_bind()).get_columns("channel_inbox", schema=_schema())
    if any(column["name"] == COLUMN for column in existing):
        return  # a database adopted from create_all (bot/storage/migrate.py) has it already
    op.add_column(
        "channel_inbox",
        sa.Column(COLUMN, sa.Integer, nullable=False, server_default="0"),
        schema=_schema(),
    )


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("channel_inbox", schema=_schema()) as batch:
        batch.drop_column(COLUMN)
