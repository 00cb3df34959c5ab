"""The scaled deployment's real command refuses to start several instances on local stores.

(Running it for real, with a kill -9 mid-load, is tests/test_scale_failover.py.)
"""

from __future__ import annotations

import pytest

from devtools.scaled import running_scaled_stack


def test_several_instances_on_sqlite_and_in_memory_locks_are_refused(tmp_path):
    local = {
        "LENTERA_TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "LENTERA_DATABASE_URL": f"sqlite:///{tmp_path / 'lentera.db'}",
        "LENTERA_REDIS_URL": "",
    }
    with (
        pytest.raises(RuntimeError) as refused,
        running_scaled_stack(tmp_path, instances=2, env=local),
    ):
        pass
    message = str(refused.value)
    assert "Refusing to start 2 instances" in message
    assert "LENTERA_TRACKER_STORE_URL" in message and "in-memory locks" in message
    assert not (tmp_path / "scaled" / "processes.json").exists()  # nothing was started
