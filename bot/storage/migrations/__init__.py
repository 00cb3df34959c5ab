"""Alembic revisions of Lentera's database; run them through :mod:`bot.storage.migrate`."""
