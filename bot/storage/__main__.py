"""`python -m bot.storage upgrade|current|check`: migrate or inspect Lentera's database.

The URL is ``LENTERA_DATABASE_URL`` (default ``sqlite:///var/lentera.db``) unless ``--url`` is
given. Exit 0 on success; 1 with one line on stderr when the command fails, the database is
not at head (``current``) or differs from the table definitions (``check``).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from bot.storage.engine import create_engine
from bot.storage.migrate import current, differences, head, upgrade

DEFAULT_URL = "sqlite:///var/lentera.db"


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bot.storage", description=__doc__)
    parser.add_argument("command", choices=["upgrade", "current", "check"])
    parser.add_argument("--url", default=os.environ.get("LENTERA_DATABASE_URL") or DEFAULT_URL)
    parser.add_argument("--schema", default=None, help="schema holding the tables (tests)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        engine = create_engine(args.url, schema=args.schema, create_tables=False)
        try:
            if args.command == "upgrade":
                upgrade(engine, schema=args.schema)
                print(current(engine, schema=args.schema))
                return 0
            if args.command == "current":
                revision, newest = current(engine, schema=args.schema), head()
                print(revision or "none")
                if revision != newest:
                    print(
                        f"database is at {revision or 'no revision'}, head is {newest}",
                        file=sys.stderr,
                    )
                    return 1
                return 0
            diffs = differences(engine, schema=args.schema)
            if diffs:
                print(f"database differs from the tables: {diffs}", file=sys.stderr)
                return 1
            return 0
        finally:
            engine.dispose()
    except Exception as exc:  # one line for the operator, whatever went wrong
        message = " ".join(str(exc).split())
        print(
            f"bot.storage {args.command} failed: {type(exc).__name__}: {message}", file=sys.stderr
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
