"""Scale-out stores: Rasa on a PostgreSQL tracker store and a Redis lock store.

Runs whenever LENTERA_TEST_POSTGRES_URL and LENTERA_TEST_REDIS_URL are set (CI sets them,
and LENTERA_REQUIRE_SERVICES=1 turns a missing URL into a failure). A fresh PostgreSQL schema
per run, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis
import sqlalchemy as sa

from devtools.stack import RasaStack, running_stack
from tests.helpers.services import service_url

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def scaled_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RasaStack, str, str]]:
    postgres_url, redis_url = (
        service_url("LENTERA_TEST_POSTGRES_URL"),
        service_url("LENTERA_TEST_REDIS_URL"),
    )
    schema = f"lentera_rasa_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        with running_stack(
            tmp_path_factory.mktemp("scaled"),
            {"POSTGRESQL_SCHEMA": schema},
            tracker_store_url=postgres_url,
            redis_url=redis_url,
        ) as stack:
            yield stack, schema, redis_url
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def test_conversation_is_stored_in_postgres_with_redis_locks(scaled_stack) -> None:
    stack, schema, redis_url = scaled_stack
    client = redis.Redis.from_url(redis_url)
    commands_before = client.info("stats")["total_commands_processed"]
    sender = uuid.uuid4().hex
    assert stack.rest(sender, "gaji sy blm dibayar 3 bulan")
    assert stack.rest(sender, "iya")
    reply = stack.rest(sender, "saya di kuala lumpur")
    assert reply
    engine = sa.create_engine(os.environ["LENTERA_TEST_POSTGRES_URL"])
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(f'SELECT type_name, data FROM "{schema}".events WHERE sender_id = :s'),
            {"s": sender},
        ).fetchall()
    engine.dispose()
    kinds = [row[0] for row in rows]
    # Lentera's tracker store on PostgreSQL: encrypted, and no words without consent.
    assert all("gaji" not in row[1] and not row[1].startswith("{") for row in rows)
    assert kinds.count("user") == 3
    assert "bot" in kinds
    # every turn took and released a conversation lock in Redis
    assert client.info("stats")["total_commands_processed"] - commands_before >= 6
    assert stack.tracker(sender)["slots"]["country"] == "MY"
