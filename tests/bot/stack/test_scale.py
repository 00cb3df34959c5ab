"""Scaled deployment settings: refused without shared stores; the processes it starts."""

from __future__ import annotations

from pathlib import Path

from bot.stack import scale

SHARED = {
    "LENTERA_TRACKER_STORE_URL": "postgresql://postgres@127.0.0.1:5432/test",
    "LENTERA_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
    "LENTERA_REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_one_instance_needs_nothing_shared():
    assert scale.problems({}, 1) == []


def test_several_instances_are_refused_without_postgresql_and_redis():
    found = scale.problems({}, 2)
    assert len(found) == 3
    assert any("LENTERA_REDIS_URL" in line and "in-memory locks" in line for line in found)
    sqlite = {**SHARED, "LENTERA_TRACKER_STORE_URL": "sqlite:///var/tracker.db"}
    assert [line.split()[0] for line in scale.problems(sqlite, 2)] == ["LENTERA_TRACKER_STORE_URL"]
    assert scale.problems(SHARED, 2) == []
    assert scale.problems(SHARED, 99)  # beyond what one server should run


def test_the_layout_starts_nginx_each_instance_and_the_console(tmp_path: Path):
    layout = scale.Layout.choose(2, front_host="127.0.0.1", front_port=5005, actions_port=5055)
    assert len(set(layout.rasa_ports + layout.action_ports)) == 4
    processes = scale.specs(
        layout,
        bin_dir=Path("/venv/bin"),
        model=Path("models/m.tar.gz"),
        endpoints=tmp_path / "endpoints.yml",
        nginx_conf=tmp_path / "nginx.conf",
        token="t",
    )
    names = [p.name for p in processes]
    assert names == ["nginx", "actions-1", "actions-2", "rasa-1", "rasa-2", "console"]
    rasa = processes[3].argv
    # Internal processes listen on 127.0.0.1 only; nginx is the one front.
    assert rasa[rasa.index("--interface") + 1] == "127.0.0.1"
    assert rasa[rasa.index("--port") + 1] == str(layout.rasa_ports[0])
    config = (tmp_path / "nginx.conf").read_text()
    for port in layout.rasa_ports + layout.action_ports:
        assert f"127.0.0.1:{port}" in config
    assert set(layout.ready_urls()) == {"rasa-1", "rasa-2", "actions-1", "actions-2", "nginx"}
