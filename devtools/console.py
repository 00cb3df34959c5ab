"""The console for tests and benches: served beside a running stack, used as a browser would.

:func:`running_console` creates an organisation and a caseworker on the stack's database
(with the contract's CLI), serves ``python -m bot.console serve`` on a free port and logs in;
:class:`ConsoleClient` keeps the session cookie and the page's CSRF token.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bot.cases.store import CaseStore
from bot.security.encryption import Cipher
from bot.stack.paths import ROOT
from bot.storage.engine import create_engine
from devtools.stack import RasaStack, free_port

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
REF = re.compile(r'href="/cases/([A-Za-z0-9_-]{6,})"')


class ConsoleClient:
    """The caseworker's browser: the console over HTTP with its cookie and CSRF token."""

    def __init__(self, url: str) -> None:
        """Point at a served console (nothing is requested yet)."""
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=30, follow_redirects=False)
        self.csrf = ""

    def login(self, email: str, password: str) -> None:
        """Log in through the form; raises if the console refuses."""
        self.page("/login")
        done = self.http.post(
            "/login", data={"email": email, "password": password, "csrf_token": self.csrf}
        )
        if done.status_code != 303:
            raise RuntimeError(f"login failed: {done.status_code}")
        self.page("/cases")

    def page(self, path: str) -> str:
        """GET a page and keep its CSRF token; raises unless it answers 200."""
        reply = self.http.get(path)
        if reply.status_code != 200:
            raise RuntimeError(f"GET {path}: {reply.status_code}")
        found = CSRF.search(reply.text)
        if found:
            self.csrf = found.group(1)
        return reply.text

    def post(self, path: str, **fields: str) -> httpx.Response:
        """POST a form with the current CSRF token (the caller judges the answer)."""
        return self.http.post(path, data={**fields, "csrf_token": self.csrf})

    def refs(self) -> set[str]:
        """The refs of the cases the queue lists now."""
        return set(REF.findall(self.page("/cases")))

    def healthy(self) -> bool:
        """True when ``GET /health`` answers 200."""
        try:
            return httpx.get(f"{self.url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False


@contextmanager
def running_console(
    stack: RasaStack,
    workdir: Path,
    *,
    organisation: str,
    caseworker: tuple[str, str],
    timeout: float = 60.0,
) -> Iterator[ConsoleClient]:
    """A default organisation and a caseworker, the console served, the caseworker logged in."""
    store = CaseStore(
        create_engine(stack.env["LENTERA_DATABASE_URL"]),
        Cipher(tuple(stack.env["LENTERA_ENCRYPTION_KEYS"].split(","))),
    )
    store.create_organisation(organisation, (), default=True)
    env = {**stack.env, "PYTHONPATH": str(ROOT)}
    created = subprocess.run(
        [sys.executable, "-m", "bot.console", "user", "create", caseworker[0]]
        + ["--org", organisation, "--role", "caseworker", "--password-stdin"],
        input=caseworker[1] + "\n",
        text=True,
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    if created.returncode:
        raise RuntimeError(created.stderr.strip())
    port = free_port()
    with (workdir / "console.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.console", "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            client = ConsoleClient(f"http://127.0.0.1:{port}")
            deadline = time.monotonic() + timeout
            while not client.healthy():
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"the console did not start (see {workdir}/console.log)")
                time.sleep(0.1)
            client.login(*caseworker)
            yield client
        finally:
            process.terminate()
            process.wait(timeout=20)
