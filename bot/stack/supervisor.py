"""Runs the processes of a scaled deployment and starts again any that dies.

honcho (``make run``) stops everything when one process exits; with several instances that
would turn one crash into an outage. Here a process that dies (killed, out of memory) is
started again after a pause that grows while it keeps failing, and the load balancer sends
its traffic to the others meanwhile. Ctrl-C or SIGTERM stops them all. Each line a process
prints is prefixed with its name; ``processes.json`` in the state folder holds each one's
pid and port (operators and the failure test read it).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

STOP_GRACE_SECONDS = 20.0
FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 30.0
STABLE_AFTER_SECONDS = 60.0  # a process that ran this long starts again at once


@dataclass
class Spec:
    """One process to keep running."""

    name: str
    argv: Sequence[str]
    port: int | None = None


@dataclass
class _Running:
    spec: Spec
    process: subprocess.Popen | None = None
    started: float = 0.0
    delay: float = FIRST_DELAY_SECONDS
    restart_at: float | None = None
    restarts: int = 0
    pump: threading.Thread | None = field(default=None, repr=False)


class Supervisor:
    """Starts the processes, restarts those that die, stops them all on a signal."""

    def __init__(
        self,
        specs: Sequence[Spec],
        *,
        env: Mapping[str, str],
        cwd: Path,
        state: Path,
        out: IO[str] | None = None,
    ) -> None:
        """Prepare (nothing runs until :meth:`start`)."""
        self._running = [_Running(spec) for spec in specs]
        self._env = dict(env)
        self._cwd = cwd
        self._state = state
        self._out = out or sys.stdout
        self._print_lock = threading.Lock()
        self._width = max((len(s.name) for s in specs), default=8)
        self.stopping = threading.Event()

    def echo(self, name: str, line: str) -> None:
        """One output line, prefixed with the process name."""
        with self._print_lock:
            self._out.write(f"{name:>{self._width}} | {line.rstrip()}\n")
            self._out.flush()

    def start(self) -> None:
        """Start every process."""
        self._state.mkdir(parents=True, exist_ok=True)
        for running in self._running:
            self._spawn(running)

    def _spawn(self, running: _Running) -> None:
        spec = running.spec
        process = subprocess.Popen(
            list(spec.argv),
            cwd=self._cwd,
            env=self._env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,  # Ctrl-C reaches the supervisor, which stops them in order
        )
        running.process, running.started, running.restart_at = process, time.monotonic(), None
        running.pump = threading.Thread(target=self._pump, args=(spec.name, process), daemon=True)
        running.pump.start()
        self._write_state()

    def _pump(self, name: str, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.echo(name, line)

    def _write_state(self) -> None:
        state = {
            r.spec.name: {
                "pid": r.process.pid if r.process else None,
                "port": r.spec.port,
                "restarts": r.restarts,
            }
            for r in self._running
        }
        path = self._state / "processes.json"
        path.with_suffix(".tmp").write_text(json.dumps(state, indent=2))
        path.with_suffix(".tmp").replace(path)

    def check(self, now: float | None = None) -> None:
        """Notice processes that exited and start them again when their pause is over."""
        now = time.monotonic() if now is None else now
        for running in self._running:
            process = running.process
            if self.stopping.is_set() or process is None:
                continue
            if running.restart_at is None and process.poll() is not None:
                if now - running.started >= STABLE_AFTER_SECONDS:
                    running.delay = FIRST_DELAY_SECONDS
                self.echo(
                    "supervisor",
                    f"{running.spec.name} exited with {process.returncode}; "
                    f"starting it again in {running.delay:.0f} s",
                )
                running.restart_at = now + running.delay
                running.delay = min(MAX_DELAY_SECONDS, running.delay * 2)
            elif running.restart_at is not None and now >= running.restart_at:
                running.restarts += 1
                self._spawn(running)

    def run(self) -> int:
        """Start, supervise until SIGINT/SIGTERM, then stop everything; the exit code."""

        def on_signal(_signum: int, _frame: object) -> None:
            self.stopping.set()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        self.start()
        while not self.stopping.wait(0.2):
            self.check()
        self.stop()
        return 0

    def stop(self) -> None:
        """SIGTERM to every process (last started first), SIGKILL after the grace period."""
        self.stopping.set()
        alive = [r.process for r in reversed(self._running) if r.process]
        for process in alive:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process in alive:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.echo("supervisor", "stopped")
