"""`python -m actions [--port N]`: the action server, with the referral search loaded first.

Loading the embedding model and the index before the server listens keeps the first
referral as fast as the others (otherwise it waits 5-10 s for the model).
"""

from __future__ import annotations

import argparse
import logging
import os

from rasa_sdk.endpoint import run

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
    run("actions", port=args.port)


if __name__ == "__main__":
    main()
