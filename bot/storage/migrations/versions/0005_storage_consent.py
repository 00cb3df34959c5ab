"""Consent to storage: who agreed that their words may be kept (bot/privacy/tables.py).

Revision ID: 0005_storage_consent
Revises: 0004_privacy
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_storage_consent"
down_revision = "0004_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``storage_consents``."""
    op.create_table(
        "storage_consents",
        sa.Column("conversation_id", sa.String(64), primary_key=True),
        sa.Column("agreed", sa.Boolean, nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("decided_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    """Drop ``storage_consents``."""
    op.drop_table("storage_consents")
