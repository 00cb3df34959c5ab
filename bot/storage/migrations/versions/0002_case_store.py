"""Case store: organisations, cases, messages, notes, referrals, outbox, audit, change feed.

Revision ID: 0002_case_store
Revises: 0001_connector_tables
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_case_store"
down_revision = "0001_connector_tables"
branch_labels = None
depends_on = None

OPEN_SQL = "status IN ('waiting', 'claimed')"


def upgrade() -> None:
    """Create the case store's tables (``bot/cases/tables.py``) and the counter row."""
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("countries", sa.Text, nullable=False),
        sa.Column("languages", sa.Text, nullable=False),
        sa.Column("office_hours", sa.Text, nullable=True),
        sa.Column("is_default", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    default = sa.column("is_default", sa.Boolean).is_(True)
    op.create_index(
        "uq_organisations_default",
        "organisations",
        ["is_default"],
        unique=True,
        sqlite_where=default,
        postgresql_where=default,
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ref", sa.String(32), nullable=False, unique=True),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("city", sa.String(120), nullable=True),
        sa.Column("problem", sa.String(64), nullable=True),
        sa.Column("risk", sa.String(8), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("assignee_id", sa.Integer, nullable=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("consent_version", sa.String(32), nullable=False),
        sa.Column("consent_at", sa.Float, nullable=False),
        sa.Column("summary", sa.Text, nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("claimed_at", sa.Float, nullable=True),
        sa.Column("first_reply_at", sa.Float, nullable=True),
        sa.Column("last_reply_at", sa.Float, nullable=True),
        sa.Column("closed_at", sa.Float, nullable=True),
        sa.Column("closed_reason", sa.String(16), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_cases_queue", "cases", ["organisation_id", "status", "created_at"])
    op.create_index("ix_cases_org_version", "cases", ["organisation_id", "version"])
    op.create_index("ix_cases_conversation", "cases", ["conversation_id"])
    op.create_index(
        "uq_cases_open_conversation",
        "cases",
        ["conversation_id"],
        unique=True,
        sqlite_where=sa.text(OPEN_SQL),
        postgresql_where=sa.text(OPEN_SQL),
    )
    op.create_table(
        "case_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("author", sa.String(12), nullable=False),
        sa.Column("staff_id", sa.Integer, nullable=True),
        sa.Column("body", sa.Text, nullable=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("delivery_status", sa.String(8), nullable=True),
        sa.Column("source_key", sa.String(64), nullable=True),
        sa.UniqueConstraint("case_id", "source_key", name="uq_case_messages_source"),
    )
    op.create_index("ix_case_messages_case", "case_messages", ["case_id", "id"])
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("staff_id", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=True),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_case_notes_case", "case_notes", ["case_id", "id"])
    op.create_table(
        "case_referrals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("entry_id", sa.String(120), nullable=False),
        sa.Column("staff_id", sa.Integer, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_case_referrals_case", "case_referrals", ["case_id", "id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("message_id", sa.Integer, nullable=True),
        sa.Column("client_token", sa.String(64), nullable=True),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("body", sa.Text, nullable=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.Float, nullable=False),
        sa.Column("lease_until", sa.Float, nullable=True),
        sa.Column("owner", sa.String(128), nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("sent_at", sa.Float, nullable=True),
        sa.Column("last_error", sa.String(32), nullable=True),
        sa.UniqueConstraint("case_id", "client_token", name="uq_outbox_client_token"),
    )
    op.create_index("ix_outbox_due", "outbox", ["channel", "status", "next_attempt_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("case_id", sa.Integer, nullable=True),
        sa.Column("organisation_id", sa.Integer, nullable=True),
        sa.Column("outcome", sa.String(8), nullable=False),
    )
    op.create_index("ix_audit_log_case", "audit_log", ["case_id", "id"])
    op.create_index("ix_audit_log_org", "audit_log", ["organisation_id", "id"])
    op.create_table(
        "case_changes",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("organisation_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_case_changes_org_version", "case_changes", ["organisation_id", "version"])
    counter = op.create_table(
        "case_counter",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.bulk_insert(counter, [{"id": 1, "version": 0}])


def downgrade() -> None:
    """Drop the case store's tables, dependants first."""
    op.drop_table("case_counter")
    op.drop_index("ix_case_changes_org_version", table_name="case_changes")
    op.drop_table("case_changes")
    op.drop_index("ix_audit_log_org", table_name="audit_log")
    op.drop_index("ix_audit_log_case", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_case_referrals_case", table_name="case_referrals")
    op.drop_table("case_referrals")
    op.drop_index("ix_case_notes_case", table_name="case_notes")
    op.drop_table("case_notes")
    op.drop_index("ix_case_messages_case", table_name="case_messages")
    op.drop_table("case_messages")
    op.drop_index("uq_cases_open_conversation", table_name="cases")
    op.drop_index("ix_cases_conversation", table_name="cases")
    op.drop_index("ix_cases_org_version", table_name="cases")
    op.drop_index("ix_cases_queue", table_name="cases")
    op.drop_table("cases")
    op.drop_index("uq_organisations_default", table_name="organisations")
    op.drop_table("organisations")
