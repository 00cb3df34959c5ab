"""Rasa's endpoints.yml from the settings: SQL tracker store, Redis locks only when configured."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.stack.endpoints import DEFAULT_TRACKER_STORE, TRACKER_STORE_TYPE, write_endpoints
from bot.stack.paths import VAR

ACTIONS = "http://127.0.0.1:5055/webhook"


def written(path: Path, **settings) -> dict:
    out = write_endpoints(path, action_url=ACTIONS, **settings)
    assert out == path
    return yaml.safe_load(path.read_text())


def test_without_urls_the_tracker_store_is_sqlite_under_var_and_no_lock_store(tmp_path):
    config = written(tmp_path / "endpoints.yml", tracker_store_url=None, redis_url=None)
    # The domain is left out of action calls: action_turn never reads it.
    assert config["action_endpoint"] == {"url": ACTIONS, "enable_selective_domain": True}
    store = config["tracker_store"]
    assert (store["type"], store["dialect"]) == (TRACKER_STORE_TYPE, "sqlite")
    assert Path(store["db"]) == VAR / "tracker.db"
    assert DEFAULT_TRACKER_STORE.endswith(store["db"])
    assert "lock_store" not in config


def test_a_sqlite_url_names_its_file(tmp_path):
    config = written(
        tmp_path / "endpoints.yml", tracker_store_url="sqlite:////srv/t.db", redis_url=None
    )
    assert config["tracker_store"] == {
        "type": TRACKER_STORE_TYPE,
        "dialect": "sqlite",
        "db": "/srv/t.db",
    }


def test_a_postgres_url_is_split_into_rasas_fields(tmp_path):
    url = "postgresql+psycopg2://rasa:s3cret@db.internal:6543/tracker"
    config = written(tmp_path / "endpoints.yml", tracker_store_url=url, redis_url=None)
    assert config["tracker_store"] == {
        "type": TRACKER_STORE_TYPE,
        "dialect": "postgresql",  # the driver is Rasa's business
        "url": "db.internal",
        "port": 6543,
        "db": "tracker",
        "username": "rasa",
        "password": "s3cret",
    }


def test_postgres_without_a_port_gets_the_default(tmp_path):
    url = "postgresql://rasa@db/tracker"
    config = written(tmp_path / "endpoints.yml", tracker_store_url=url, redis_url=None)
    assert config["tracker_store"]["port"] == 5432
    assert config["tracker_store"]["password"] is None


def test_a_redis_url_adds_the_lock_store(tmp_path):
    config = written(
        tmp_path / "endpoints.yml",
        tracker_store_url=None,
        redis_url="redis://:pw@cache:6380/2",
    )
    assert config["lock_store"] == {
        "type": "redis",
        "url": "cache",
        "port": 6380,
        "db": 2,
        "password": "pw",
        "key_prefix": "lentera",
    }


def test_redis_defaults_to_port_6379_and_database_0(tmp_path):
    config = written(tmp_path / "endpoints.yml", tracker_store_url=None, redis_url="redis://cache")
    assert (config["lock_store"]["port"], config["lock_store"]["db"]) == (6379, 0)


def test_the_folder_is_made_and_a_second_write_replaces_the_file(tmp_path):
    path = tmp_path / "var" / "run" / "endpoints.yml"
    written(path, tracker_store_url=None, redis_url="redis://cache")
    config = written(path, tracker_store_url=None, redis_url=None)
    assert "lock_store" not in config
