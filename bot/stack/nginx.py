"""The load balancer of a scaled deployment: nginx from Debian's package, configured by us.

`render` fills ``nginx.conf.in`` with the instances' ports; `command` is how the supervisor
runs it in the foreground. ``make nginx`` installs the package when it is missing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf.in")
SEARCH_PATH = "/usr/sbin:/usr/local/sbin:/sbin"


class NginxMissing(RuntimeError):
    """nginx is not installed."""


def binary() -> str:
    """Path of the nginx executable."""
    found = shutil.which("nginx") or shutil.which("nginx", path=SEARCH_PATH)
    if not found:
        raise NginxMissing("nginx is not installed: run `make nginx` (Debian's nginx package)")
    return found


def _servers(ports: Sequence[int]) -> str:
    return "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in ports)


def render(
    *,
    state: Path,
    front_host: str,
    front_port: int,
    actions_port: int,
    rasa_ports: Sequence[int],
    action_ports: Sequence[int],
) -> str:
    """nginx.conf for these ports; temporary files and the pid file go under ``state``."""
    # As root, nginx's workers would run as "nobody", who cannot write under var/.
    user = "user root;" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    values = {
        "USER": user,
        "STATE": str(state),
        "FRONT_HOST": front_host,
        "FRONT_PORT": str(front_port),
        "ACTIONS_PORT": str(actions_port),
        "RASA_SERVERS": _servers(rasa_ports),
        "ACTION_SERVERS": _servers(action_ports),
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def write(
    path: Path,
    *,
    front_host: str,
    front_port: int,
    actions_port: int,
    rasa_ports: Sequence[int],
    action_ports: Sequence[int],
) -> Path:
    """Render the configuration into ``path``, its state folders beside it; return the path."""
    state = path.parent
    for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (state / folder).mkdir(parents=True, exist_ok=True)
    path.write_text(
        render(
            state=state,
            front_host=front_host,
            front_port=front_port,
            actions_port=actions_port,
            rasa_ports=rasa_ports,
            action_ports=action_ports,
        )
    )
    return path


def command(path: Path) -> list[str]:
    """The nginx command line: in the foreground, with this configuration."""
    return [binary(), "-p", str(path.parent), "-c", str(path)]
