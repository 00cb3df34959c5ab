"""Alembic environment: migrate the connection :mod:`bot.storage.migrate` hands in.

There is no ``alembic.ini`` and no URL here: :func:`bot.storage.migrate.upgrade` opens the
connection (with the schema translation and the migration lock) and passes it in
``config.attributes``, with the schema that also holds the ``alembic_version`` table.
"""

from __future__ import annotations

from alembic import context

from bot.storage.tables import all_metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `python -m bot.storage upgrade`, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=all_metadata(),
    version_table_schema=config.attributes.get("schema"),
)
with context.begin_transaction():
    context.run_migrations()
