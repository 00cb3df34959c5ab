"""Several Rasa instances and action servers behind nginx (``make run-scaled``).

Rasa's own model of scaling: instances share nothing but the stores. Every Rasa instance
reads and writes conversations in one PostgreSQL tracker store and takes a per-conversation
lock in Redis, so two messages of one person are never processed at once on two instances;
the channels' inbox, the cases and the outbox live in one PostgreSQL database. nginx spreads
the webhooks over the Rasa instances and the action calls over the action servers. A store
that only one process can see (SQLite, Rasa's in-memory lock store) would let two instances
answer one person at once, out of order: `problems` refuses to start then.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.stack import nginx
from bot.stack.supervisor import Spec

MAX_INSTANCES = 8


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _shared(url: str | None) -> bool:
    return bool(url) and not str(url).startswith("sqlite")


def problems(env: Mapping[str, str], instances: int) -> list[str]:
    """Why ``instances`` instances cannot run with these settings (empty: they can)."""
    found = []
    if not 1 <= instances <= MAX_INSTANCES:
        found.append(f"LENTERA_INSTANCES must be between 1 and {MAX_INSTANCES}")
    if instances < 2:
        return found
    if not _shared(env.get("LENTERA_TRACKER_STORE_URL")):
        found.append(
            "LENTERA_TRACKER_STORE_URL must name a PostgreSQL database: with SQLite or an "
            "in-memory tracker store each instance would see other conversations"
        )
    if not _shared(env.get("LENTERA_DATABASE_URL")):
        found.append(
            "LENTERA_DATABASE_URL must name a PostgreSQL database (inbox, cases and outbox "
            "are shared by every instance)"
        )
    if not env.get("LENTERA_REDIS_URL"):
        found.append(
            "LENTERA_REDIS_URL is required: with in-memory locks two instances could answer "
            "one person at the same time, out of order"
        )
    return found


@dataclass(frozen=True)
class Layout:
    """Where everything of a scaled deployment listens."""

    front_host: str
    front_port: int  # nginx: webhooks, REST channel, Rasa's HTTP API
    actions_port: int  # nginx: the action servers, 127.0.0.1 only
    rasa_ports: tuple[int, ...]
    action_ports: tuple[int, ...]

    @classmethod
    def choose(
        cls, instances: int, *, front_host: str, front_port: int, actions_port: int
    ) -> Layout:
        """Free local ports for the instances behind the two fronts."""
        return cls(
            front_host,
            front_port,
            actions_port,
            tuple(free_port() for _ in range(instances)),
            tuple(free_port() for _ in range(instances)),
        )

    def ready_urls(self) -> dict[str, str]:
        """Each instance's readiness URL, and the front's."""
        urls = {
            f"rasa-{i}": f"http://127.0.0.1:{port}/webhooks/rest/ready"
            for i, port in enumerate(self.rasa_ports, 1)
        }
        urls.update(
            {
                f"actions-{i}": f"http://127.0.0.1:{p}/ready"
                for i, p in enumerate(self.action_ports, 1)
            }
        )
        urls["nginx"] = f"http://127.0.0.1:{self.front_port}/balancer/ready"
        return urls


def specs(
    layout: Layout, *, bin_dir: Path, model: Path, endpoints: Path, nginx_conf: Path, token: str
) -> list[Spec]:
    """The processes: nginx, then each action server and Rasa instance, then the console."""
    nginx.write(
        nginx_conf,
        front_host=layout.front_host,
        front_port=layout.front_port,
        actions_port=layout.actions_port,
        rasa_ports=layout.rasa_ports,
        action_ports=layout.action_ports,
    )
    processes = [Spec("nginx", nginx.command(nginx_conf), layout.front_port)]
    for i, port in enumerate(layout.action_ports, 1):
        processes.append(
            Spec(
                f"actions-{i}",
                [str(bin_dir / "python"), "-m", "actions", "--port", str(port)],
                port,
            )
        )
    for i, port in enumerate(layout.rasa_ports, 1):
        processes.append(
            Spec(f"rasa-{i}", rasa_command(bin_dir, model, endpoints, token, port), port)
        )
    processes.append(Spec("console", [str(bin_dir / "python"), "-m", "bot.console", "serve"]))
    return processes


def rasa_command(
    bin_dir: Path, model: Path, endpoints: Path, token: str, port: int, interface: str = "127.0.0.1"
) -> Sequence[str]:
    """One Rasa instance with Lentera's channels, on ``interface:port``."""
    return [
        str(bin_dir / "rasa"),
        "run",
        "--enable-api",
        "--auth-token",
        token,
        "--interface",
        interface,
        "--port",
        str(port),
        "--model",
        str(model),
        "--credentials",
        "credentials.yml",
        "--endpoints",
        str(endpoints),
    ]
