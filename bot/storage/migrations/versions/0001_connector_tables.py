"""Connector tables: inbox, address book, payload tokens.

Revision ID: 0001_connector_tables
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_connector_tables"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``channel_inbox``, ``channel_address`` and ``channel_callback``."""
    op.create_table(
        "channel_inbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("dedup_key", sa.String(64), nullable=False),
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("payload", sa.Text, nullable=True),
        sa.Column("received_at", sa.Float, nullable=False),
        sa.Column("next_attempt_at", sa.Float, nullable=False),
        sa.Column("lease_until", sa.Float, nullable=True),
        sa.Column("owner", sa.String(128), nullable=True),
        sa.Column("finished_at", sa.Float, nullable=True),
        sa.UniqueConstraint("channel", "dedup_key", name="uq_channel_inbox_delivery"),
    )
    op.create_index("ix_channel_inbox_status_next", "channel_inbox", ["status", "next_attempt_at"])
    op.create_index("ix_channel_inbox_received", "channel_inbox", ["received_at"])
    op.create_table(
        "channel_address",
        sa.Column("sender_id", sa.String(64), primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("last_inbound_at", sa.Float, nullable=True),
        sa.Column("choices", sa.Text, nullable=True),
        sa.Column("choices_expire_at", sa.Float, nullable=True),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_table(
        "channel_callback",
        sa.Column("token", sa.String(32), primary_key=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    """Drop the three connector tables."""
    op.drop_table("channel_callback")
    op.drop_table("channel_address")
    op.drop_index("ix_channel_inbox_received", table_name="channel_inbox")
    op.drop_index("ix_channel_inbox_status_next", table_name="channel_inbox")
    op.drop_table("channel_inbox")
