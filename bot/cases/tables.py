"""Tables of the case store, on the shared :data:`bot.storage.tables.metadata`.

Created by the Alembic revision ``0002_case_store``; the safe-contact columns of ``cases`` by
``0006_safe_contact``. Times are Unix seconds (floats), like the
connector tables. Every column holding words a person or a caseworker wrote is encrypted
(``summary``, ``body``); the audit log and the change feed hold no content at all.
"""

from __future__ import annotations

import sqlalchemy as sa

from bot.storage.tables import metadata

WAITING, CLAIMED, CLOSED = "waiting", "claimed", "closed"
OPEN_STATUSES = (WAITING, CLAIMED)
OPEN_SQL = "status IN ('waiting', 'claimed')"

organisations = sa.Table(
    "organisations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("countries", sa.Text, nullable=False),  # JSON list of ISO2 codes
    sa.Column("languages", sa.Text, nullable=False),  # JSON list of language codes
    sa.Column("office_hours", sa.Text, nullable=True),  # JSON {"tz", "days", "start", "end"}
    sa.Column("is_default", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.Float, nullable=False),
)
# Exactly one default: a partial unique index, so two defaults cannot even be committed.
sa.Index(
    "uq_organisations_default",
    organisations.c.is_default,
    unique=True,
    sqlite_where=organisations.c.is_default.is_(True),
    postgresql_where=organisations.c.is_default.is_(True),
)

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(32), nullable=False, unique=True),  # random, used in URLs
    sa.Column("conversation_id", sa.String(64), nullable=False),  # the Rasa sender id
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("country", sa.String(2), nullable=True),
    sa.Column("city", sa.String(120), nullable=True),
    sa.Column("problem", sa.String(64), nullable=True),
    sa.Column("risk", sa.String(8), nullable=False),  # normal | urgent
    sa.Column("status", sa.String(8), nullable=False),  # waiting | claimed | closed
    sa.Column("assignee_id", sa.Integer, nullable=True),  # staff id (console)
    sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("consent_version", sa.String(32), nullable=False),
    sa.Column("consent_at", sa.Float, nullable=False),
    sa.Column("summary", sa.Text, nullable=True),  # encrypted
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("claimed_at", sa.Float, nullable=True),
    sa.Column("first_reply_at", sa.Float, nullable=True),
    sa.Column("last_reply_at", sa.Float, nullable=True),
    sa.Column("closed_at", sa.Float, nullable=True),
    sa.Column("closed_reason", sa.String(16), nullable=True),  # returned|closed|deleted|left
    sa.Column("version", sa.Integer, nullable=False, default=0),  # last change touching it
    # Safe contact (revision 0006_safe_contact): may a caseworker write first, and when, in
    # the person's local time. NULL: not answered, which means no.
    sa.Column("contact_ok", sa.Boolean, nullable=True),
    sa.Column("contact_from", sa.String(5), nullable=True),  # HH:MM
    sa.Column("contact_until", sa.String(5), nullable=True),  # HH:MM, 24:00 = midnight
    sa.Column("contact_at", sa.Float, nullable=True),
    sa.Index("ix_cases_queue", "organisation_id", "status", "created_at"),
    sa.Index("ix_cases_org_version", "organisation_id", "version"),
    sa.Index("ix_cases_conversation", "conversation_id"),
)
# Never two open cases for one conversation; also the index of the handoff check.
sa.Index(
    "uq_cases_open_conversation",
    cases.c.conversation_id,
    unique=True,
    sqlite_where=sa.text(OPEN_SQL),
    postgresql_where=sa.text(OPEN_SQL),
)

case_messages = sa.Table(
    "case_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("author", sa.String(12), nullable=False),  # person|assistant|caseworker|system
    sa.Column("staff_id", sa.Integer, nullable=True),
    sa.Column("body", sa.Text, nullable=True),  # encrypted; NULL once deleted
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("delivery_status", sa.String(8), nullable=True),  # queued|sent|failed|NULL
    sa.Column("source_key", sa.String(64), nullable=True),  # inbox dedup key: stored once
    sa.UniqueConstraint("case_id", "source_key", name="uq_case_messages_source"),
    sa.Index("ix_case_messages_case", "case_id", "id"),
)

case_notes = sa.Table(
    "case_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("staff_id", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=True),  # encrypted; NULL once deleted
    sa.Column("at", sa.Float, nullable=False),
    sa.Index("ix_case_notes_case", "case_id", "id"),
)

case_referrals = sa.Table(
    "case_referrals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("entry_id", sa.String(120), nullable=False),  # knowledge_base directory id
    sa.Column("staff_id", sa.Integer, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Index("ix_case_referrals_case", "case_id", "id"),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("message_id", sa.Integer, nullable=True),  # case_messages.id it delivers
    sa.Column("client_token", sa.String(64), nullable=True),  # a double click is one row
    sa.Column("conversation_id", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("body", sa.Text, nullable=True),  # encrypted; NULL once sent or failed
    sa.Column("status", sa.String(8), nullable=False),  # queued|sending|sent|failed
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.Float, nullable=False),
    sa.Column("lease_until", sa.Float, nullable=True),
    sa.Column("owner", sa.String(128), nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("sent_at", sa.Float, nullable=True),
    sa.Column("last_error", sa.String(32), nullable=True),  # short code, never content
    sa.UniqueConstraint("case_id", "client_token", name="uq_outbox_client_token"),
    sa.Index("ix_outbox_due", "channel", "status", "next_attempt_at"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("actor", sa.String(32), nullable=False),  # staff:12 | person | system
    sa.Column("action", sa.String(48), nullable=False),
    sa.Column("case_id", sa.Integer, nullable=True),  # no FK: the log outlives everything
    sa.Column("organisation_id", sa.Integer, nullable=True),
    sa.Column("outcome", sa.String(8), nullable=False),  # ok | denied
    sa.Index("ix_audit_log_case", "case_id", "id"),
    sa.Index("ix_audit_log_org", "organisation_id", "id"),
)

# The change feed a stateless console polls: one row per change, numbered by a counter row
# locked inside the changing transaction, so versions become visible in order.
case_changes = sa.Table(
    "case_changes",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("case_id", sa.Integer, nullable=False),
    sa.Column("organisation_id", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Index("ix_case_changes_org_version", "organisation_id", "version"),
)

case_counter = sa.Table(
    "case_counter",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.Integer, nullable=False),
)
