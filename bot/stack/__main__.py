"""`python -m bot.stack train|run|shell`: what `make train`, `make run` and `make shell` do."""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from bot.settings import DEFAULT_ACTIONS_PORT, DEFAULT_RASA_PORT, load_console_settings
from bot.stack import scale
from bot.stack.endpoints import write_endpoints
from bot.stack.model import ensure_model
from bot.stack.paths import BIN, ROOT, VAR
from bot.stack.readiness import ready_urls, wait_until_ready
from bot.stack.secrets import local_secrets
from bot.stack.supervisor import Supervisor

RASA_PORT = int(os.environ.get("LENTERA_RASA_PORT", DEFAULT_RASA_PORT))
ACTIONS_PORT = int(os.environ.get("LENTERA_ACTIONS_PORT", DEFAULT_ACTIONS_PORT))


def _stack_env(endpoints_path: Path = VAR / "endpoints.yml") -> dict[str, str]:
    model = ensure_model()
    endpoints = write_endpoints(
        endpoints_path,
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


def procfile(*, demo: bool) -> str:
    """The processes honcho runs: actions, Rasa and the console, plus the fakes in demo mode."""
    processes = {
        "actions": "$LENTERA_BIN/python -m actions --port $LENTERA_ACTIONS_PORT",
        "rasa": "$LENTERA_BIN/rasa run --enable-api --auth-token $LENTERA_API_TOKEN"
        " --port $LENTERA_RASA_PORT --model $LENTERA_MODEL --credentials credentials.yml"
        " --endpoints $LENTERA_ENDPOINTS",
        # Host and port from LENTERA_CONSOLE_HOST/PORT (default 127.0.0.1:8080).
        "console": "$LENTERA_BIN/python -m bot.console serve",
        # Prints "Lentera is ready" once every process answers its /ready.
        "ready": "$LENTERA_BIN/python -m bot.stack ready",
    }
    if demo:
        # Tokens, secrets and ports come from devtools.demo.DEMO_CHANNELS, like the
        # connectors' settings in run(): the fakes take no token on their command line.
        processes["demo"] = (
            f"$LENTERA_BIN/python -m devtools.demo --rasa-url http://127.0.0.1:{RASA_PORT}"
        )
    return "".join(f"{name}: {command}\n" for name, command in processes.items())


def seed_console(env: dict[str, str]) -> None:
    """Demo organisation and admin on an empty database (prints a new password once)."""
    subprocess.run(
        [str(BIN / "python"), "-m", "bot.console", "seed-demo"], cwd=ROOT, env=env, check=True
    )


def run(*, demo: bool) -> None:
    """Start everything under honcho; Ctrl-C stops it all."""
    env = _stack_env()
    seed_console(env)
    console = load_console_settings(env)
    console_lines = (
        f"  Console:      http://{console.host}:{console.port}/   admin: admin@lentera.local\n"
        "                (password: LENTERA_CONSOLE_ADMIN_PASSWORD, else in var/secrets.env)\n"
    )
    demo_lines = "  Telegram/WhatsApp: set their variables (README), or try `make demo`.\n"
    if demo:
        from devtools.demo import DEMO_CHANNELS  # development tool: imported for demos only

        env.update(DEMO_CHANNELS.connector_env())
        pages = DEMO_CHANNELS.pages()
        demo_lines = (
            f"  Demo Telegram chat: {pages['telegram']}\n"
            f"  Demo WhatsApp chat: {pages['whatsapp']}   (fake platforms, no real tokens)\n"
        )
    print(
        f"""
Lentera is starting; "Lentera is ready" follows once every process answers.
  Chat (REST):  curl -s localhost:{RASA_PORT}/webhooks/rest/webhook \\
                  -H 'Content-Type: application/json' -d '{{"sender": "me", "message": "halo"}}'
  Chat (terminal): make shell
{demo_lines}{console_lines}  HTTP API token: {env["LENTERA_API_TOKEN"]}   (kept in var/secrets.env)
  Stop: Ctrl-C
""",
        flush=True,
    )
    path = VAR / "Procfile"
    path.write_text(procfile(demo=demo))
    os.chdir(ROOT)
    os.execve(
        str(BIN / "honcho"), [str(BIN / "honcho"), "start", "-f", str(path), "-d", str(ROOT)], env
    )


def run_scaled(instances: int) -> int:
    """Several Rasa instances and action servers behind nginx, kept running by a supervisor."""
    found = scale.problems(os.environ, instances)
    if found:
        print("Refusing to start " + f"{instances} instances:\n  " + "\n  ".join(found))
        return 2
    # LENTERA_SCALED_DIR: where the nginx configuration, endpoints and processes.json go.
    state = Path(os.environ.get("LENTERA_SCALED_DIR") or VAR / "scaled")
    env = _stack_env(state / "endpoints.yml")
    layout = scale.Layout.choose(
        instances,
        front_host=os.environ.get("LENTERA_FRONT_HOST", "127.0.0.1"),
        front_port=RASA_PORT,
        actions_port=ACTIONS_PORT,
    )
    seed_console(env)
    processes = scale.specs(
        layout,
        bin_dir=BIN,
        model=Path(env["LENTERA_MODEL"]),
        # Every instance calls the action servers through nginx's internal front, ACTIONS_PORT.
        endpoints=Path(env["LENTERA_ENDPOINTS"]),
        nginx_conf=state / "nginx.conf",
        token=env["LENTERA_API_TOKEN"],
    )
    supervisor = Supervisor(processes, env=env, cwd=ROOT, state=state)
    console = load_console_settings(env)
    urls = {**layout.ready_urls(), "console": f"http://{console.host}:{console.port}/ready"}
    front = f"http://{layout.front_host}:{layout.front_port}"

    def announce() -> None:
        if wait_until_ready(urls, say=lambda line: supervisor.echo("ready", line)):
            supervisor.echo(
                "ready",
                f"Lentera is ready: {instances} instances behind nginx; chat "
                f"{front}/webhooks/rest/webhook, console http://{console.host}:{console.port}/",
            )

    logging.getLogger("httpx").setLevel(logging.WARNING)
    print(f"Lentera is starting {instances} instances behind nginx at {front}; Ctrl-C stops.")
    threading.Thread(target=announce, daemon=True).start()
    return supervisor.run()


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
    parser.add_argument("command", choices=["train", "run", "shell", "ready"])
    parser.add_argument("--demo", action="store_true", help="also run fake Telegram/WhatsApp")
    parser.add_argument(
        "--instances",
        type=int,
        default=int(os.environ.get("LENTERA_INSTANCES") or 1),
        help="Rasa instances and action servers behind nginx (PostgreSQL and Redis needed)",
    )
    parser.add_argument(
        "--scaled", action="store_true", help="behind nginx even with one instance (benchmarks)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.command == "train":
        print(ensure_model())
    elif args.command == "run" and (args.instances != 1 or args.scaled):
        return run_scaled(args.instances)
    elif args.command == "run":
        run(demo=args.demo)
    elif args.command == "ready":
        announce_ready()
    else:
        shell()
    return 0


def announce_ready() -> None:
    """Wait for every process, print the ready line with the URLs, then stay idle."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per poll otherwise
    console = load_console_settings()
    console_url = f"http://{console.host}:{console.port}"
    wait_until_ready(
        ready_urls(RASA_PORT, ACTIONS_PORT, console_url), say=lambda line: print(line, flush=True)
    )
    print(
        f"Lentera is ready: chat http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook, "
        f"console {console_url}/",
        flush=True,
    )
    while True:  # honcho stops every process when one exits
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
