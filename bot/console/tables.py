"""The console's tables, on the shared :data:`bot.storage.tables.metadata`.

Created by the Alembic revision ``0003_console``. Times are Unix seconds (floats), like the
other tables. A session row is keyed by the SHA-256 of its cookie token, so a copy of the
database does not hold a usable cookie; the password hash is argon2id's encoded string.
"""

from __future__ import annotations

import sqlalchemy as sa

from bot.storage.tables import metadata

ROLES = ("caseworker", "supervisor", "admin")

staff = sa.Table(
    "staff",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("email", sa.String(254), nullable=False, unique=True),  # stored lower-case
    sa.Column("role", sa.String(12), nullable=False),  # caseworker | supervisor | admin
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("failed_logins", sa.Integer, nullable=False, default=0),
    sa.Column("first_failed_at", sa.Float, nullable=True),  # start of the failure window
    sa.Column("locked_until", sa.Float, nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Index("ix_staff_organisation", "organisation_id"),
)

console_sessions = sa.Table(
    "console_sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # hex SHA-256 of the cookie token
    sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_seen_at", sa.Float, nullable=False),
    sa.Column("revoked_at", sa.Float, nullable=True),
    sa.Index("ix_console_sessions_staff", "staff_id"),
)

canned_replies = sa.Table(
    "canned_replies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("title", sa.String(120), nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # the organisation's own words, not a person's
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Index("ix_canned_replies_org_language", "organisation_id", "language"),
)
