"""The whole system as child processes: the trained model, the action server, Rasa.

Used by the end-to-end tests, the browser test and the benchmarks (never by production code:
`make run` is `python -m bot.stack`). Ports are free ports; stores are SQLite
under a working directory, or PostgreSQL/Redis when their URLs are given.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.stack.endpoints import write_endpoints
from bot.stack.model import ensure_model
from bot.stack.paths import BIN, ROOT
from bot.stack.scale import free_port

START_TIMEOUT = 240.0
TEST_SECRETS = {
    "LENTERA_SECRET_KEY": "test-secret-key-not-for-production",
    "LENTERA_ENCRYPTION_KEYS": "yXq3JkCLmOeEzq4dHTYOvhYMrbTg9mxpUSRyNtqS1ho=",
    "LENTERA_API_TOKEN": "test-api-token",
}


@dataclass
class RasaStack:
    """A running action server and Rasa server."""

    rasa_url: str
    actions_url: str
    token: str
    model: Path
    endpoints: Path
    env: Mapping[str, str]
    actions_pid: int = 0  # to pause or kill the action server in failure tests
    rasa_pid: int = 0  # to look at what the Rasa server has loaded

    def rest(self, sender: str, message: str, timeout: float = 60.0) -> list[dict]:
        """One turn through the REST channel; returns the bot messages."""
        response = httpx.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=timeout,
        )
        response.raise_for_status()
        return response.json()

    def parse(self, text: str) -> dict:
        """NLU only, through the HTTP API."""
        response = httpx.post(
            f"{self.rasa_url}/model/parse",
            params={"token": self.token},
            json={"text": text},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        """The conversation tracker, through the HTTP API."""
        response = httpx.get(
            f"{self.rasa_url}/conversations/{sender}/tracker",
            params={"token": self.token},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()


def _wait(url: str, process: subprocess.Popen, name: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{name} exited with {process.returncode}:\n{log.read_text()[-4000:]}"
            )
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{name} did not start in {START_TIMEOUT:.0f} s:\n{log.read_text()[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_stack(
    workdir: Path,
    extra_env: Mapping[str, str] | None = None,
    tracker_store_url: str | None = None,
    redis_url: str | None = None,
) -> Iterator[RasaStack]:
    """Start the action server and Rasa (with the repository's credentials.yml)."""
    model = ensure_model()
    rasa_port, actions_port = free_port(), free_port()
    env = {
        **os.environ,
        **TEST_SECRETS,
        "LENTERA_DATABASE_URL": f"sqlite:///{workdir / 'lentera.db'}",
        **(extra_env or {}),
    }
    endpoints = write_endpoints(
        workdir / "endpoints.yml",
        action_url=f"http://127.0.0.1:{actions_port}/webhook",
        tracker_store_url=tracker_store_url or f"sqlite:///{workdir / 'tracker.db'}",
        redis_url=redis_url,
    )
    actions_log, rasa_log = workdir / "actions.log", workdir / "rasa.log"
    with actions_log.open("w") as alog, rasa_log.open("w") as rlog:
        actions = subprocess.Popen(
            [str(BIN / "python"), "-m", "actions", "--port", str(actions_port)],
            cwd=ROOT,
            env=env,
            stdout=alog,
            stderr=subprocess.STDOUT,
        )
        rasa = subprocess.Popen(
            [
                str(BIN / "rasa"),
                "run",
                "--enable-api",
                "--auth-token",
                env["LENTERA_API_TOKEN"],
                "--port",
                str(rasa_port),
                "--model",
                str(model),
                "--credentials",
                "credentials.yml",
                "--endpoints",
                str(endpoints),
            ],
            cwd=ROOT,
            env=env,
            stdout=rlog,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait(f"http://127.0.0.1:{actions_port}/health", actions, "action server", actions_log)
            _wait(
                f"http://127.0.0.1:{rasa_port}/status?token={env['LENTERA_API_TOKEN']}",
                rasa,
                "rasa server",
                rasa_log,
            )
            yield RasaStack(
                f"http://127.0.0.1:{rasa_port}",
                f"http://127.0.0.1:{actions_port}",
                env["LENTERA_API_TOKEN"],
                model,
                endpoints,
                env,
                actions.pid,
                rasa.pid,
            )
        finally:
            _stop(rasa)
            _stop(actions)
