"""``python -m bot.stack ready``: wait until every process can serve, then say so once.

``make run`` starts this beside the processes: it polls each process's ``/ready`` (Rasa's
is ``/webhooks/rest/ready``), prints a progress line naming what is still loading, then
"Lentera is ready" with the URLs to open. It then stays idle, because honcho stops every
process when one exits.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import httpx

PROGRESS_EVERY_SECONDS = 10.0
POLL_SECONDS = 1.0


def ready_urls(rasa_port: int, actions_port: int, console: str) -> dict[str, str]:
    """The readiness URL of each process, by name."""
    return {
        "assistant (Rasa)": f"http://127.0.0.1:{rasa_port}/webhooks/rest/ready",
        "actions": f"http://127.0.0.1:{actions_port}/ready",
        "console": f"{console.rstrip('/')}/ready",
    }


def is_ready(url: str) -> bool:
    """True when ``url`` answers 200."""
    try:
        return httpx.get(url, timeout=3.0).status_code == 200
    except httpx.HTTPError:
        return False


def wait_until_ready(
    urls: Mapping[str, str],
    *,
    say: Callable[[str], None] = print,
    check: Callable[[str], bool] = is_ready,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    timeout: float | None = None,
) -> bool:
    """Poll until every URL is ready (True), or ``timeout`` seconds pass (False)."""
    started = last_said = clock()
    while True:
        waiting = [name for name, url in urls.items() if not check(url)]
        if not waiting:
            return True
        now = clock()
        if timeout is not None and now - started > timeout:
            say(f"Still not ready after {now - started:.0f} s: {', '.join(waiting)}")
            return False
        if now - last_said >= PROGRESS_EVERY_SECONDS:
            say(f"Starting ({now - started:.0f} s): waiting for {', '.join(waiting)}")
            last_said = now
        sleep(POLL_SECONDS)
