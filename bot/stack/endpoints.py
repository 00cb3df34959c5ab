"""Render Rasa's endpoints.yml from the settings (tracker store, lock store, action server)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import yaml

from bot.stack.paths import VAR

DEFAULT_TRACKER_STORE = f"sqlite:///{VAR / 'tracker.db'}"
# Rasa's SQL tracker store that encrypts and keeps no words without consent.
TRACKER_STORE_TYPE = "bot.storage.tracker_store.LenteraTrackerStore"


def endpoints_config(
    *, action_url: str, tracker_store_url: str | None, redis_url: str | None
) -> dict:
    """Rasa's endpoints as a dict: Lentera's tracker store (SQLite by default), Redis locks."""
    url = tracker_store_url or DEFAULT_TRACKER_STORE
    # action_turn never reads the domain: Rasa then leaves it out of every action call
    # (building and sending it was half of Rasa's CPU time per turn, docs/benchmarks.md).
    config: dict = {"action_endpoint": {"url": action_url, "enable_selective_domain": True}}
    if url.startswith("sqlite"):
        config["tracker_store"] = {
            "type": TRACKER_STORE_TYPE,
            "dialect": "sqlite",
            "db": url.split(":///", 1)[1],
        }
    else:
        parsed = urlparse(url)
        config["tracker_store"] = {
            "type": TRACKER_STORE_TYPE,
            "dialect": parsed.scheme.split("+")[0],
            "url": parsed.hostname,
            "port": parsed.port or 5432,
            "db": parsed.path.lstrip("/"),
            "username": parsed.username,
            "password": parsed.password,
        }
    if redis_url:
        parsed = urlparse(redis_url)
        config["lock_store"] = {
            "type": "redis",
            "url": parsed.hostname,
            "port": parsed.port or 6379,
            "db": int(parsed.path.lstrip("/") or 0),
            "password": parsed.password,
            "key_prefix": "lentera",
        }
    return config


def write_endpoints(
    path: Path, *, action_url: str, tracker_store_url: str | None, redis_url: str | None
) -> Path:
    """Write the endpoints file and return its path."""
    config = endpoints_config(
        action_url=action_url, tracker_store_url=tracker_store_url, redis_url=redis_url
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path
