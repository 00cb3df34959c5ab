"""``python -m bot.privacy purge [--now 2026-12-01T00:00:00Z]``: one retention run, counts out.

Exit 0 on success, 2 on bad arguments, 1 on any other failure (one line on stderr).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence

from bot.cases import CaseStore
from bot.privacy.retention import Retention, purge, tracker_engine_from_env
from bot.security.encryption import Cipher
from bot.settings import load_console_settings
from bot.storage.engine import create_engine


def _when(text: str) -> float:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bot.privacy")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("purge", help="erase what is past its retention")
    run.add_argument("--now", type=_when, default=None, help="ISO time to purge as of")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    try:
        settings = load_console_settings()
        engine = create_engine(settings.database_url)
        store = CaseStore(engine, Cipher(settings.encryption_keys))
        done = purge(
            store, engine, tracker_engine_from_env(), Retention.from_env(), args.now or time.time()
        )
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback with data
        print(f"purge failed: {type(exc).__name__}: {exc}".splitlines()[0], file=sys.stderr)
        return 1
    print(f"cases {done.cases}, conversations {done.conversations}, events {done.events}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
