"""Alembic revisions on a fresh SQLite file and a fresh PostgreSQL schema."""

from __future__ import annotations

import os
import subprocess
import sys

import sqlalchemy as sa

from bot.storage.engine import create_engine
from bot.storage.migrate import current, differences, downgrade, head, upgrade
from bot.storage.tables import (
    address_table,
    all_metadata,
    callback_table,
    inbox_table,
    metadata,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
CONNECTOR_TABLES = {"channel_inbox", "channel_address", "channel_callback"}


def _tables(engine, schema) -> set[str]:
    with engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names(schema=schema))


def _cli(database, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "bot.storage", *args, "--url", database.url]
    if database.schema:
        command += ["--schema", database.schema]
    env = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)


def test_upgrade_creates_the_tables_at_head_and_matches_the_metadata(database):
    engine = create_engine(database.url, schema=database.schema)
    assert current(engine, schema=database.schema) == head()
    assert CONNECTOR_TABLES | {"alembic_version"} <= _tables(engine, database.schema)
    assert set(all_metadata().tables) <= _tables(engine, database.schema)
    assert differences(engine, schema=database.schema) == []


def test_second_upgrade_changes_nothing(database):
    engine = create_engine(database.url, schema=database.schema)
    statements: list[str] = []
    sa.event.listen(
        engine.engine, "before_cursor_execute", lambda *a: statements.append(a[2].split()[0])
    )
    upgrade(engine, schema=database.schema)
    create_engine(database.url, schema=database.schema).dispose()
    writes = [s for s in statements if s.upper() in {"CREATE", "ALTER", "DROP", "INSERT", "UPDATE"}]
    assert writes == []
    assert current(engine, schema=database.schema) == head()


def test_downgrade_to_base_and_back(database):
    engine = create_engine(database.url, schema=database.schema)
    downgrade(engine, revision="base", schema=database.schema)
    assert current(engine, schema=database.schema) is None
    assert _tables(engine, database.schema) - {"alembic_version"} == set()
    upgrade(engine, schema=database.schema)
    assert current(engine, schema=database.schema) == head()
    assert differences(engine, schema=database.schema) == []


def test_concurrent_processes_migrate_once(database):
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.storage", "upgrade", "--url", database.url]
            + (["--schema", database.schema] if database.schema else []),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": ROOT},
            cwd=ROOT,
        )
        for _ in range(3)
    ]
    results = [(p.wait(timeout=60), p.stdout.read(), p.stderr.read()) for p in processes]
    assert [code for code, _, _ in results] == [0, 0, 0], results
    assert {out.strip() for _, out, _ in results} == {head()}


def test_cli_current_fails_before_upgrade_then_succeeds(database):
    before = _cli(database, "current")
    assert before.returncode == 1
    assert len(before.stderr.strip().splitlines()) == 1
    assert _cli(database, "upgrade").returncode == 0
    after = _cli(database, "current")
    assert (after.returncode, after.stdout.strip()) == (0, head())
    engine = create_engine(database.url, schema=database.schema, create_tables=False)
    in_step = differences(engine, schema=database.schema) == []
    assert (_cli(database, "check").returncode == 0) == in_step


def test_cli_failure_is_one_line_on_stderr(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.storage",
            "upgrade",
            "--url",
            "postgresql://nobody@127.0.0.1:1/x",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": ROOT},
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_database_made_by_create_all_is_adopted_with_its_data(sqlite_db):
    # As the connectors made it before migrations: the three tables, no choices expiry.
    engine = create_engine(sqlite_db.url, create_tables=False)
    metadata.create_all(engine, tables=[inbox_table, address_table, callback_table])
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE channel_address DROP COLUMN choices_expire_at"))
        conn.execute(
            sa.insert(callback_table).values(token="t1", payload="/inform", created_at=1.0)
        )
    upgrade(engine)
    assert current(engine) == head()
    assert differences(engine) == []
    with engine.connect() as conn:
        assert conn.execute(sa.select(callback_table.c.payload)).scalar() == "/inform"
