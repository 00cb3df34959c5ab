"""Where the machine's CPU went during a load phase, by kind of process.

Snapshots the user + system CPU seconds of every process on the machine before and after,
and sums the difference by what the process is (its command line): Rasa, the action server,
nginx, PostgreSQL, Redis, this load generator, the rest. On a 2-core machine shared by all of
them this says which process a scale-out ratio is waiting for.
"""

from __future__ import annotations

import os
from collections import Counter

import psutil

KINDS = (
    ("rasa", ("rasa run", "/rasa run")),
    ("actions", ("-m actions",)),
    ("nginx", ("nginx",)),
    ("postgres", ("postgres",)),
    ("redis", ("redis-server",)),
)


def kind_of(process: psutil.Process) -> str:
    """What a process is, by its command line."""
    if process.pid == os.getpid():
        return "load generator"
    try:
        command = " ".join(process.cmdline()) or process.name()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return "other"
    return next((kind for kind, marks in KINDS if any(m in command for m in marks)), "other")


def snapshot() -> dict[int, tuple[str, float]]:
    """CPU seconds (user + system) of every process, with its kind, by pid."""
    taken: dict[int, tuple[str, float]] = {}
    for process in psutil.process_iter():
        try:
            times = process.cpu_times()
            taken[process.pid] = (kind_of(process), times.user + times.system)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return taken


def spent(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> Counter:
    """CPU seconds spent between two snapshots, by kind (processes started between count whole)."""
    total: Counter = Counter()
    for pid, (kind, seconds) in after.items():
        earlier = before.get(pid)
        total[kind] += seconds - (earlier[1] if earlier and earlier[0] == kind else 0.0)
    return total
