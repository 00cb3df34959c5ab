"""Privacy: erasure requests (bot/privacy/tables.py).

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
    """Create ``erasure_requests``."""
    op.create_table(
        "erasure_requests",
        sa.Column("conversation_id", sa.String(64), primary_key=True),
        sa.Column("requested_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    """Drop ``erasure_requests``."""
    op.drop_table("erasure_requests")
