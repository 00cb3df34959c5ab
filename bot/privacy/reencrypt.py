"""``python -m bot.privacy reencrypt``: every encrypted value moved to the newest key.

Keys rotate by prepending a new one to ``LENTERA_ENCRYPTION_KEYS``: new rows use it at once,
old rows stay readable with the old key until this run re-encrypts them; then the old key can
be dropped. Values that are not Fernet tokens (plain JSON tracker rows written before
encryption) are encrypted. Runs in batches; safe to run again.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.cases.tables import case_messages, case_notes, cases, outbox
from bot.privacy.retention import TRACKER_EVENTS
from bot.security.encryption import Cipher
from bot.storage.tables import address_table, inbox_table

# (table, key column, encrypted columns) in Lentera's database.
ENCRYPTED = (
    (cases, "id", ("summary",)),
    (case_messages, "id", ("body",)),
    (case_notes, "id", ("body",)),
    (outbox, "id", ("body",)),
    (inbox_table, "id", ("payload",)),
    (address_table, "sender_id", ("address", "choices")),
)
BATCH = 500


def _moved(cipher: Cipher, value: str, plain_json: bool) -> str:
    if plain_json and value.lstrip().startswith("{"):
        return cipher.encrypt(value)  # written before the tracker store encrypted
    return cipher.rotate(value)


def _reencrypt_table(
    engine: Engine, table: sa.TableClause, key: str, columns: tuple[str, ...], cipher: Cipher
) -> int:
    plain_json = table.name == TRACKER_EVENTS.name
    done = 0
    last = None
    while True:
        with engine.begin() as conn:
            query = sa.select(table.c[key], *(table.c[c] for c in columns)).order_by(table.c[key])
            if last is not None:
                query = query.where(table.c[key] > last)
            rows = conn.execute(query.limit(BATCH)).all()
            for row in rows:
                values = {
                    column: _moved(cipher, value, plain_json)
                    for column, value in zip(columns, row[1:], strict=True)
                    if value
                }
                if values:
                    conn.execute(sa.update(table).where(table.c[key] == row[0]).values(**values))
                    done += 1
        if len(rows) < BATCH:
            return done
        last = rows[-1][0]


def reencrypt(engine: Engine, tracker: Engine | None, cipher: Cipher) -> dict[str, int]:
    """Re-encrypt every encrypted value; rows changed per table."""
    counts = {
        table.name: _reencrypt_table(engine, table, key, columns, cipher)
        for table, key, columns in ENCRYPTED
    }
    if tracker is not None and sa.inspect(tracker).has_table(TRACKER_EVENTS.name):
        counts[TRACKER_EVENTS.name] = _reencrypt_table(
            tracker, TRACKER_EVENTS, "id", ("data",), cipher
        )
    return counts
