"""Key rotation: after a new key is prepended, `reencrypt` moves every row to it, so the old
key can be dropped. On SQLite and PostgreSQL (Lentera's database) with a SQL tracker store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from cryptography.fernet import Fernet

from bot.cases import CaseStore
from bot.cases.tables import case_messages, cases
from bot.privacy.reencrypt import ENCRYPTED, reencrypt
from bot.security.encryption import Cipher, InvalidToken
from bot.storage.address_book import AddressBook
from bot.storage.engine import create_engine
from bot.storage.tables import address_table

ROOT = Path(__file__).resolve().parents[3]


def tracker_with_rows(path: Path, cipher: Cipher) -> sa.engine.Engine:
    tracker = sa.create_engine(f"sqlite:///{path}", future=True)
    with tracker.begin() as conn:
        conn.execute(
            sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)")
        )
        old = json.dumps({"event": "user", "text": "halo"})
        conn.execute(sa.text("INSERT INTO events (sender_id, data) VALUES ('p', :d)"), {"d": old})
        conn.execute(
            sa.text("INSERT INTO events (sender_id, data) VALUES ('p', :d)"),
            {"d": cipher.encrypt(json.dumps({"event": "bot", "text": "hai"}))},
        )
    return tracker


def every_value(engine: sa.engine.Engine) -> list[str]:
    found: list[str] = []
    with engine.connect() as conn:
        for table, _key, columns in ENCRYPTED:
            for row in conn.execute(sa.select(*(table.c[c] for c in columns))):
                found += [v for v in row if v]
    return found


def test_rows_move_to_the_newest_key_and_the_old_key_can_go(database, tmp_path):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    engine = create_engine(database.url, schema=database.schema)
    before = Cipher([old_key])
    store = CaseStore(engine, before)
    store.create_organisation("Lentera", (), default=True)
    store.open_case(
        conversation_id="p",
        channel="telegram",
        language="id",
        country="HK",
        city=None,
        problem="abuse",
        risk="normal",
        consent_version="v1",
        consent_at=1.0,
        summary="problem: abuse",
        transcript=[("person", "majikan memukul saya", 1.0)],
    )
    with engine.begin() as conn:
        AddressBook(engine, before).upsert_in(
            conn,
            sender_id="p",
            channel="telegram",
            address="123456789",
            language="id",
            inbound_at=1.0,
        )
    tracker = tracker_with_rows(tmp_path / "tracker.db", before)

    rotated = Cipher([new_key, old_key])
    counts = reencrypt(engine, tracker, rotated)
    assert counts[cases.name] == 1 and counts[case_messages.name] >= 1
    assert counts[address_table.name] == 1 and counts["events"] == 2

    only_new = Cipher([new_key])
    values = every_value(engine)
    assert values and all(only_new.decrypt(v) for v in values)
    with tracker.connect() as conn:
        datas = conn.execute(sa.text("SELECT data FROM events ORDER BY id")).scalars().all()
    assert [json.loads(only_new.decrypt(d))["text"] for d in datas] == ["halo", "hai"]
    try:
        Cipher([old_key]).decrypt(values[0])
        raise AssertionError("the old key still reads a rotated row")
    except InvalidToken:
        pass
    assert reencrypt(engine, tracker, rotated)[cases.name] == 1  # again: harmless
    engine.dispose()


def test_the_command_reports_counts(tmp_path):
    key = Fernet.generate_key().decode()
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "LENTERA_DATABASE_URL": f"sqlite:///{tmp_path / 'lentera.db'}",
        "LENTERA_TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "LENTERA_ENCRYPTION_KEYS": f"{Fernet.generate_key().decode()},{key}",
    }
    tracker_with_rows(tmp_path / "tracker.db", Cipher([key])).dispose()
    done = subprocess.run(
        [sys.executable, "-m", "bot.privacy", "reencrypt"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "events 2" in done.stdout and "cases 0" in done.stdout
