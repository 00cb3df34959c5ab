"""Privacy: erasure requests and the assistant's recent message ids (bot/privacy/tables.py).

Revision ID: 0004_privacy
Revises: 0003_console
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_privacy"
down_revision = "0003_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``erasure_requests`` and ``sent_messages``."""
    op.create_table(
        "erasure_requests",
        sa.Column("conversation_id", sa.String(64), primary_key=True),
        sa.Column("requested_at", sa.Float, nullable=False),
    )
    op.create_table(
        "sent_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("message_ref", sa.String(64), nullable=False),
        sa.Column("sent_at", sa.Float, nullable=False),
    )
    op.create_index("ix_sent_messages_sender", "sent_messages", ["sender_id", "sent_at"])


def downgrade() -> None:
    """Drop ``sent_messages`` and ``erasure_requests``."""
    op.drop_index("ix_sent_messages_sender", table_name="sent_messages")
    op.drop_table("sent_messages")
    op.drop_table("erasure_requests")
