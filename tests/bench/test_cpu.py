"""CPU per process kind: differences between snapshots, processes told apart by command line."""

from __future__ import annotations

import os

import psutil

from bench.cpu import kind_of, snapshot, spent


def test_spent_counts_only_the_time_between_snapshots() -> None:
    before = {1: ("rasa", 10.0), 2: ("actions", 5.0)}
    after = {1: ("rasa", 12.5), 2: ("actions", 6.0), 3: ("nginx", 0.5)}
    assert spent(before, after) == {"rasa": 2.5, "actions": 1.0, "nginx": 0.5}


def test_a_reused_pid_of_another_kind_counts_whole() -> None:
    assert spent({7: ("rasa", 50.0)}, {7: ("postgres", 1.5)}) == {"postgres": 1.5}


def test_this_process_is_the_load_generator_and_is_in_the_snapshot() -> None:
    assert kind_of(psutil.Process(os.getpid())) == "load generator"
    assert snapshot()[os.getpid()][0] == "load generator"
