"""``python -m bot.privacy purge [--now ISO] | reencrypt | forget PSEUDONYM``.

``purge`` is one retention run (counts out); ``reencrypt`` moves every encrypted value to the
newest key of ``LENTERA_ENCRYPTION_KEYS``; ``forget`` is the operator-side erasure, the same
as the person's own "delete my data": Lentera's stores and the SQL tracker store.

Exit 0 on success, 2 on bad arguments, 1 on any other failure (one line on stderr).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence

import sqlalchemy as sa

from bot.cases import CaseStore
from bot.privacy.consent import Consents
from bot.privacy.erasure import done, erase_stores
from bot.privacy.reencrypt import reencrypt
from bot.privacy.retention import (
    Retention,
    erase_tracker_events,
    purge,
    tracker_engine_from_env,
)
from bot.privacy.sent_log import SentLog
from bot.security.encryption import Cipher
from bot.settings import load_console_settings
from bot.storage.address_book import AddressBook
from bot.storage.engine import create_engine
from bot.storage.inbox import Inbox


def _when(text: str) -> float:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def forget_everywhere(
    pseudonym: str, engine: sa.engine.Engine, cipher: Cipher, tracker: sa.engine.Engine
) -> int:
    """Erase one person from every store; the number of tracker events deleted."""
    erase_stores(
        pseudonym,
        cases=CaseStore(engine, cipher),
        addresses=AddressBook(engine, cipher),
        inbox=Inbox(engine, cipher),
        sent=SentLog(engine),
        consents=Consents(engine),
    )
    erased = erase_tracker_events(tracker, pseudonym)
    done(engine, pseudonym)
    return erased


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bot.privacy")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("purge", help="erase what is past its retention")
    run.add_argument("--now", type=_when, default=None, help="ISO time to purge as of")
    commands.add_parser("reencrypt", help="re-encrypt every row with the newest key")
    forget = commands.add_parser("forget", help="erase one person, as on their own request")
    forget.add_argument("pseudonym", help="the sender id shown in Rasa (never a phone number)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    try:
        settings = load_console_settings()
        engine = create_engine(settings.database_url)
        cipher = Cipher(settings.encryption_keys)
        store = CaseStore(engine, cipher)
        if args.command == "reencrypt":
            counts = reencrypt(engine, tracker_engine_from_env(), cipher)
            print(", ".join(f"{name} {count}" for name, count in counts.items()))
            return 0
        if args.command == "forget":
            events = forget_everywhere(args.pseudonym, engine, cipher, tracker_engine_from_env())
            print(f"erased; tracker events {events}")
            return 0
        done = purge(
            store, engine, tracker_engine_from_env(), Retention.from_env(), args.now or time.time()
        )
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback with data
        print(
            f"{args.command} failed: {type(exc).__name__}: {exc}".splitlines()[0], file=sys.stderr
        )
        return 1
    print(f"cases {done.cases}, conversations {done.conversations}, events {done.events}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
