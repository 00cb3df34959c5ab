"""The supervisor of a scaled deployment starts a dead process again and stops them all."""

from __future__ import annotations

import io
import json
import os
import signal
import sys
import time
from pathlib import Path

from bot.stack.supervisor import Spec, Supervisor

SLEEPER = [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(60)"]


def _pids(state: Path) -> dict[str, int]:
    return {
        name: entry["pid"]
        for name, entry in json.loads((state / "processes.json").read_text()).items()
    }


def _wait(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_killed_process_is_started_again_and_the_others_keep_running(tmp_path: Path):
    out = io.StringIO()
    supervisor = Supervisor(
        [Spec("one", SLEEPER), Spec("two", SLEEPER)],
        env=os.environ,
        cwd=tmp_path,
        state=tmp_path,
        out=out,
    )
    supervisor.start()
    try:
        assert _wait(lambda: "one | up" in out.getvalue() and "two | up" in out.getvalue())
        before = _pids(tmp_path)
        os.kill(before["one"], signal.SIGKILL)

        def restarted() -> bool:
            supervisor.check()
            return _pids(tmp_path)["one"] != before["one"]

        assert _wait(restarted)
        after = _pids(tmp_path)
        assert after["two"] == before["two"]  # the other instance was never touched
        os.kill(after["one"], 0)  # the new one runs
        assert "one exited with -9; starting it again" in out.getvalue()
        assert _wait(lambda: out.getvalue().count("one | up") == 2), out.getvalue()
    finally:
        supervisor.stop()
    for pid in _pids(tmp_path).values():
        assert _wait(lambda pid=pid: not _alive(pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie until its parent reaps it: stop() waits on each, so none is left.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"
