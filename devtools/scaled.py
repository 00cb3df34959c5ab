"""A scaled deployment as one child process: ``python -m bot.stack run --instances N``.

The same command as ``make run-scaled`` (nginx, N Rasa instances and action servers, the
console, under the supervisor), on free ports with the state in a working directory. Used by
the scale-out failure test and benchmark, which kill instances by the pids the supervisor
writes to ``processes.json``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from bot.stack.paths import BIN, ROOT
from bot.stack.scale import free_port
from devtools.stack import START_TIMEOUT, TEST_SECRETS

READY_LINE = "Lentera is ready"


@dataclass
class ScaledStack:
    """A running scaled deployment."""

    front_url: str
    token: str
    env: Mapping[str, str]
    state: Path
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)

    def processes(self) -> dict[str, dict]:
        """What the supervisor reports: name -> pid, port, restarts."""
        return dict(json.loads((self.state / "processes.json").read_text()))

    def kill(self, name: str) -> int:
        """``kill -9`` one process of the deployment; its pid."""
        pid = int(self.processes()[name]["pid"])
        os.kill(pid, signal.SIGKILL)
        return pid


def _read(process: subprocess.Popen, lines: list[str], log: Path) -> None:
    assert process.stdout is not None
    with log.open("a") as file:
        for line in process.stdout:
            lines.append(line)
            file.write(line)
            file.flush()


@contextmanager
def running_scaled_stack(
    workdir: Path, *, instances: int, env: Mapping[str, str]
) -> Iterator[ScaledStack]:
    """Start the deployment; ``env`` must name the PostgreSQL and Redis stores."""
    front, actions, console = free_port(), free_port(), free_port()
    full_env = {
        **os.environ,
        **TEST_SECRETS,
        **env,
        "LENTERA_RASA_PORT": str(front),
        "LENTERA_ACTIONS_PORT": str(actions),
        "LENTERA_CONSOLE_PORT": str(console),
        "LENTERA_SCALED_DIR": str(workdir / "scaled"),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [str(BIN / "python"), "-m", "bot.stack", "run", "--scaled", "--instances", str(instances)],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    lines: list[str] = []
    reader = threading.Thread(
        target=_read, args=(process, lines, workdir / "scaled.log"), daemon=True
    )
    reader.start()
    stack = ScaledStack(
        f"http://127.0.0.1:{front}",
        full_env["LENTERA_API_TOKEN"],
        full_env,
        workdir / "scaled",
        process,
        lines,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT + 60 * instances
        while not any(READY_LINE in line for line in lines):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("scaled stack did not start:\n" + "".join(lines[-60:]))
            time.sleep(0.5)
        yield stack
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """A PostgreSQL database of its own on ``server`` (a URL), dropped afterwards."""
    name = f"lentera_scaled_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                ),
                {"n": name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def inbox_settled(database_url: str, timeout: float = 300.0) -> bool:
    """Wait until no inbound message is pending or in progress; False after ``timeout``."""
    engine = sa.create_engine(database_url)
    query = sa.text("SELECT count(*) FROM channel_inbox WHERE status IN ('pending', 'processing')")
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                if conn.execute(query).scalar() == 0:
                    return True
            time.sleep(0.5)
        return False
    finally:
        engine.dispose()
