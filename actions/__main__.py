"""`python -m actions [--port N]`: the action server, with the referral search loaded first.

Loading the embedding model and the index before the server listens keeps the first
referral as fast as the others (otherwise it waits 5-10 s for the model). The server has no
authentication, so it listens on 127.0.0.1 unless ``SANIC_HOST`` says otherwise. Besides
rasa-sdk's ``/health`` (the process is up) it answers ``/ready``: the search is loaded and
Lentera's database answers (503 and what failed otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os

import sqlalchemy as sa
from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.case_desk import lentera_database
from actions.contacts import directory
from bot.settings import DEFAULT_ACTIONS_PORT
from knowledge_base.search import get_engine


def main(argv: list[str] | None = None) -> None:
    """Warm up the search, then serve the actions."""
    parser = argparse.ArgumentParser(prog="python -m actions")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("LENTERA_ACTIONS_PORT", DEFAULT_ACTIONS_PORT)),
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s"
    )
    get_engine(directory()).warm_up()
    app = create_app("actions")
    app.add_route(ready, "/ready", methods=["GET"])
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    logging.getLogger(__name__).info("Action server on http://%s:%s", host, args.port)
    app.run(host, args.port, workers=utils.number_of_sanic_workers())


def database_answers() -> bool:
    """True when Lentera's database answers (or none is configured: nothing to reach)."""
    found = lentera_database()
    if found is None:
        return True
    with found[0].connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    return True


async def ready(_request: Request) -> HTTPResponse:
    """``GET /ready``: 200 when the actions can answer, 503 with the failed check."""
    try:
        await asyncio.to_thread(database_answers)
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return response.json({"ready": False, "failed": {"database": type(exc).__name__}}, 503)
    return response.json({"ready": True})


if __name__ == "__main__":
    main()
