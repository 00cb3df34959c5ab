"""`python -m bot.stack train|run|shell`: what `make train`, `make run` and `make shell` do."""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys

from bot.stack.endpoints import write_endpoints
from bot.stack.model import ensure_model
from bot.stack.paths import BIN, ROOT, VAR
from bot.stack.secrets import local_secrets

RASA_PORT = int(os.environ.get("LENTERA_RASA_PORT", "5005"))
ACTIONS_PORT = int(os.environ.get("LENTERA_ACTIONS_PORT", "5055"))


def _stack_env() -> dict[str, str]:
    model = ensure_model()
    endpoints = write_endpoints(
        VAR / "endpoints.yml",
        action_url=f"http://localhost:{ACTIONS_PORT}/webhook",
        tracker_store_url=os.environ.get("LENTERA_TRACKER_STORE_URL"),
        redis_url=os.environ.get("LENTERA_REDIS_URL"),
    )
    return {
        **os.environ,
        **local_secrets(),
        "LENTERA_BIN": str(BIN),
        "LENTERA_MODEL": str(model),
        "LENTERA_ENDPOINTS": str(endpoints),
        "LENTERA_RASA_PORT": str(RASA_PORT),
        "LENTERA_ACTIONS_PORT": str(ACTIONS_PORT),
    }


def run() -> None:
    """Start Rasa and the action server under honcho; Ctrl-C stops both."""
    env = _stack_env()
    print(
        f"""
Lentera is starting (first start loads the model, about 30 s).
  Chat (REST):  curl -s localhost:{RASA_PORT}/webhooks/rest/webhook \\
                  -H 'Content-Type: application/json' -d '{{"sender": "me", "message": "halo"}}'
  Chat (terminal): make shell
  HTTP API token: {env["LENTERA_API_TOKEN"]}   (kept in var/secrets.env)
  Telegram/WhatsApp: set their variables (README, Configuration) and restart.
  Stop: Ctrl-C
""",
        flush=True,
    )
    os.chdir(ROOT)
    os.execve(
        str(BIN / "honcho"),
        [str(BIN / "honcho"), "start", "-f", "bot/stack/Procfile", "-d", str(ROOT)],
        env,
    )


def shell() -> None:
    """Chat in the terminal; the action server runs in the background until the chat ends."""
    env = _stack_env()
    actions = subprocess.Popen(
        [str(BIN / "python"), "-m", "actions", "--port", str(ACTIONS_PORT)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        subprocess.run(
            [
                str(BIN / "rasa"),
                "shell",
                "--model",
                env["LENTERA_MODEL"],
                "--endpoints",
                env["LENTERA_ENDPOINTS"],
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
    finally:
        actions.terminate()
        actions.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    """Parse the command and run it."""
    parser = argparse.ArgumentParser(prog="python -m bot.stack")
    parser.add_argument("command", choices=["train", "run", "shell"])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.command == "train":
        print(ensure_model())
    elif args.command == "run":
        run()
    else:
        shell()
    return 0


if __name__ == "__main__":
    sys.exit(main())
