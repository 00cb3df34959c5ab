"""Safe contact: may a caseworker write first, and in which hours (bot/cases/tables.py).

Revision ID: 0006_safe_contact
Revises: 0005_storage_consent
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0006_safe_contact"
down_revision = "0005_storage_consent"
branch_labels = None
depends_on = None


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("contact_ok", sa.Boolean, nullable=True),
        sa.Column("contact_from", sa.String(5), nullable=True),  # HH:MM
        sa.Column("contact_until", sa.String(5), nullable=True),  # HH:MM, 24:00 = midnight
        sa.Column("contact_at", sa.Float, nullable=True),
    ]


def _schema() -> str | None:
    # ALTER TABLE is not rewritten by the engine's schema_translate_map as CREATE TABLE is:
    # name the schema bot/storage/migrate.py migrates (None: the default one).
    schema = context.config.attributes.get("schema")
    return str(schema) if schema else None


def upgrade() -> None:
    """Add the nullable safe-contact columns to ``cases`` (NULL: not answered, so no)."""
    for column in _columns():
        op.add_column("cases", column, schema=_schema())


def downgrade() -> None:
    """Drop them again."""
    for column in reversed(_columns()):
        op.drop_column("cases", column.name, schema=_schema())
