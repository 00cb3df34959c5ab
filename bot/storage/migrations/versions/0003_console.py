"""Console: staff accounts, server-side sessions, canned replies.

Revision ID: 0003_console
Revises: 0002_case_store
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_console"
down_revision = "0002_case_store"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``staff``, ``console_sessions`` and ``canned_replies`` (bot/console/tables.py)."""
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        sa.Column("first_failed_at", sa.Float, nullable=True),
        sa.Column("locked_until", sa.Float, nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_staff_organisation", "staff", ["organisation_id"])
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("last_seen_at", sa.Float, nullable=False),
        sa.Column("revoked_at", sa.Float, nullable=True),
    )
    op.create_index("ix_console_sessions_staff", "console_sessions", ["staff_id"])
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index(
        "ix_canned_replies_org_language", "canned_replies", ["organisation_id", "language"]
    )


def downgrade() -> None:
    """Drop the console's three tables."""
    op.drop_index("ix_canned_replies_org_language", table_name="canned_replies")
    op.drop_table("canned_replies")
    op.drop_index("ix_console_sessions_staff", table_name="console_sessions")
    op.drop_table("console_sessions")
    op.drop_index("ix_staff_organisation", table_name="staff")
    op.drop_table("staff")
