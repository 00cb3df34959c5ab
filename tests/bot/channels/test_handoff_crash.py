"""``kill -9`` of the channel process at every step of a handoff, then a restart.

One conversation walks through the whole handoff while the process that runs the Telegram
channel (inbox worker, handoff check, outbox worker: ``handoff_crash_app.py``, the Rasa
process without Rasa) is killed and started again at each step:

1. right after the consent turn opened the case (before its confirmation was sent);
2. right after a caseworker claimed it (the console, here the test, writes the claim);
3. right after the first reply was queued (not yet leased);
4. while that reply is being sent, leased but not yet at Telegram;
5. while a second reply is at Telegram (it has the message, the process has not yet marked
   it sent), with "return to assistant" queued behind it.

After every restart: each message the person writes goes to exactly one place, the case
(Rasa's ``on_new_message`` not called) while the case is open, Rasa once it is closed; never
both, never neither. Every reply reaches the chat exactly once, except in step 5's window,
where Telegram has the message and the process died before it could record that: the row is
sent again (at least once, by design: a duplicate reply rather than a lost one; Telegram's
Bot API has no idempotency key).

The real case store, on SQLite and (with ``LENTERA_TEST_POSTGRES_URL``) PostgreSQL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.cases.store import CaseStore
from bot.channels.stores import Runtime, build_runtime
from bot.settings import load_settings
from bot.texts import text
from devtools.fake_telegram import FakeTelegram, message_update
from devtools.stack import free_port

ROOT = Path(__file__).resolve().parents[3]
APP = Path(__file__).with_name("handoff_crash_app.py")
SECRET = "handoff_crash_secret"
CHAT = 4343
STAFF = 7
CONSENT = "iya boleh"
REPLY_1 = "Halo, saya Rina dari tim pendamping. Apakah Anda aman sekarang?"
REPLY_2 = "Kami akan menghubungi konsulat besok pagi."


class ChannelProcess:
    """Starts, kills (SIGKILL) and restarts the channel process on one port."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.port = free_port()
        self.log = workdir / "app.log"
        self.events_path = Path(env["HANDOFF_CRASH_LOG"])
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, mode: str) -> None:
        assert self.process is None
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [sys.executable, str(APP), str(self.port)],
                cwd=ROOT,
                env={**self.env, "HANDOFF_CRASH_MODE": mode},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log.read_text()[-3000:])
            try:
                if httpx.get(f"{self.url}/", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("the channel process did not start")

    def kill(self) -> None:
        """``kill -9``: no shutdown hook runs, leases stay as they were."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/telegram"

    def say(self, body: str) -> None:
        reply = httpx.post(
            f"{self.url}/webhook",
            json=message_update(CHAT, body),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            timeout=10,
        )
        assert reply.status_code == 200, reply.text

    def events(self, kind: str) -> list[dict[str, Any]]:
        if not self.events_path.exists():
            return []
        lines = self.events_path.read_text(encoding="utf-8").splitlines()
        return [e for e in map(json.loads, lines) if e["event"] == kind]

    def rasa_texts(self) -> list[str]:
        """Every text handed to Rasa's ``on_new_message``, across all processes."""
        return [str(e["text"]) for e in self.events("rasa")]


def wait_until(check: Callable[[], object], what: str, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def handoff_env(
    tmp_path: Path, secrets_env: dict[str, str], fake_telegram: FakeTelegram, database: Any
) -> dict[str, str]:
    url = database.url
    if database.schema:
        # The process reads only the URL: select the test schema through search_path.
        url = f"{database.url}?options=-csearch_path%3D{database.schema}"
    return {
        **os.environ,
        **secrets_env,
        "PYTHONPATH": str(ROOT),
        "LENTERA_DATABASE_URL": url,
        "TELEGRAM_BOT_TOKEN": fake_telegram.token,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_BASE_URL": fake_telegram.url,
        "HANDOFF_CRASH_LOG": str(tmp_path / "events.jsonl"),
        "HANDOFF_CRASH_CONSENT": CONSENT,
    }


@pytest.fixture
def channel_process(handoff_env: dict[str, str], tmp_path: Path) -> Iterator[ChannelProcess]:
    process = ChannelProcess(handoff_env, tmp_path)
    yield process
    process.stop()


@pytest.fixture
def runtime(handoff_env: dict[str, str]) -> Runtime:
    """The test's own view of the database: what the console and the action server write."""
    runtime = build_runtime(load_settings(handoff_env), channel="Telegram")
    runtime.cases.create_organisation("Serikat Pendamping Migran", (), default=True)
    return runtime


def test_a_handoff_holds_through_kill_9_at_every_step(
    channel_process: ChannelProcess, runtime: Runtime, fake_telegram: FakeTelegram
) -> None:
    app, cases, outbox = channel_process, runtime.cases, runtime.outbox
    sender_id = runtime.pseudonym("telegram", CHAT)

    def sent(body: str) -> int:
        return fake_telegram.sent_texts(CHAT).count(body)

    def settled() -> bool:
        counts = runtime.inbox.status_counts()
        return set(counts) == {"done"}

    def person_texts(store: CaseStore, case_id: int) -> list[str]:
        return [m.body for m in store.transcript(case_id) if m.author == "person"]

    def goes_to(body: str, case_id: int) -> set[str]:
        """Where one message of the person went, once the inbox has handled it."""
        wait_until(settled, f"the inbox to handle {body!r}")
        places = set()
        if body in person_texts(cases, case_id):
            places.add("case")
        if body in app.rasa_texts():
            places.add("rasa")
        return places

    # The conversation starts with the assistant.
    app.start("consent")
    app.say("halo")
    wait_until(lambda: sent("echo: halo"), "the assistant's answer")

    # 1. The consent turn opens the case; the process dies before confirming it.
    app.say(CONSENT)
    wait_until(lambda: app.events("opened"), "the case to be opened")
    app.kill()
    case = cases.active_case(sender_id)
    assert case is not None and case.status == "waiting"
    app.start("quiet")
    # The consent message comes back from the inbox: the case has the conversation now, so
    # it is stored there and Rasa is not asked again. (Its confirmation is never sent.)
    assert goes_to(CONSENT, case.id) == {"case", "rasa"}  # Rasa's turn was the killed one
    assert app.rasa_texts() == ["halo", CONSENT]
    assert person_texts(cases, case.id) == ["halo", CONSENT]
    app.say("saya takut")
    assert goes_to("saya takut", case.id) == {"case"}

    # 2. A caseworker claims the case; the process dies right after.
    cases.claim(case.id, STAFF)
    app.kill()
    app.start("quiet")
    app.say("kak, dia marah terus")
    assert goes_to("kak, dia marah terus", case.id) == {"case"}

    # 3. The first reply is queued; the process dies before its outbox worker saw it.
    cases.send_reply(case.id, STAFF, REPLY_1, client_token="reply-1")
    assert outbox.status_counts() == {"queued": 1}
    app.kill()

    # 4. The next process leases it and dies mid-send, before Telegram has it.
    app.start("hang_send")
    wait_until(lambda: app.events("sending"), "the reply to be leased")
    assert outbox.status_counts() == {"sending": 1}
    app.kill()
    assert sent(REPLY_1) == 0

    app.start("normal")
    wait_until(lambda: outbox.status_counts() == {"sent": 1}, "the reply to be sent")
    time.sleep(1.0)  # nothing else turns up
    assert sent(REPLY_1) == 1
    assert cases.transcript(case.id)[-1].delivery_status == "sent"
    app.say("iya bisa")
    assert goes_to("iya bisa", case.id) == {"case"}

    # 5. A second reply is at Telegram, unanswered, when the process dies; "return to
    # assistant" (the resume message) is queued behind it.
    fake_telegram.delay = 3.0  # Telegram takes the call and does not answer yet
    cases.send_reply(case.id, STAFF, REPLY_2, client_token="reply-2")
    wait_until(lambda: sent(REPLY_2), "the second reply at Telegram")
    cases.return_to_assistant(case.id, STAFF)
    app.kill()
    fake_telegram.delay = 0.0
    resume = text("handoff_returned", "id")
    assert sent(resume) == 0

    app.start("normal")
    wait_until(lambda: outbox.status_counts() == {"sent": 3}, "the replies to be sent")
    time.sleep(1.0)
    assert sent(REPLY_2) == 2  # the one window of at-least-once (see the module docstring)
    assert sent(resume) == 1
    assert fake_telegram.sent_texts(CHAT)[-2:] == [REPLY_2, resume]  # in order
    assert cases.active_case(sender_id) is None

    # The case is closed: the next message is the assistant's, and only the assistant's.
    app.say("halo lagi")
    wait_until(lambda: sent("echo: halo lagi"), "the assistant's answer")
    assert goes_to("halo lagi", case.id) == {"rasa"}
    assert app.rasa_texts() == ["halo", CONSENT, "halo lagi"]
    assert sent("echo: " + CONSENT) == 0
    assert runtime.inbox.status_counts() == {"done": 6}
