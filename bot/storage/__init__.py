"""Lentera's own database: engine, tables, inbox, address book, payload tokens.

May import ``bot.security`` and ``bot.settings``; never a channel.
"""
