"""The tables of Lentera's database, on the one :data:`metadata`.

One database (``LENTERA_DATABASE_URL``, default ``sqlite:///var/lentera.db``) holds the
connectors' durable state, and the case store and console tables once those exist. The same
code runs on SQLite and PostgreSQL: no dialect-specific SQL, uniqueness enforced by
constraints so concurrent processes stay correct.

The schema itself is made by the Alembic revisions in ``bot/storage/migrations/versions/``;
a table added here needs a revision too (``tests/bot/storage/test_migrate.py`` compares
the migrated database with :func:`all_metadata`). Other packages define their tables in their
own ``tables`` module on this same ``metadata``.
"""

from __future__ import annotations

import importlib
import importlib.util

import sqlalchemy as sa

metadata = sa.MetaData()

# Modules that add their tables to ``metadata``, imported by ``all_metadata`` when present.
TABLE_MODULES = ("bot.cases.tables", "bot.console.tables", "bot.privacy.tables")

# Inbound deliveries: dedup key + encrypted payload until processed (the "inbox").
inbox_table = sa.Table(
    "channel_inbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("dedup_key", sa.String(64), nullable=False),
    sa.Column("sender_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("payload", sa.Text, nullable=True),
    sa.Column("received_at", sa.Float, nullable=False),
    sa.Column("next_attempt_at", sa.Float, nullable=False),
    sa.Column("lease_until", sa.Float, nullable=True),
    sa.Column("owner", sa.String(128), nullable=True),
    sa.Column("finished_at", sa.Float, nullable=True),
    # Revision 0008: replies of this message's turn the platform accepted; a turn run again
    # after a crash skips them, so nobody gets the same answer twice.
    sa.Column("replies_sent", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("channel", "dedup_key", name="uq_channel_inbox_delivery"),
    sa.Index("ix_channel_inbox_status_next", "status", "next_attempt_at"),
    sa.Index("ix_channel_inbox_received", "received_at"),
    # Revision 0007: one person's earlier messages first (Inbox.waits_for_earlier).
    sa.Index("ix_channel_inbox_sender", "sender_id", "id"),
)

# Pseudonym -> encrypted platform address, plus per-user channel state.
address_table = sa.Table(
    "channel_address",
    metadata,
    sa.Column("sender_id", sa.String(64), primary_key=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("language", sa.String(8), nullable=True),
    sa.Column("last_inbound_at", sa.Float, nullable=True),
    # Encrypted JSON payloads of the last numbered list sent, valid until choices_expire_at.
    sa.Column("choices", sa.Text, nullable=True),
    sa.Column("choices_expire_at", sa.Float, nullable=True),
    sa.Column("updated_at", sa.Float, nullable=False),
)

# Short tokens standing for button payloads that exceed a platform's id limit.
callback_table = sa.Table(
    "channel_callback",
    metadata,
    sa.Column("token", sa.String(32), primary_key=True),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)


def _present(module: str) -> bool:
    """Whether ``module`` can be imported, without importing it (nor failing on a parent)."""
    parent = module.rpartition(".")[0]
    if parent and not _present(parent):
        return False
    return importlib.util.find_spec(module) is not None


def all_metadata() -> sa.MetaData:
    """Return :data:`metadata` with every table module of :data:`TABLE_MODULES` imported.

    A module that exists but fails to import raises: only an absent package is skipped.
    """
    for module in TABLE_MODULES:
        if _present(module):
            importlib.import_module(module)
    return metadata
