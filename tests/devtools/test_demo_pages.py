"""`make demo` as a person sees it: both chat pages in Chromium, a message typed, the reply.

Starts what ``python -m bot.stack run --demo`` starts, through the same definition
(:func:`devtools.demo.running_demo`: the connectors get ``DEMO_CHANNELS.connector_env()``,
the fakes come from ``DEMO_CHANNELS.start()``), on free ports. Drives Debian's chromium
through Playwright (``executable_path``; no browser is ever downloaded), checks that every
reply appears on the page and is what Rasa's tracker says the bot uttered, and saves
screenshots under ``var/test-artifacts/demo_pages/`` (paths printed).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from collections.abc import Callable, Iterator

import pytest

from bot.stack.paths import VAR
from devtools.conversations import (
    Delivered,
    bot_utterances,
    compare,
    sender_id,
    telegram_delivered,
    tracker,
    whatsapp_delivered,
)
from devtools.demo import DEMO_CHANNELS, RunningDemo, running_demo
from devtools.stack import free_port

pytestmark = [pytest.mark.stack, pytest.mark.browser]

CHROMIUM = os.environ.get("LENTERA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = VAR / "test-artifacts" / "demo_pages"
REPLY_TIMEOUT_MS = 15_000
# Words reach the tracker store only with consent; the test compares the tracker with the
# page, so the person agrees first.
MESSAGES = ["boleh simpan", "halo", "gaji sy blm dibayar 3 bulan"]
BOT_TEXTS = "[...document.querySelectorAll('#log > div.b')].map(d => d.firstChild.textContent)"


def _require_browser() -> None:
    missing = []
    if shutil.which(CHROMIUM) is None:
        missing.append(f"{CHROMIUM} (make test installs Debian's chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (make install)")
    if missing:
        reason = "browser test needs " + " and ".join(missing)
        if os.environ.get("LENTERA_REQUIRE_SERVICES"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    _require_browser()
    channels = dataclasses.replace(
        DEMO_CHANNELS, telegram_port=free_port(), whatsapp_port=free_port()
    )
    with running_demo(tmp_path_factory.mktemp("demo"), channels) as running:
        # The very first turns load models in Rasa and the action server; a person waits
        # for them once, the page test measures the chat itself.
        for text in MESSAGES:
            running.stack.rest("warm-up", text, timeout=120)
        yield running


@pytest.fixture(scope="module")
def browser(demo: RunningDemo) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


def _wait_settled(page, delivered: Callable[[], list[Delivered]], before: int) -> list[str]:
    """Wait for a new bot bubble, then until the page shows everything the fake received."""
    page.wait_for_function(
        "n => document.querySelectorAll('#log > div.b').length > n",
        arg=before,
        timeout=REPLY_TIMEOUT_MS,
    )
    deadline = time.monotonic() + REPLY_TIMEOUT_MS / 1000
    shown: list[str] = page.evaluate(BOT_TEXTS)
    stable_since = time.monotonic()
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        now = page.evaluate(BOT_TEXTS)
        if now != shown:
            shown, stable_since = now, time.monotonic()
        elif len(shown) >= len(delivered()) and time.monotonic() - stable_since > 1.5:
            break
    return shown


def _chat(
    demo: RunningDemo,
    browser,
    channel: str,
    user_id: str | int,
    delivered: Callable[[], list[Delivered]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    page = browser.new_page(viewport={"width": 900, "height": 1000})
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "favicon" not in message.location.get("url", "")
            else None
        ),
    )
    try:
        page.goto(demo.channels.pages()[channel])
        sender = sender_id(demo.stack.env, channel, user_id)
        for text in MESSAGES:
            before = len(page.evaluate(BOT_TEXTS))
            page.fill("#t", text)
            page.press("#t", "Enter")
            shown = _wait_settled(page, delivered, before)
            errors = page.locator("#log > div.e").all_inner_texts()
            assert not errors, f"{channel} page reported: {errors}"
            assert len(shown) > before, f"no {channel} reply to {text!r} on the page"
            # The page shows exactly what the fake platform received ...
            assert shown == [d[0] for d in delivered()]
            # ... and that is what Rasa's tracker says the bot uttered, in order.
            said = bot_utterances(tracker(demo.stack.rasa_url, demo.stack.token, sender))
            _matched, missing, unexpected = compare(said, delivered())
            assert (missing, unexpected) == (0, 0), (said, delivered())
        assert not problems, problems
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{channel}.png"
        page.screenshot(path=str(path), full_page=True)
        with capsys.disabled():
            print(f"\n  {channel} chat page screenshot: {path}")
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        failed = ARTIFACTS / f"{channel}-failed.png"
        page.screenshot(path=str(failed), full_page=True)
        with capsys.disabled():
            print(f"\n  {channel} chat page at the failure: {failed}")
        raise
    finally:
        page.close()


def test_telegram_demo_page_shows_the_replies(demo: RunningDemo, browser, capsys) -> None:
    chat_id = demo.telegram.chat_id
    _chat(
        demo,
        browser,
        "telegram",
        chat_id,
        lambda: telegram_delivered(demo.telegram, chat_id),
        capsys,
    )


def test_whatsapp_demo_page_shows_the_replies(demo: RunningDemo, browser, capsys) -> None:
    wa_id = demo.whatsapp.wa_id
    _chat(
        demo,
        browser,
        "whatsapp",
        wa_id,
        lambda: whatsapp_delivered(demo.whatsapp, wa_id),
        capsys,
    )
